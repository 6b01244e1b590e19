import { describe, expect, it } from 'vitest';
import { blankIntake, filterForKey, intakeArgs, monthOf } from './complaint';

describe('filterForKey', () => {
  it('0 shows all, 1–4 one status in process order, anything else is not a filter key', () => {
    expect(filterForKey('0')).toBeNull();
    expect(filterForKey('1')).toBe('verifying');
    expect(filterForKey('4')).toBe('closed');
    expect(filterForKey('5')).toBeUndefined();
    expect(filterForKey('n')).toBeUndefined();
  });
});

describe('intakeArgs', () => {
  it('asks for the member, or the walk-in name and phone, then the description', () => {
    const f = blankIntake();
    expect(intakeArgs(f)).toEqual({ field: 'member', message: 'cp.v.member' });
    f.memberId = 'm1';
    expect(intakeArgs(f)).toEqual({ field: 'description', message: 'cp.v.description' });
    f.description = '  胶囊受潮 ';
    f.receipt = ' 20261123010001 ';
    expect(intakeArgs(f)).toEqual({
      member_id: 'm1',
      channel: 'counter',
      category: 'quality',
      description: '胶囊受潮',
      receipt_no: '20261123010001',
    });
  });
  it('sends a walk-in without a member id and leaves out empty optional fields', () => {
    const f = { ...blankIntake(), who: 'walk_in' as const, name: '王小明', description: '态度差', category: 'service' as const };
    expect(intakeArgs(f)).toEqual({ field: 'phone', message: 'cp.v.walkIn' });
    f.phone = '13900001234';
    expect(intakeArgs(f)).toEqual({
      walk_in_name: '王小明',
      walk_in_phone: '13900001234',
      channel: 'counter',
      category: 'service',
      description: '态度差',
    });
  });
});

describe('monthOf', () => {
  it('is the business date without its day', () => {
    expect(monthOf('2026-12-01')).toBe('2026-12');
  });
});
