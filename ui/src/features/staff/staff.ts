//! The staff screen's pure parts, tested in `staff.test.ts`: the roles in their fixed order and
//! the checks made before a PIN is reset (the core checks again).

import type { Role } from '../../lib/bindings';
import type { MessageKey } from '../../lib/i18n';
import { isValidPin } from '../../lib/validate';

export const ROLES: readonly Role[] = ['cashier', 'pharmacist', 'manager'];

/** What a manager changes about one person. */
export type StaffChange = 'active' | 'pin' | 'roles';

/** The roles in a fixed order, whatever order they were ticked in. */
export function orderedRoles(roles: readonly Role[]): Role[] {
  return ROLES.filter((role) => roles.includes(role));
}

/** What is wrong with a new PIN typed twice, or null. */
export function pinProblem(pin: string, again: string): MessageKey | null {
  if (!isValidPin(pin)) return 'validation.pinFormat';
  if (pin !== again) return 'validation.pinMismatch';
  return null;
}
