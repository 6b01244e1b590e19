import { describe, expect, it } from 'vitest';
import { orderedRoles, pinProblem } from './staff';

describe('staff changes', () => {
  it('keeps the roles in a fixed order', () => {
    expect(orderedRoles(['manager', 'cashier'])).toEqual(['cashier', 'manager']);
    expect(orderedRoles([])).toEqual([]);
  });

  it('checks a new PIN typed twice', () => {
    expect(pinProblem('2468', '2468')).toBeNull();
    expect(pinProblem('12', '12')).toBe('validation.pinFormat');
    expect(pinProblem('2468', '2469')).toBe('validation.pinMismatch');
  });
});
