//! Money arrives from the core as a decimal string ("12.80"). The UI only
//! displays it: it is never parsed into a float, so no rounding can creep in.

export function yuan(amount: string): string {
  return `¥${amount}`;
}
