import { describe, expect, it } from 'vitest';
import { bytesToBase64 } from './base64';
import { isApiError, supportText, toApiError } from './errors';
import { fromFen, parseAmountInput, toFen, yuan } from './money';
import { isManager, keepsShift, seesHealth, tabForKey, tabsForRoles, type TabKey } from './roles';
import { serial } from './serial';
import { isValidPin, looksLikeBarcode } from './validate';

describe('bytesToBase64', () => {
  it('matches the standard encoding, also for large and non-ASCII content', () => {
    const text = '条码,名称\n6901234567892,阿莫西林胶囊\n'.repeat(400);
    const bytes = new TextEncoder().encode(text);
    const decoded = atob(bytesToBase64(bytes));
    expect(decoded.length).toBe(bytes.length);
    expect(Uint8Array.from(decoded, (c) => c.charCodeAt(0))).toEqual(bytes);
    expect(bytesToBase64(new TextEncoder().encode('PharmaPOS'))).toBe('UGhhcm1hUE9T');
    expect(bytesToBase64(new Uint8Array([0xff, 0x00, 0x80]))).toBe('/wCA');
    expect(bytesToBase64(new Uint8Array())).toBe('');
  });
});

describe('toApiError', () => {
  it('keeps the core error and wraps anything else', () => {
    const core = { code: 'UNKNOWN_BARCODE', message: '条码不存在', details: { barcode: '1' } };
    expect(toApiError(core)).toBe(core);
    // Staff see a Chinese message; the raw text is kept for support, off the screen.
    expect(toApiError('command api not found')).toEqual({
      code: 'IPC',
      message: '与收银程序后台的连接出错：请重试，仍不行请重启 PharmaPOS',
      details: { raw: 'command api not found' },
    });
    expect(toApiError(new Error('boom'))).toMatchObject({ code: 'UI', details: { raw: 'boom' } });
    expect(toApiError(new Error('boom')).message).not.toContain('boom');
    expect(supportText(toApiError(new Error('boom')))).toBe('UI: boom');
    expect(supportText(core)).toBe('UNKNOWN_BARCODE');
    expect(isApiError({ code: 1, message: 'x' })).toBe(false);
  });
});

describe('tabsForRoles', () => {
  it('gives each role its screens, managers also selling', () => {
    expect(tabsForRoles(['cashier'])).toEqual(['sale', 'returns', 'members', 'journal', 'complaints']);
    expect(tabsForRoles(['pharmacist'])).toEqual(['pharmacist', 'returns', 'members', 'journal']);
    expect(tabsForRoles(['manager'])).toEqual(['sale', 'pharmacist', 'returns', 'members', 'settings', 'staff', 'catalog', 'day', 'audit', 'journal', 'backup', 'rules', 'programme']);
    // Complaints live on the pharmacist's bench for whoever has it.
    expect(tabsForRoles(['pharmacist', 'cashier'])).toEqual(['sale', 'pharmacist', 'returns', 'members', 'journal']);
    expect(tabsForRoles(['manager', 'cashier'])).not.toContain('complaints');
    expect(tabsForRoles([])).toEqual([]);
  });

  it('shows the health part to pharmacists and managers only', () => {
    expect(seesHealth(['cashier'])).toBe(false);
    expect(seesHealth(['pharmacist', 'cashier'])).toBe(true);
    expect(seesHealth(['manager'])).toBe(true);
    expect(isManager(['pharmacist'])).toBe(false);
    expect(isManager(['manager', 'cashier'])).toBe(true);
  });

  it('lets whoever sells keep a shift', () => {
    expect(keepsShift(['cashier'])).toBe(true);
    expect(keepsShift(['manager'])).toBe(true);
    expect(keepsShift(['pharmacist'])).toBe(false);
    expect(keepsShift(['pharmacist', 'cashier'])).toBe(true);
  });
});

describe('tabForKey', () => {
  const key = (code: string, mods: Partial<TabKey> = { ctrlKey: true }): TabKey => ({
    code,
    ctrlKey: false,
    altKey: false,
    shiftKey: false,
    metaKey: false,
    ...mods,
  });
  const cashier = tabsForRoles(['cashier']);

  it('opens the n-th tab on Ctrl+n, top row or keypad', () => {
    expect(tabForKey(key('Digit1'), cashier)).toBe('sale');
    expect(tabForKey(key('Digit2'), cashier)).toBe('returns');
    expect(tabForKey(key('Numpad3'), cashier)).toBe('members');
    expect(tabForKey(key('Digit7'), tabsForRoles(['manager']))).toBe('catalog');
    expect(tabForKey(key('Digit8'), tabsForRoles(['manager']))).toBe('day');
  });

  it('ignores other keys, other modifiers and numbers beyond the tabs', () => {
    expect(tabForKey(key('Digit4'), cashier)).toBe('journal');
    expect(tabForKey(key('Digit5'), cashier)).toBe('complaints');
    expect(tabForKey(key('Digit6'), cashier)).toBeNull();
    expect(tabForKey(key('Digit0'), cashier)).toBeNull();
    expect(tabForKey(key('Digit1', {}), cashier)).toBeNull();
    expect(tabForKey(key('Digit1', { ctrlKey: true, shiftKey: true }), cashier)).toBeNull();
    expect(tabForKey(key('Digit1', { ctrlKey: true, altKey: true }), cashier)).toBeNull();
    expect(tabForKey(key('KeyA'), cashier)).toBeNull();
  });
});

describe('validation', () => {
  it('accepts PINs of 4 to 8 digits only', () => {
    expect(['1234', '12345678'].every(isValidPin)).toBe(true);
    expect(['123', '123456789', '12a4', ' 1234', ''].some(isValidPin)).toBe(false);
  });

  it('takes 8 to 14 digits for a barcode', () => {
    expect(looksLikeBarcode('96385074')).toBe(true);
    expect(looksLikeBarcode('6901234567892')).toBe(true);
    expect(looksLikeBarcode('1234567')).toBe(false);
    expect(looksLikeBarcode('123456789012345')).toBe(false);
    expect(looksLikeBarcode('amxl')).toBe(false);
  });
});

describe('money', () => {
  it('shows the core amount as it is', () => {
    expect(yuan('25.60')).toBe('¥25.60');
  });

  it('turns core amounts into fen and back without floats', () => {
    expect(toFen('12.80')).toBe(1280);
    expect(toFen('0.07')).toBe(7);
    expect(toFen('3')).toBe(300);
    expect(toFen('-1.5')).toBe(-150);
    expect(toFen('99999999.99')).toBe(9999999999);
    expect(toFen('1.234')).toBeNull();
    expect(toFen('abc')).toBeNull();
    expect(fromFen(1280)).toBe('12.80');
    expect(fromFen(7)).toBe('0.07');
    expect(fromFen(0)).toBe('0.00');
    expect(fromFen(-5)).toBe('-0.05');
    // 0.1 + 0.2 in fen is exactly 0.30.
    expect(fromFen((toFen('0.10') ?? 0) + (toFen('0.20') ?? 0))).toBe('0.30');
  });

  it('reads amounts typed by staff', () => {
    expect(parseAmountInput('100')).toBe(10000);
    expect(parseAmountInput(' 12.5 ')).toBe(1250);
    expect(parseAmountInput('¥12.50')).toBe(1250);
    expect(parseAmountInput('１２。５')).toBe(1250);
    expect(parseAmountInput('.5')).toBe(50);
    expect(parseAmountInput('12.')).toBe(1200);
    expect(parseAmountInput('1.234')).toBeNull();
    expect(parseAmountInput('-1')).toBeNull();
    expect(parseAmountInput('')).toBeNull();
    expect(parseAmountInput('123456789')).toBeNull();
  });
});

describe('serial', () => {
  it('runs tasks in order even when an earlier one is slower or fails', async () => {
    const run = serial();
    const order: string[] = [];
    const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const a = run(async () => { await wait(20); order.push('a'); return 1; });
    const b = run(async () => { order.push('b'); throw new Error('b failed'); });
    const c = run(async () => { order.push('c'); return 3; });
    await expect(a).resolves.toBe(1);
    await expect(b).rejects.toThrow('b failed');
    await expect(c).resolves.toBe(3);
    expect(order).toEqual(['a', 'b', 'c']);
  });
});
