import { describe, expect, it } from 'vitest';
import type { Sale, SaleLine } from '../../lib/bindings';
import { allQuantities, anythingReturnable, parseReceiptNo, reasonForKey, reasonProblem, returnable, returnLines } from './returns';

const line = (id: string, quantity: number, returned = 0): SaleLine =>
  ({ id, name: `药品${id}`, quantity, returned_quantity: returned }) as SaleLine;

const sale = { id: 's1', lines: [line('a', 2), line('b', 1, 1), line('c', 3, 1)] } as Sale;

describe('receipt numbers', () => {
  it('takes 14 digits, scanned or typed with spaces or full-width digits', () => {
    expect(parseReceiptNo('20261123010007')).toBe('20261123010007');
    expect(parseReceiptNo(' 20261123 01 0007 ')).toBe('20261123010007');
    expect(parseReceiptNo('２０２６１１２３０１０００７')).toBe('20261123010007');
    expect(parseReceiptNo('2026112301000')).toBeNull();
    expect(parseReceiptNo('6907462053312')).toBeNull();
  });
});

describe('what may be returned', () => {
  it('is what was sold less what was returned', () => {
    expect(sale.lines.map(returnable)).toEqual([2, 0, 2]);
    expect(anythingReturnable(sale)).toBe(true);
    expect(anythingReturnable({ ...sale, lines: [line('b', 1, 1)] } as Sale)).toBe(false);
    expect(allQuantities(sale)).toEqual({ a: '2', b: '0', c: '2' });
  });

  it('turns the typed quantities into return lines', () => {
    expect(returnLines(sale, { a: '1', c: '' })).toEqual({ ok: true, lines: [{ sale_line_id: 'a', quantity: 1 }] });
    expect(returnLines(sale, { a: '２', c: '2' })).toEqual({
      ok: true,
      lines: [
        { sale_line_id: 'a', quantity: 2 },
        { sale_line_id: 'c', quantity: 2 },
      ],
    });
  });

  it('refuses nothing selected, more than is left and non-numbers', () => {
    expect(returnLines(sale, {})).toMatchObject({ ok: false, problem: { key: 'ret.v.nothing' } });
    expect(returnLines(sale, { a: '0' })).toMatchObject({ ok: false, problem: { key: 'ret.v.nothing' } });
    expect(returnLines(sale, { c: '3' })).toMatchObject({ ok: false, problem: { key: 'ret.v.exceeds', lineId: 'c', params: { left: 2 } } });
    expect(returnLines(sale, { a: '1.5' })).toMatchObject({ ok: false, problem: { key: 'ret.v.quantity', lineId: 'a' } });
  });
});

describe('the reason', () => {
  it('is picked with 1–5', () => {
    expect(['1', '2', '3', '4', '5', '6', 'a'].map(reasonForKey)).toEqual([
      'damaged',
      'spoiled',
      'expired',
      'wrong_batch',
      'other_quality',
      null,
      null,
    ]);
  });

  it('needs a note only for other quality problems', () => {
    expect(reasonProblem(null, '')?.key).toBe('ret.v.reason');
    expect(reasonProblem('damaged', '')).toBeNull();
    expect(reasonProblem('other_quality', ' ')?.key).toBe('ret.v.note');
    expect(reasonProblem('other_quality', '胶囊粘连')).toBeNull();
    expect(reasonProblem('damaged', '字'.repeat(101))?.key).toBe('ret.v.noteTooLong');
  });
});
