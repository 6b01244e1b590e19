//! Base64 for file uploads (`ImportSource.content_base64`).

/** Encodes bytes as standard base64 (with padding). Chunked so large files do not overflow the call stack. */
export function bytesToBase64(bytes: Uint8Array): string {
  const chunk = 0x8000;
  let binary = '';
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}
