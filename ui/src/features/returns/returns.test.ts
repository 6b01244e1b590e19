import { describe, expect, it } from 'vitest';
import type { Sale, SaleLine } from '../../lib/bindings';
import { addPackCode, allQuantities, anythingReturnable, codesNeeded, parseReceiptNo, reasonForKey, reasonProblem, returnable, returnLines } from './returns';

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

describe('the packs’ traceability codes', () => {
  // 3 sold, 1 already returned, 2 of the packs left still carry a code (one was sold without).
  const coded = { ...line('t', 4, 1), trace_codes_out: 2 } as SaleLine;
  const codedSale = { id: 's2', lines: [coded, line('n', 2)] } as Sale;

  it('are needed for the packs of a partial return that were sold with one', () => {
    expect(codesNeeded(coded, 1)).toBe(0); // the pack sold without a code
    expect(codesNeeded(coded, 2)).toBe(1);
    expect(codesNeeded(coded, 3)).toBe(0); // all that is left: the core gives every code back
    expect(codesNeeded({ ...line('x', 2), trace_codes_out: 0 } as SaleLine, 1)).toBe(0);
  });

  it('raise the line’s quantity as they are scanned, once per code, up to what is left', () => {
    let state = { quantities: {}, codes: {} } as { quantities: Record<string, string>; codes: Record<string, readonly string[]> };
    state = addPackCode(codedSale, state.quantities, state.codes, 't', 'A');
    expect(state).toEqual({ quantities: { t: '1' }, codes: { t: ['A'] } });
    state = addPackCode(codedSale, state.quantities, state.codes, 't', 'A');
    expect(state.codes).toEqual({ t: ['A'] });
    state = addPackCode(codedSale, { t: '2' }, state.codes, 't', 'B');
    expect(state).toEqual({ quantities: { t: '2' }, codes: { t: ['A', 'B'] } });
    expect(returnLines(codedSale, state.quantities, state.codes)).toEqual({
      ok: true,
      lines: [{ sale_line_id: 't', quantity: 2, trace_codes: ['A', 'B'] }],
    });
  });

  it('refuse a partial return short of codes, and fewer packs than codes', () => {
    expect(returnLines(codedSale, { t: '2' })).toMatchObject({ ok: false, problem: { key: 'ret.v.packCodes', lineId: 't', params: { missing: 1 } } });
    expect(returnLines(codedSale, { t: '1' }, { t: ['A', 'B'] })).toMatchObject({ ok: false, problem: { key: 'ret.v.tooManyCodes', lineId: 't' } });
    expect(returnLines(codedSale, { t: '3', n: '1' })).toEqual({
      ok: true,
      lines: [
        { sale_line_id: 't', quantity: 3 },
        { sale_line_id: 'n', quantity: 1 },
      ],
    });
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
