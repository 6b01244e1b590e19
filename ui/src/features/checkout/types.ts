//! Types shared by the checkout dialogs.

import type { ApiError, Cart } from '../../lib/bindings';

/**
 * Runs one cart change through the cashier screen's queue (so it never races a scan) and
 * applies the new cart; resolves with the error to show in the dialog, or null.
 */
export type CartUpdate = (task: (cart: Cart) => Promise<Cart>) => Promise<ApiError | null>;
