//! The backup screen's pure parts, tested in `backup.test.ts`: the settings form and its checks
//! (the core checks again), sizes and file names made readable.

import type { BackupSettings, BackupStatus } from '../../lib/bindings';
import type { MessageKey } from '../../lib/i18n';

export type BackupForm = { folder: string; keep: string; dailyAt: string };
export type BackupField = 'folder' | 'keep' | 'dailyAt';

export function backupForm(status: BackupStatus): BackupForm {
  return { folder: status.settings.folder, keep: String(status.settings.keep), dailyAt: status.settings.daily_at };
}

/** Absolute on Linux (`/media/usb`) or Windows (`D:\备份`, `\\server\share`). */
function isAbsolute(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith('\\\\');
}

/** The form as the core's settings, or the first field that does not read and why. */
export function checkBackupSettings(
  form: BackupForm,
): { settings: BackupSettings } | { field: BackupField; key: MessageKey } {
  const folder = form.folder.trim();
  if (folder !== '' && !isAbsolute(folder)) return { field: 'folder', key: 'backup.v.folder' };
  const keep = form.keep.trim();
  if (!/^\d{1,3}$/.test(keep) || Number(keep) < 1 || Number(keep) > 365) return { field: 'keep', key: 'backup.v.keep' };
  const time = /^(\d{1,2})[:：](\d{2})$/.exec(form.dailyAt.trim());
  if (!time || Number(time[1]) > 23 || Number(time[2]) > 59) return { field: 'dailyAt', key: 'backup.v.dailyAt' };
  return {
    settings: { folder, keep: Number(keep), daily_at: `${time[1]!.padStart(2, '0')}:${time[2]}` },
  };
}

/** 1019904 → "996 KB", 52428800 → "50.0 MB". */
export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024 / 1024 / 1024).toFixed(2)} GB`;
}

/** The last part of a path, Linux or Windows. */
export function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** Progress as a whole percent (0 while the total is unknown). */
export function percent(done: number, total: number): number {
  return total > 0 ? Math.min(100, Math.floor((done * 100) / total)) : 0;
}
