import { describe, expect, it } from 'vitest';
import { barKeys, type BarAction, type BarContext, type KeyState } from './keybar';

const empty: BarContext = { lines: 0, lineSelected: false, member: null, pendingGates: 0, heldCount: 0, pharmacist: false };

function states(ctx: BarContext): Record<BarAction, KeyState> {
  return Object.fromEntries(barKeys(ctx).map((k) => [k.action, k.state])) as Record<BarAction, KeyState>;
}

describe('the function-key bar shows what works now', () => {
  it('on an empty sale: help, members, recall only with held sales, and the lock', () => {
    const s = states(empty);
    expect(s).toMatchObject({ help: 'on', member: 'on', register: 'on', lock: 'on' });
    expect(s).toMatchObject({ pay: 'off', hold: 'off', cancel: 'off', quantity: 'off', delete: 'off', recall: 'off', gates: 'off' });
    expect(s).toMatchObject({ profile: 'off', detach: 'off', coupon: 'off', points: 'off' });
    expect(states({ ...empty, heldCount: 2 }).recall).toBe('on');
  });

  it('with lines: pay (F9), hold and 作废 work; line keys only with a selected line', () => {
    const s = states({ ...empty, lines: 2 });
    expect(s).toMatchObject({ pay: 'on', hold: 'on', cancel: 'on', quantity: 'off', override: 'off' });
    expect(states({ ...empty, lines: 2, lineSelected: true })).toMatchObject({ quantity: 'on', delete: 'on', override: 'on' });
  });

  it('member keys follow the member: coupons and points only when they have some', () => {
    const member = { needsConfirm: false, coupons: 0, pointsBalance: 0 };
    expect(states({ ...empty, member })).toMatchObject({ profile: 'on', detach: 'on', coupon: 'off', points: 'off', confirmPhone: 'hidden' });
    expect(states({ ...empty, member: { needsConfirm: true, coupons: 1, pointsBalance: 500 } })).toMatchObject({
      confirmPhone: 'on',
      coupon: 'on',
      points: 'on',
    });
  });

  it('F5 only with something blocking payment; 用药指导 on a selected line for everyone', () => {
    expect(states({ ...empty, lines: 1, pendingGates: 1 }).gates).toBe('on');
    expect(states({ ...empty, lines: 1, lineSelected: true }).guidance).toBe('on');
    expect(states({ ...empty, lines: 1, lineSelected: true, pharmacist: true }).guidance).toBe('on');
    expect(states({ ...empty, lines: 1, pharmacist: true }).guidance).toBe('off');
  });

  it('names each key once, in keyboard order from F1', () => {
    const keys = barKeys(empty).map((k) => k.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.slice(0, 3)).toEqual(['F1', 'F2', 'F3']);
    expect(keys).toContain('Alt+X');
    expect(keys).toContain('Ctrl+L');
  });
});
