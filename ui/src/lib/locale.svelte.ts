//! The current UI language, reactive (Svelte 5 rune) and remembered in localStorage.
//! Read it through `i18n.ts` (`t`, `getLocale`, `setLocale`).

export type Locale = 'zh-CN' | 'en';

export const LOCALE_STORAGE_KEY = 'pharmapos.locale';

function storedLocale(): Locale {
  try {
    const value = globalThis.localStorage?.getItem(LOCALE_STORAGE_KEY);
    if (value === 'zh-CN' || value === 'en') return value;
  } catch {
    // Storage may be unavailable (tests, privacy settings): use the default.
  }
  return 'zh-CN';
}

export const localeState: { current: Locale } = $state({ current: storedLocale() });

export function storeLocale(locale: Locale): void {
  localeState.current = locale;
  try {
    globalThis.localStorage?.setItem(LOCALE_STORAGE_KEY, locale);
  } catch {
    // Not remembered across restarts, but the switch still works.
  }
}
