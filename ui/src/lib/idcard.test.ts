import { describe, expect, it } from 'vitest';
import { isIdNumber } from './scans';

describe('isIdNumber', () => {
  it('takes 17 digits and a digit or X, nothing else', () => {
    expect(isIdNumber('11010519491231002X')).toBe(true);
    expect(isIdNumber('11010519491231002x')).toBe(true);
    expect(isIdNumber('110105194912310021')).toBe(true);
    expect(isIdNumber('6901234567892')).toBe(false);
    expect(isIdNumber('1101051949123100X1')).toBe(false);
    expect(isIdNumber('1101051949123100211')).toBe(false);
  });
});
