//! The one place that talks to the backend.
//!
//! The Tauri shell exposes a single command, `api`, taking `{ cmd, args }`.
//! `call` is typed by the `Commands` map from `bindings.ts`, so a wrong
//! command name or argument shape is a compile error, and every rejection
//! is normalised to `ApiError` (`{ code, message, details? }`).

import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type { ApiError, Commands } from './bindings';
import { reportDamage } from './damaged.svelte';
import { toApiError } from './errors';

export type Command = keyof Commands;
export type ArgsOf<K extends Command> = Commands[K]['args'];
export type ResultOf<K extends Command> = Commands[K]['result'];

/** What every call rejects with when the page is not running inside the Tauri shell. */
export const NO_BACKEND: ApiError = { code: 'NO_BACKEND', message: '未连接到 PharmaPOS 后端' };

function inTauri(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
}

export async function call<K extends Command>(cmd: K, args: ArgsOf<K>): Promise<ResultOf<K>> {
  if (!inTauri()) throw { ...NO_BACKEND };
  try {
    return await invoke<ResultOf<K>>('api', { cmd, args });
  } catch (e) {
    const error = toApiError(e);
    // A damaged store file stops selling on every screen, whichever command found it.
    if (error.code === 'STORE_DAMAGED') reportDamage(error.message);
    throw error;
  }
}

/** Payload of the `catalog-import-progress` event emitted while `catalog_import` runs. */
export type ImportProgress = { done: number; total: number };

export const IMPORT_PROGRESS_EVENT = 'catalog-import-progress';

/** Subscribes to import progress; resolves with the function that unsubscribes. */
export async function onImportProgress(handler: (progress: ImportProgress) => void): Promise<UnlistenFn> {
  if (!inTauri()) return () => {};
  return listen<ImportProgress>(IMPORT_PROGRESS_EVENT, (event) => handler(event.payload));
}
