import { describe, expect, it } from 'vitest';
import type { Guidance } from '../../lib/bindings';
import { emptyGuidance, GUIDANCE_FIELDS, isEmpty, startingPoint, timingForKey, tooLong, trimmed, usage } from './guidanceForm';

const advice: Guidance = {
  dose: '一次2粒',
  frequency: '每8小时1次',
  timing: '饭后',
  duration: '连服7天',
  watch_for: '皮疹',
  taboos: '忌酒',
  note: '',
};

describe('guidance form', () => {
  it('lists every field of the core type once', () => {
    const fields = GUIDANCE_FIELDS.map((f) => f.field).sort();
    expect(fields).toEqual(Object.keys(emptyGuidance()).sort());
  });

  it('starts from the current guidance, else the free text as the note, else the product default', () => {
    const dflt = { ...emptyGuidance(), note: '口服，一次1片' };
    const current = { guidance: advice } as never;
    expect(startingPoint({ current, legacy_text: null, default_guidance: dflt })).toEqual(advice);
    expect(startingPoint({ current: null, legacy_text: '饭后服用', default_guidance: dflt }).note).toBe('饭后服用');
    expect(startingPoint({ current: null, legacy_text: null, default_guidance: dflt })).toEqual(dflt);
  });

  it('knows an empty form and a field over its limit', () => {
    expect(isEmpty(emptyGuidance())).toBe(true);
    expect(isEmpty({ ...emptyGuidance(), note: '  ' })).toBe(true);
    expect(isEmpty(advice)).toBe(false);
    expect(tooLong(advice)).toBeNull();
    expect(tooLong({ ...advice, dose: 'x'.repeat(41) })?.field).toBe('dose');
    expect(trimmed({ ...advice, dose: ' 一次2粒 ' }).dose).toBe('一次2粒');
  });

  it('says the usage on one line as the receipt prints it', () => {
    expect(usage(advice)).toBe('一次2粒，每8小时1次，饭后，连服7天');
    expect(usage({ ...emptyGuidance(), timing: '睡前' })).toBe('睡前');
  });

  it('picks a timing with Alt and a digit', () => {
    expect(timingForKey({ altKey: true, ctrlKey: false, metaKey: false, code: 'Digit2' })).toBe('饭后');
    expect(timingForKey({ altKey: true, ctrlKey: false, metaKey: false, code: 'Digit7' })).toBe('必要时');
    expect(timingForKey({ altKey: true, ctrlKey: false, metaKey: false, code: 'Digit8' })).toBeNull();
    expect(timingForKey({ altKey: false, ctrlKey: false, metaKey: false, code: 'Digit2' })).toBeNull();
  });
});
