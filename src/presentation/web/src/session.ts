// The signed-in token (session storage: gone with the tab) and the chosen
// language (local storage: remembered).
import { isLocale, type Locale } from './i18n';

const kToken = 'jsruntime.token';
const kLocale = 'jsruntime.locale';

export const session = {
  token: (): string | null => sessionStorage.getItem(kToken),
  signIn: (token: string) => sessionStorage.setItem(kToken, token),
  signOut: () => sessionStorage.removeItem(kToken),
  locale: (): Locale => {
    const stored = localStorage.getItem(kLocale);
    if (isLocale(stored)) return stored;
    const browser = navigator.language.slice(0, 2);
    return isLocale(browser) ? browser : 'en';
  },
  setLocale: (locale: Locale) => localStorage.setItem(kLocale, locale),
};
