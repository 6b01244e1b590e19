//! 作废 (cancelling the sale being rung up), kept pure for `cancel.test.ts`: the quick reasons
//! and the reason sent to `cart_cancel` (required, at most 100 characters).

import { messages, type MessageKey } from '../../lib/i18n';

/** The quick choices, in order; keys 1–3 pick them. */
export const CANCEL_CHOICES = ['cancel.choice.changedMind', 'cancel.choice.wrongItem', 'cancel.choice.price'] as const satisfies readonly MessageKey[];

export type CancelChoice = (typeof CANCEL_CHOICES)[number];

export const MAX_CANCEL_REASON = 100;

/** The choice a key picks (1–3), or null. */
export function choiceForKey(key: string): CancelChoice | null {
  return /^[1-3]$/.test(key) ? (CANCEL_CHOICES[Number(key) - 1] ?? null) : null;
}

/**
 * The reason as recorded: the choice's words, then what was written (`扫错商品：多扫了一盒`);
 * either alone is enough. The choice is recorded in Chinese whatever language the screen is in,
 * so the journal and the audit log read the same for everyone. `problem` when neither is given
 * or the whole is too long.
 */
export function cancelReason(
  choice: CancelChoice | null,
  text: string,
): { reason: string } | { problem: 'cancel.v.required' | 'cancel.v.tooLong' } {
  const written = text.trim().replace(/\s+/g, ' ');
  const words = choice ? messages('zh-CN')[choice] : '';
  const reason = words ? (written ? `${words}：${written}` : words) : written;
  if (!reason) return { problem: 'cancel.v.required' };
  if ([...reason].length > MAX_CANCEL_REASON) return { problem: 'cancel.v.tooLong' };
  return { reason };
}
