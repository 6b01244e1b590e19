//! What the screen says after a report was printed or exported (`SavedReport` from
//! `shift_slip_print`, `day_report_print`, `day_report_export`), tested in `reportFile.test.ts`.

import type { SavedReport } from '../../lib/bindings';
import { t } from '../../lib/i18n';

/** Which report action a button runs. */
export type ReportAction = 'receipt' | 'a4' | 'csv' | 'xlsx';

export const DAY_ACTIONS: ReadonlyArray<{ action: ReportAction; key: 'report.printReceipt' | 'report.printA4' | 'report.exportCsv' | 'report.exportXlsx' }> = [
  { action: 'receipt', key: 'report.printReceipt' },
  { action: 'a4', key: 'report.printA4' },
  { action: 'csv', key: 'report.exportCsv' },
  { action: 'xlsx', key: 'report.exportXlsx' },
];

/** The lines shown under the buttons: where the file is, whether it went to the printer (or why
 * not), and that a preview is not the signed report. */
export function savedLines(r: SavedReport): string[] {
  const lines = [t('report.saved', { path: r.path })];
  if (r.printer) lines.push(t('report.printed', { printer: r.printer }));
  else if (r.not_printed) lines.push(r.not_printed);
  if (r.preview) lines.push(t('report.preview'));
  return lines;
}
