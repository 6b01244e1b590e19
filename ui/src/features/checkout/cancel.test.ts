import { describe, expect, it } from 'vitest';
import { cancelReason, choiceForKey } from './cancel';

describe('作废 reason', () => {
  it('picks the quick choices by 1–3', () => {
    expect(['1', '2', '3', '4', 'a'].map(choiceForKey)).toEqual([
      'cancel.choice.changedMind',
      'cancel.choice.wrongItem',
      'cancel.choice.price',
      null,
      null,
    ]);
  });

  it('records the choice, the words written, or both', () => {
    expect(cancelReason('cancel.choice.changedMind', '')).toEqual({ reason: '顾客不要了' });
    expect(cancelReason('cancel.choice.wrongItem', '  多扫了 一盒 ')).toEqual({ reason: '扫错商品：多扫了 一盒' });
    expect(cancelReason(null, '停电')).toEqual({ reason: '停电' });
  });

  it('asks for a reason, and at most 100 characters', () => {
    expect(cancelReason(null, '   ')).toEqual({ problem: 'cancel.v.required' });
    expect(cancelReason(null, '药'.repeat(100))).toEqual({ reason: '药'.repeat(100) });
    expect(cancelReason('cancel.choice.price', '药'.repeat(100))).toEqual({ problem: 'cancel.v.tooLong' });
  });
});
