//! Turning whatever a rejected backend call produced into the one error
//! shape the UI branches on: `{ code, message, details? }`.
//!
//! Staff read `message`, once, in Chinese, saying what to do; the code stays
//! out of the visible text (`ErrorBar` keeps it in `data-code` and the
//! tooltip, for support). So an error that did not come from the core (a
//! Tauri failure, a bug in a screen) gets a Chinese message too, and its raw
//! text goes to `details.raw`, never on screen.

import type { ApiError } from './bindings';
import { t } from './i18n';

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
  if (typeof value === 'string') return { code: 'IPC', message: t('error.ipc'), details: { raw: value } };
  if (value instanceof Error) return { code: 'UI', message: t('error.ui'), details: { raw: value.message } };
  return { code: 'UNKNOWN', message: t('error.ui'), details: { raw: String(value) } };
}

/** What support needs and staff do not: the code, and the raw text of an error not from the core. */
export function supportText(error: ApiError): string {
  const raw = (error.details as { raw?: unknown } | undefined)?.raw;
  return typeof raw === 'string' && raw !== '' ? `${error.code}: ${raw}` : error.code;
}
