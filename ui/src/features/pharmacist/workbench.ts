//! The sections of the pharmacist's bench and their keys (Alt+1 … Alt+6, by the physical key so
//! an IME does not matter). Follow-ups come first: they are the work that is due today.

export const BENCH_SECTIONS = ['followups', 'guidance', 'prescriptions', 'ephedrine', 'complaints', 'lookup'] as const;

export type BenchSection = (typeof BENCH_SECTIONS)[number];

export function sectionForKey(e: Pick<KeyboardEvent, 'code' | 'ctrlKey' | 'altKey' | 'shiftKey' | 'metaKey'>): BenchSection | null {
  if (!e.altKey || e.ctrlKey || e.shiftKey || e.metaKey) return null;
  const m = /^(?:Digit|Numpad)([1-9])$/.exec(e.code);
  return m ? (BENCH_SECTIONS[Number(m[1]) - 1] ?? null) : null;
}
