import { describe, expect, it } from 'vitest';
import { DENOMINATIONS, MAX_COUNT, countTotal, emptyCounts, lineFen, parseCount, toCountLines } from './count';

describe('denominations', () => {
  it('lists the notes and coins of a Chinese drawer, largest first, as the core names them', () => {
    expect(DENOMINATIONS.map((d) => d.value)).toEqual(['100', '50', '20', '10', '5', '1', '0.50', '0.10', '0.05', '0.02', '0.01']);
    expect(DENOMINATIONS.map((d) => d.label)).toEqual(['100 元', '50 元', '20 元', '10 元', '5 元', '1 元', '5 角', '1 角', '5 分', '2 分', '1 分']);
    expect(DENOMINATIONS.map((d) => d.fen)).toEqual([10000, 5000, 2000, 1000, 500, 100, 50, 10, 5, 2, 1]);
  });
});

describe('parseCount', () => {
  it('reads whole numbers, empty as 0, full-width digits from an IME', () => {
    expect(parseCount('')).toBe(0);
    expect(parseCount('  ')).toBe(0);
    expect(parseCount('7')).toBe(7);
    expect(parseCount(' 12 ')).toBe(12);
    expect(parseCount('０３')).toBe(3);
    expect(parseCount(String(MAX_COUNT))).toBe(MAX_COUNT);
  });

  it('refuses what is not a count of pieces', () => {
    for (const bad of ['-1', '1.5', 'abc', '1e3', '10001', '99999', '3 张']) expect(parseCount(bad), bad).toBeNull();
  });
});

describe('countTotal', () => {
  it('adds count × face in fen as it is typed', () => {
    const counts = { ...emptyCounts(), '100': '5', '20': '1', '10': '1', '5': '1', '1': '3', '0.50': '1' };
    expect(countTotal(counts)).toEqual({ fen: 53850, invalid: [] });
  });

  it('counts the 分 coins exactly (no floating point)', () => {
    const counts = { '0.10': '3', '0.05': '1', '0.02': '2', '0.01': '3' };
    expect(countTotal(counts).fen).toBe(30 + 5 + 4 + 3);
    expect(countTotal({ '0.10': '7', '0.01': '3' }).fen).toBe(73);
  });

  it('is 0 for an empty sheet, and names the lines that do not read', () => {
    expect(countTotal(emptyCounts())).toEqual({ fen: 0, invalid: [] });
    expect(countTotal({ '100': '2', '50': 'x', '0.05': '-1' })).toEqual({ fen: 20000, invalid: ['50', '0.05'] });
  });

  it('gives each line its subtotal', () => {
    const fifty = DENOMINATIONS[1]!;
    expect(lineFen(fifty, '3')).toBe(15000);
    expect(lineFen(fifty, 'x')).toBe(0);
  });
});

describe('toCountLines', () => {
  it('sends every denomination once, in order, with the count as typed', () => {
    const lines = toCountLines({ '100': ' 5 ', '0.50': '２', '0.01': '' });
    expect(lines).toHaveLength(11);
    expect(lines[0]).toEqual({ denomination: '100', count: '5' });
    expect(lines.find((l) => l.denomination === '0.50')).toEqual({ denomination: '0.50', count: '2' });
    expect(lines.find((l) => l.denomination === '20')).toEqual({ denomination: '20', count: '' });
    expect(new Set(lines.map((l) => l.denomination)).size).toBe(11);
  });
});
