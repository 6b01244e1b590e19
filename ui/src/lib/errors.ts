//! Turning whatever a rejected backend call produced into the one error
//! shape the UI branches on: `{ code, message, details? }`.

import type { ApiError } from './bindings';

export function isApiError(value: unknown): value is ApiError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { code?: unknown }).code === 'string' &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

/**
 * The core rejects with `ApiError`; Tauri itself may reject with a plain
 * string (e.g. a command that does not exist) and JavaScript code with an
 * `Error`. Everything becomes an `ApiError` so screens need one code path.
 */
export function toApiError(value: unknown): ApiError {
  if (isApiError(value)) return value;
  if (typeof value === 'string') return { code: 'IPC', message: value };
  if (value instanceof Error) return { code: 'UI', message: value.message };
  return { code: 'UNKNOWN', message: String(value) };
}
