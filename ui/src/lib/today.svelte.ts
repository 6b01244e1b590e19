//! Today's date at the store, as the core's clock says (`business_date`): what forms prefill and
//! check dates against. The browser's own clock is never asked, so a screen cannot disagree
//! with the core around midnight or on a machine set to another time zone.

import { call } from './ipc';

const state = $state({ date: '' });

/** Today as YYYY-MM-DD at the store; '' until the core has answered once. */
export function businessToday(): string {
  return state.date;
}

async function refresh(): Promise<void> {
  try {
    state.date = await call('business_date', {});
  } catch {
    // Keep the last answer; checks that need the date skip it while it is unknown.
  }
}

/** Keeps the date fresh while someone is logged in; returns the function that stops it. */
export function followBusinessDate(): () => void {
  void refresh();
  const timer = setInterval(() => void refresh(), 60_000);
  return () => clearInterval(timer);
}
