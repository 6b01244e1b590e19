import { describe, expect, it } from 'vitest';
import { monthStart, pageCount, patientLine } from './registers';

describe('register helpers', () => {
  it('opens a register on the first of the month', () => {
    expect(monthStart('2026-12-07')).toBe('2026-12-01');
    expect(monthStart('')).toBe('');
  });

  it('counts pages', () => {
    expect(pageCount(0, 50)).toBe(0);
    expect(pageCount(50, 50)).toBe(1);
    expect(pageCount(51, 50)).toBe(2);
  });

  it('writes the patient as sex and age', () => {
    const labels = { male: '男', female: '女', years: '{n} 岁' };
    expect(patientLine('female', 34, labels)).toBe('女 34 岁');
    expect(patientLine(null, null, labels)).toBe('');
  });
});
