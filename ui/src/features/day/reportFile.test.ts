import { describe, expect, it } from 'vitest';
import { setLocale } from '../../lib/i18n';
import { savedLines } from './reportFile';

describe('savedLines', () => {
  setLocale('zh-CN');
  const base = { path: '/data/reports/day-close-2026-11-23-no3-80mm-20261123-220630.pdf', printer: null, not_printed: null, preview: false, bytes: 1234 };

  it('names the file, and the printer it went to', () => {
    expect(savedLines({ ...base, printer: 'XP-80C' })).toEqual([
      '已保存：/data/reports/day-close-2026-11-23-no3-80mm-20261123-220630.pdf',
      '已发送到打印机 XP-80C',
    ]);
  });

  it('says why it was not printed, and marks a preview', () => {
    expect(savedLines({ ...base, not_printed: '本机未设置打印机，已保存为 PDF', preview: true })).toEqual([
      '已保存：/data/reports/day-close-2026-11-23-no3-80mm-20261123-220630.pdf',
      '本机未设置打印机，已保存为 PDF',
      '预览（未日结）',
    ]);
  });

  it('only saved when saving was asked', () => {
    expect(savedLines(base)).toHaveLength(1);
  });
});
