//! Which screens (tabs) a member of staff sees. A person may hold several roles.

import type { Role } from './bindings';

export type TabId =
  | 'sale'
  | 'returns'
  | 'members'
  | 'pharmacist'
  | 'settings'
  | 'staff'
  | 'catalog'
  | 'day'
  | 'audit'
  | 'journal'
  | 'backup'
  | 'rules'
  | 'programme'
  | 'complaints';

// New screens go at the end, so the Ctrl+n a person has learned keeps opening the same screen.
const TAB_ORDER: readonly TabId[] = [
  'sale',
  'pharmacist',
  'returns',
  'members',
  'settings',
  'staff',
  'catalog',
  'day',
  'audit',
  'journal',
  'backup',
  'rules',
  'programme',
  'complaints',
];

const TABS_BY_ROLE: Record<Role, readonly TabId[]> = {
  // Everyone looks members up; what each role sees of a member is decided by the core.
  // Every selling role takes returns (退货); the manager's approval is typed at the till.
  // Every selling role looks up past sales (销售流水) to reprint or return them.
  // A customer complains at the counter: the cashier takes the complaint (投诉) on a tab of its
  // own; whoever has the pharmacist's bench finds complaints there instead.
  cashier: ['sale', 'returns', 'members', 'journal', 'complaints'],
  pharmacist: ['pharmacist', 'returns', 'members', 'journal'],
  // Managers can also sell; the day close (日结) and the audit log are theirs. They open the
  // pharmacist's bench too: the registers and the complaints summary are theirs to answer for.
  // 会员运营 (analytics, care lists, campaigns) is the manager's.
  manager: ['sale', 'pharmacist', 'returns', 'members', 'settings', 'staff', 'catalog', 'day', 'audit', 'journal', 'backup', 'rules', 'programme'],
};

/** Pharmacists and managers keep and read the health part of the member file (the core enforces it). */
export function seesHealth(roles: readonly Role[]): boolean {
  return roles.includes('pharmacist') || roles.includes('manager');
}

/** Who keeps a shift (开班 / 交班) at the till: whoever sells there (the core's rule too). */
export function keepsShift(roles: readonly Role[]): boolean {
  return roles.includes('cashier') || roles.includes('manager');
}

export function isManager(roles: readonly Role[]): boolean {
  return roles.includes('manager');
}

/** The tabs allowed by the given roles, in a fixed order; the first one is the home screen. */
export function tabsForRoles(roles: readonly Role[]): TabId[] {
  const allowed = new Set(roles.flatMap((role) => TABS_BY_ROLE[role] ?? []));
  if (allowed.has('pharmacist')) allowed.delete('complaints');
  return TAB_ORDER.filter((tab) => allowed.has(tab));
}

/** The keys of a keydown that `tabForKey` reads. */
export type TabKey = Pick<KeyboardEvent, 'code' | 'ctrlKey' | 'altKey' | 'shiftKey' | 'metaKey'>;

/**
 * Ctrl+1 … Ctrl+9 (top row or keypad, read by the physical key so an IME does not matter) open
 * the n-th of the person's tabs; anything else, or a number beyond the tabs, is `null`.
 */
export function tabForKey(e: TabKey, tabs: readonly TabId[]): TabId | null {
  if (!e.ctrlKey || e.altKey || e.shiftKey || e.metaKey) return null;
  const m = /^(?:Digit|Numpad)([1-9])$/.exec(e.code);
  return m ? (tabs[Number(m[1]) - 1] ?? null) : null;
}
