// Every string the UI shows, in English, Russian and Uzbek (Latin script);
// the chosen locale is remembered, dates and numbers follow it.

import { en, type MessageKey, type Messages } from './locales/en';
import { ru } from './locales/ru';
import { uz } from './locales/uz';

export const locales = ['en', 'ru', 'uz'] as const;
export type Locale = (typeof locales)[number];

export type { MessageKey };

export const messages: Record<Locale, Messages> = { en, ru, uz };

export class Translator {
  constructor(public locale: Locale) {}

  // The message in the locale; in English when the locale lacks it; the key
  // itself when no locale has it (a key made at run time): never a throw.
  t(key: MessageKey, values: Record<string, string | number> = {}): string {
    const template: string | undefined = messages[this.locale][key] ?? messages.en[key];
    return (template ?? key).replace(/\{(\w+)\}/g, (_, name: string) =>
      name in values ? this.format(values[name]) : `{${name}}`);
  }

  // A count in the form the locale's plural rules ask for: `${base}.one`, `.few`, `.many` or `.other`.
  plural(base: 'scripts.total' | 'dead.replayedAll', count: number): string {
    const rule = new Intl.PluralRules(this.locale).select(count);
    const key = `${base}.${rule}` as MessageKey;
    return this.t(key in messages[this.locale] ? key : (`${base}.other` as MessageKey), { count });
  }

  // An error from the API in the reader's language: its code's message when there is one.
  error(code: string, message: string): string {
    const key = `error.${code}` as MessageKey;
    return key in messages[this.locale] ? this.t(key) : this.t('error.unknown', { message });
  }

  format(value: string | number): string {
    return typeof value === 'number' ? new Intl.NumberFormat(this.locale).format(value) : value;
  }

  // A moment in the browser's zone, to the second, the zone named.
  date(iso: string): string {
    return new Intl.DateTimeFormat(this.locale, { dateStyle: 'medium', timeStyle: 'long' }).format(new Date(iso));
  }
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (locales as readonly string[]).includes(value);
}
