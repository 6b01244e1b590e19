//! Which screens (tabs) a member of staff sees. A person may hold several roles.

import type { Role } from './bindings';

export type TabId = 'sale' | 'pharmacist' | 'settings' | 'staff' | 'catalog';

const TAB_ORDER: readonly TabId[] = ['sale', 'pharmacist', 'settings', 'staff', 'catalog'];

const TABS_BY_ROLE: Record<Role, readonly TabId[]> = {
  cashier: ['sale'],
  pharmacist: ['pharmacist'],
  // Managers can also sell.
  manager: ['sale', 'settings', 'staff', 'catalog'],
};

/** The tabs allowed by the given roles, in a fixed order; the first one is the home screen. */
export function tabsForRoles(roles: readonly Role[]): TabId[] {
  const allowed = new Set(roles.flatMap((role) => TABS_BY_ROLE[role] ?? []));
  return TAB_ORDER.filter((tab) => allowed.has(tab));
}
