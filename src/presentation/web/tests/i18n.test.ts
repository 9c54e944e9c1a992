import { describe, expect, it } from 'vitest';

import { messages, Translator, type MessageKey } from '../src/i18n';
import { labelKey, statusLabels, typeLabels } from '../src/labels';

// Words that are the same in every language (names, acronyms).
const universal = new Set<MessageKey>(['app.title', 'type.http', 'trigger.api', 'trigger.http', 'quota.mib']);

describe('messages', () => {
  it('has every string in Russian and Uzbek, translated', () => {
    const keys = Object.keys(messages.en) as MessageKey[];
    for (const locale of ['ru', 'uz'] as const) {
      expect(Object.keys(messages[locale]).sort()).toEqual([...keys].sort());
      for (const key of keys) {
        if (!universal.has(key)) expect(messages[locale][key], `${locale} ${key}`).not.toBe(messages.en[key]);
      }
    }
  });

  it('fills placeholders with numbers formatted for the locale, in its plural form', () => {
    const en = new Translator('en');
    expect([en.plural('scripts.total', 1), en.plural('scripts.total', 1234)]).toEqual(['1 script', '1,234 scripts']);
    const ru = new Translator('ru');
    expect([1, 3, 5, 21, 1234].map((count) => ru.plural('scripts.total', count)))
      .toEqual(['1 скрипт', '3 скрипта', '5 скриптов', '21 скрипт', '1\u00a0234 скрипта']);
    expect(new Translator('uz').plural('scripts.total', 7)).toBe('7 ta skript');
  });

  it("shows an error code's own message, or the server's message inside a generic one", () => {
    const ru = new Translator('ru');
    expect(ru.error('QUOTA_EXCEEDED', 'x')).toBe(messages.ru['error.QUOTA_EXCEEDED']);
    expect(ru.error('SOMETHING_NEW', 'the detail')).toBe('Что-то пошло не так: the detail');
  });

  it('falls back to English, then to the key itself, rather than throw', () => {
    const ru = new Translator('ru');
    const missing = { ...messages.ru } as Partial<typeof messages.ru>;
    delete missing['type.http'];
    const saved = messages.ru;
    messages.ru = missing as typeof messages.ru;
    try {
      expect(ru.t('type.http')).toBe(messages.en['type.http']);
      expect(ru.t('type.quantum' as MessageKey)).toBe('type.quantum');
    } finally {
      messages.ru = saved;
    }
  });
});

describe('labels', () => {
  it('has a message for every enum value of the API, and none for one it does not know', () => {
    expect(labelKey(typeLabels, 'embedded')).toBe('type.embedded');
    expect(new Translator('uz').t(labelKey(typeLabels, 'embedded')!)).toBe(messages.uz['type.embedded']);
    expect(labelKey(statusLabels, 'archived')).toBe('status.archived');
    expect(labelKey(typeLabels, 'quantum')).toBeNull();
    expect(labelKey(typeLabels, 'toString')).toBeNull();
  });
});
