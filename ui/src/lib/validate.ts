//! Checks done in the form before a call, so staff get instant feedback.
//! The core checks the same rules again and stays the authority.

export function isValidPin(pin: string): boolean {
  return /^\d{4,8}$/.test(pin);
}

/** A barcode typed or scanned into the sale input: 8 to 14 digits (EAN-8 … ITF-14). */
export function looksLikeBarcode(text: string): boolean {
  return /^\d{8,14}$/.test(text);
}
