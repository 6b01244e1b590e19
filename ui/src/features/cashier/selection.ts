//! Which sale line is selected, kept by line id so it survives cart updates.

type Line = { readonly id: string };

/** Moves the selection by `delta` lines, stopping at the ends; selects the last line when none is. */
export function moveSelection(lines: readonly Line[], selectedId: string | null, delta: number): string | null {
  if (lines.length === 0) return null;
  const index = lines.findIndex((line) => line.id === selectedId);
  if (index < 0) return lines[lines.length - 1]?.id ?? null;
  const next = Math.min(lines.length - 1, Math.max(0, index + delta));
  return lines[next]?.id ?? null;
}

/** After removing a line, select the one that took its place, else the one before it. */
export function selectionAfterRemoval(lines: readonly Line[], removedId: string): string | null {
  const index = lines.findIndex((line) => line.id === removedId);
  if (index < 0) return null;
  return lines[index + 1]?.id ?? lines[index - 1]?.id ?? null;
}

/** Keeps `preferred` if it is still a line, otherwise falls back to the last line. */
export function keepSelection(lines: readonly Line[], preferred: string | null): string | null {
  if (preferred !== null && lines.some((line) => line.id === preferred)) return preferred;
  return lines[lines.length - 1]?.id ?? null;
}
