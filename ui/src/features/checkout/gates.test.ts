import { describe, expect, it } from 'vitest';
import type { Cart, Gates } from '../../lib/bindings';
import { approverProblem, gateAction, idCheckChar, idNumberHint, normalizeDate, normalizeIdNumber, payBlock, pendingGates, prescriptionProblems } from './gates';

const TODAY = '2026-11-23';

const noGates: Gates = {
  rx_required: false,
  prescription: null,
  rx_approved: false,
  ephedrine_quantity: 0,
  ephedrine_buyer: null,
  allergy_pending: [],
  trace_pending: [],
  blocked: [],
};

const prescription = {
  hospital: '仁济医院',
  doctor: '王医生',
  prescribed_on: TODAY,
  diagnosis: '急性咽炎',
  image_path: null,
  approved_by: null,
  approved_by_name: null,
  approved_at: null,
};

describe('what clears a block', () => {
  it('maps each blocked code to its dialog, in the core’s order', () => {
    const gates: Gates = {
      ...noGates,
      blocked: ['ALLERGY_ACK_REQUIRED', 'RX_APPROVAL_REQUIRED', 'EPHEDRINE_BUYER_REQUIRED', 'SOMETHING_NEW'],
    };
    expect(pendingGates(gates)).toEqual(['allergy', 'prescription', 'ephedrineBuyer']);
    expect(gateAction('RX_APPROVAL_REQUIRED', { ...gates, prescription })).toBe('approval');
    expect(gateAction('EPHEDRINE_LIMIT', gates)).toBe('ephedrineLimit');
  });

  it('opens no payment on an empty cart, a block, or a coupon whose minimum is not met', () => {
    const cart = {
      lines: [{ id: 'l1' }],
      gates: noGates,
      pricing: { coupon: null },
    } as unknown as Cart;
    expect(payBlock(null)?.key).toBe('pay.block.empty');
    expect(payBlock({ ...cart, lines: [] })?.key).toBe('pay.block.empty');
    expect(payBlock(cart)).toBeNull();
    expect(payBlock({ ...cart, gates: { ...noGates, blocked: ['EPHEDRINE_BUYER_REQUIRED'] } })).toEqual({
      key: 'pay.block.gate',
      gate: 'ephedrineBuyer',
    });
    const coupon = { outcome: 'minimum_not_met', min_spend: '50.00', eligible_net: '32.00' };
    expect(payBlock({ ...cart, pricing: { ...cart.pricing, coupon } } as unknown as Cart)).toEqual({
      key: 'pay.block.coupon',
      params: { min: '50.00', net: '32.00' },
    });
  });
});

describe('resident ID number hint (GB 11643)', () => {
  it('computes the check character', () => {
    expect(idCheckChar('11010519491231002')).toBe('X');
    expect(idCheckChar('44010119900307123')).toBe('X');
    expect(idCheckChar('11010119900307123')).toBe('3');
    expect(idCheckChar('1101051949123100')).toBeNull();
  });

  it('accepts a valid number, also typed with full-width digits, spaces or a lower-case x', () => {
    expect(idNumberHint('11010519491231002X', TODAY)).toBeNull();
    expect(idNumberHint('11010519491231002x', TODAY)).toBeNull();
    expect(idNumberHint('１１０１０５１９４９１２３１００２Ｘ', TODAY)).toBeNull();
    expect(normalizeIdNumber(' 110105 19491231 002x ')).toBe('11010519491231002X');
    expect(idNumberHint('', TODAY)).toBeNull();
  });

  it('says what looks wrong', () => {
    expect(idNumberHint('1101051949', TODAY)).toEqual({ key: 'eph.hint.length', params: { count: 10 } });
    expect(idNumberHint('11010519491231002A', TODAY)?.key).toBe('eph.hint.chars');
    expect(idNumberHint('110105X9491231002X', TODAY)?.key).toBe('eph.hint.chars');
    expect(idNumberHint('110105194913310020', TODAY)?.key).toBe('eph.hint.birth');
    expect(idNumberHint('110105203012310020', TODAY)?.key).toBe('eph.hint.birth');
    expect(idNumberHint('110105194912310021', TODAY)?.key).toBe('eph.hint.check');
  });
});

describe('approver and prescription forms', () => {
  it('wants a staff number and a 4–8 digit PIN', () => {
    expect(approverProblem({ staff_no: '2001', pin: '2222' })).toBeNull();
    expect(approverProblem({ staff_no: ' ', pin: '2222' })?.field).toBe('staffNo');
    expect(approverProblem({ staff_no: '2001', pin: '22' })?.field).toBe('pin');
  });

  it('checks every prescription field in order', () => {
    const form = { hospital: '仁济医院', doctor: '王医生', prescribed_on: '2026/11/20', diagnosis: '急性咽炎' };
    expect(prescriptionProblems(form, TODAY)).toEqual([]);
    expect(prescriptionProblems({ ...form, hospital: '', diagnosis: ' ' }, TODAY).map((p) => p.key)).toEqual([
      'rx.v.hospital',
      'rx.v.diagnosis',
    ]);
    expect(prescriptionProblems({ ...form, prescribed_on: '2026-11-24' }, TODAY)[0]?.key).toBe('rx.v.dateFuture');
    expect(prescriptionProblems({ ...form, prescribed_on: '2026-02-30' }, TODAY)[0]?.key).toBe('rx.v.date');
    expect(prescriptionProblems({ ...form, doctor: '王'.repeat(31) }, TODAY)[0]).toMatchObject({ field: 'doctor', key: 'rx.v.tooLong' });
    expect(normalizeDate('20261120')).toBe('2026-11-20');
    expect(normalizeDate('2026年11月2日')).toBe('2026-11-02');
  });
});
