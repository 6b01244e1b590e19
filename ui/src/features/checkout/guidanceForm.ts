//! The guidance form's logic (用药指导): its fields in order, the timings to pick from, what
//! the form starts from, and the keys that move through it. The screens are
//! `GuidanceForm.svelte` (at the till and on the pharmacist's workbench).

import type { Guidance, GuidanceLine } from '../../lib/bindings';
import type { MessageKey } from '../../lib/i18n';

export type GuidanceField = keyof Guidance;

/** The fields in the order the form and the printed slip show them, with their limits. */
export const GUIDANCE_FIELDS: readonly { field: GuidanceField; label: MessageKey; max: number; long: boolean }[] = [
  { field: 'dose', label: 'gform.dose', max: 40, long: false },
  { field: 'frequency', label: 'gform.frequency', max: 40, long: false },
  { field: 'timing', label: 'gform.timing', max: 40, long: false },
  { field: 'duration', label: 'gform.duration', max: 40, long: false },
  { field: 'watch_for', label: 'gform.watchFor', max: 200, long: true },
  { field: 'taboos', label: 'gform.taboos', max: 200, long: true },
  { field: 'note', label: 'gform.note', max: 200, long: true },
];

/** The timings a pharmacist picks from (Alt+1 … Alt+7 in the timing field); any text may be typed. */
export const TIMINGS = ['饭前', '饭后', '随餐', '空腹', '睡前', '晨起', '必要时'] as const;

export function emptyGuidance(): Guidance {
  return { dose: '', frequency: '', timing: '', duration: '', watch_for: '', taboos: '', note: '' };
}

export function isEmpty(g: Guidance): boolean {
  return GUIDANCE_FIELDS.every(({ field }) => g[field].trim() === '');
}

/** Trimmed copy, as the core keeps it. */
export function trimmed(g: Guidance): Guidance {
  const out = emptyGuidance();
  for (const { field } of GUIDANCE_FIELDS) out[field] = g[field].trim();
  return out;
}

/** The first field over its limit, if any. */
export function tooLong(g: Guidance): { field: GuidanceField; label: MessageKey; max: number } | null {
  for (const f of GUIDANCE_FIELDS) if ([...g[f.field].trim()].length > f.max) return f;
  return null;
}

/**
 * What the form starts from for a committed sale's line: its current guidance, else the free
 * text written on it before guidance had fields (as the note), else the product's default.
 */
export function startingPoint(line: Pick<GuidanceLine, 'current' | 'legacy_text' | 'default_guidance'>): Guidance {
  if (line.current) return { ...line.current.guidance };
  if (line.legacy_text) return { ...emptyGuidance(), note: line.legacy_text };
  return { ...line.default_guidance };
}

/** 用法 on one line as the receipt prints it: `一次2粒，一日3次，饭后，连服7天`. */
export function usage(g: Guidance): string {
  return [g.dose, g.frequency, g.timing, g.duration]
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .join('，');
}

/** Alt+1 … Alt+7 in the timing field: the timing picked, or null. */
export function timingForKey(e: Pick<KeyboardEvent, 'altKey' | 'ctrlKey' | 'metaKey' | 'code'>): string | null {
  if (!e.altKey || e.ctrlKey || e.metaKey) return null;
  const m = /^Digit([1-9])$/.exec(e.code);
  if (!m) return null;
  return TIMINGS[Number(m[1]) - 1] ?? null;
}
