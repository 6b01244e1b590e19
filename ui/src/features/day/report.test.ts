import { describe, expect, it } from 'vitest';
import { clockTime, overShortLabel, overShortOf, shortHash, tenderKey } from './report';

describe('over / short', () => {
  it('reads the sign of counted − expected', () => {
    expect(overShortOf('0.10')).toBe('over');
    expect(overShortOf('-0.10')).toBe('short');
    expect(overShortOf('0.00')).toBe('even');
  });

  it('labels it with the amount unsigned', () => {
    expect(overShortLabel('-12.30')).toEqual({ key: 'slip.short', amount: '12.30' });
    expect(overShortLabel('0.05')).toEqual({ key: 'slip.over', amount: '0.05' });
    expect(overShortLabel('0.00')).toEqual({ key: 'slip.even', amount: '0.00' });
  });
});

describe('shortHash', () => {
  it('keeps the first and last 8 characters of a long hash', () => {
    const hash = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
    expect(shortHash(hash)).toBe('9f86d081…b0f00a08');
    expect(shortHash('abc')).toBe('abc');
  });
});

describe('tenderKey', () => {
  it('names the known tenders, leaves others to show as they are', () => {
    expect(tenderKey('cash')).toBe('tender.cash');
    expect(tenderKey('insurance')).toBe('tender.insurance');
    expect(tenderKey('voucher')).toBeNull();
  });
});

describe('clockTime', () => {
  it('shows HH:MM at the store (China time)', () => {
    expect(clockTime('2026-11-30T01:05:00.000Z')).toBe('09:05');
    expect(clockTime('2026-11-30T16:30:00.000Z')).toBe('00:30');
    expect(clockTime(null)).toBe('');
  });
});
