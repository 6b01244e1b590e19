import { describe, expect, it } from 'vitest';
import { format, messages, t, setLocale, getLocale, type MessageKey } from './i18n';
import { SHORTCUT_SECTIONS } from './shortcuts';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('i18n', () => {
  it('has the same placeholders in every language', () => {
    const zh = messages('zh-CN');
    const en = messages('en');
    for (const key of Object.keys(zh) as MessageKey[]) {
      expect(placeholders(en[key]), key).toEqual(placeholders(zh[key]));
      expect(en[key].trim(), key).not.toBe('');
    }
  });

  it('defaults to Chinese and switches to English', () => {
    expect(getLocale()).toBe('zh-CN');
    expect(t('tab.sale')).toBe('收银');
    setLocale('en');
    expect(t('tab.sale')).toBe('Sale');
    setLocale('zh-CN');
    expect(t('sale.itemCount', { count: 3 })).toBe('共 3 件');
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(format('{a} and {b}', { a: 1 })).toBe('1 and {b}');
  });

  it('describes every shortcut', () => {
    for (const section of SHORTCUT_SECTIONS) {
      expect(messages('zh-CN')[section.title]).toBeTruthy();
      for (const shortcut of section.shortcuts) expect(messages('zh-CN')[shortcut.action]).toBeTruthy();
    }
  });
});

describe('Chinese text', () => {
  it('uses full-width punctuation (，：（）；！？), never the half-width marks', () => {
    const zh = messages('zh-CN');
    const bad: string[] = [];
    for (const [key, text] of Object.entries(zh)) {
      if (!/[\u3400-\u9fff]/.test(text)) continue;
      // Placeholders, times (HH:MM, 02:00), web addresses and typed number lists (1, 11, 21) keep
      // their ASCII marks: they are data, not prose.
      const prose = text
        .replace(/\{\w+\}/g, '')
        .replace(/https?:\/\/\S*/g, '')
        .replace(/\b(?:HH:MM|\d{1,2}:\d{2})\b/g, '')
        .replace(/\d,\s?(?=\d)/g, '');
      if (/[,:;!?()]/.test(prose)) bad.push(`${key}: ${text}`);
    }
    expect(bad).toEqual([]);
  });
});
