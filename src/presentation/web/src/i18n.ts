// Every string the UI shows, in English, Russian and Uzbek (Latin script);
// the chosen locale is remembered, dates and numbers follow it.

export const locales = ['en', 'ru', 'uz'] as const;
export type Locale = (typeof locales)[number];

const en = {
  'app.title': 'jsruntime',
  'login.heading': 'Sign in',
  'login.token': 'API token',
  'login.hint': 'Paste a token the server or an admin gave you.',
  'login.submit': 'Sign in',
  'login.invalid': 'This token was not accepted.',
  'nav.scripts': 'Scripts',
  'nav.logout': 'Sign out',
  'nav.language': 'Language',
  'scripts.heading': 'Scripts',
  'scripts.search': 'Search by name',
  'scripts.type': 'Type',
  'scripts.status': 'Status',
  'scripts.any': 'Any',
  'scripts.name': 'Name',
  'scripts.version': 'Version',
  'scripts.lastRun': 'Last run',
  'scripts.never': 'never',
  'scripts.empty': 'No scripts yet.',
  'scripts.noResults': 'No script matches these filters.',
  'scripts.total': '{count} scripts',
  'scripts.previous': 'Previous',
  'scripts.next': 'Next',
  'type.oneoff': 'One-off',
  'type.scheduled': 'Scheduled',
  'type.http': 'HTTP',
  'type.event': 'Event',
  'status.draft': 'Draft',
  'status.active': 'Active',
  'status.paused': 'Paused',
  'status.disabled': 'Disabled',
  'status.archived': 'Archived',
  'run.completed': 'Completed',
  'run.failed': 'Failed',
  'run.timeout': 'Timed out',
  'run.cancelled': 'Cancelled',
  'run.skipped': 'Skipped',
  'run.running': 'Running',
  'run.pending': 'Pending',
  'error.NETWORK_ERROR': 'The server cannot be reached.',
  'error.UNAUTHENTICATED': 'Please sign in again.',
  'error.FORBIDDEN': 'Your role may not do this.',
  'error.QUOTA_EXCEEDED': 'The tenant has used its quota for this hour.',
  'error.unknown': 'Something went wrong: {message}',
};

export type MessageKey = keyof typeof en;

const ru: Record<MessageKey, string> = {
  'app.title': 'jsruntime',
  'login.heading': 'Вход',
  'login.token': 'API-токен',
  'login.hint': 'Вставьте токен, выданный сервером или администратором.',
  'login.submit': 'Войти',
  'login.invalid': 'Этот токен не принят.',
  'nav.scripts': 'Скрипты',
  'nav.logout': 'Выйти',
  'nav.language': 'Язык',
  'scripts.heading': 'Скрипты',
  'scripts.search': 'Поиск по имени',
  'scripts.type': 'Тип',
  'scripts.status': 'Статус',
  'scripts.any': 'Любой',
  'scripts.name': 'Имя',
  'scripts.version': 'Версия',
  'scripts.lastRun': 'Последний запуск',
  'scripts.never': 'никогда',
  'scripts.empty': 'Скриптов пока нет.',
  'scripts.noResults': 'Ни один скрипт не подходит под эти фильтры.',
  'scripts.total': 'Скриптов: {count}',
  'scripts.previous': 'Назад',
  'scripts.next': 'Вперёд',
  'type.oneoff': 'Разовый',
  'type.scheduled': 'По расписанию',
  'type.http': 'HTTP',
  'type.event': 'По событию',
  'status.draft': 'Черновик',
  'status.active': 'Активен',
  'status.paused': 'Приостановлен',
  'status.disabled': 'Отключён',
  'status.archived': 'В архиве',
  'run.completed': 'Выполнен',
  'run.failed': 'Ошибка',
  'run.timeout': 'Превышено время',
  'run.cancelled': 'Отменён',
  'run.skipped': 'Пропущен',
  'run.running': 'Выполняется',
  'run.pending': 'В очереди',
  'error.NETWORK_ERROR': 'Сервер недоступен.',
  'error.UNAUTHENTICATED': 'Войдите снова.',
  'error.FORBIDDEN': 'Вашей роли это не разрешено.',
  'error.QUOTA_EXCEEDED': 'Квота арендатора на этот час исчерпана.',
  'error.unknown': 'Что-то пошло не так: {message}',
};

const uz: Record<MessageKey, string> = {
  'app.title': 'jsruntime',
  'login.heading': 'Kirish',
  'login.token': 'API tokeni',
  'login.hint': 'Server yoki administrator bergan tokenni kiriting.',
  'login.submit': 'Kirish',
  'login.invalid': 'Bu token qabul qilinmadi.',
  'nav.scripts': 'Skriptlar',
  'nav.logout': 'Chiqish',
  'nav.language': 'Til',
  'scripts.heading': 'Skriptlar',
  'scripts.search': 'Nomi boʻyicha qidirish',
  'scripts.type': 'Turi',
  'scripts.status': 'Holati',
  'scripts.any': 'Istalgan',
  'scripts.name': 'Nomi',
  'scripts.version': 'Versiya',
  'scripts.lastRun': 'Oxirgi ishga tushirish',
  'scripts.never': 'hech qachon',
  'scripts.empty': 'Hozircha skriptlar yoʻq.',
  'scripts.noResults': 'Bu filtrlarga mos skript yoʻq.',
  'scripts.total': 'Skriptlar: {count}',
  'scripts.previous': 'Oldingi',
  'scripts.next': 'Keyingi',
  'type.oneoff': 'Bir martalik',
  'type.scheduled': 'Jadval boʻyicha',
  'type.http': 'HTTP',
  'type.event': 'Hodisa boʻyicha',
  'status.draft': 'Qoralama',
  'status.active': 'Faol',
  'status.paused': 'Toʻxtatilgan',
  'status.disabled': 'Oʻchirilgan',
  'status.archived': 'Arxivda',
  'run.completed': 'Bajarildi',
  'run.failed': 'Xato',
  'run.timeout': 'Vaqt tugadi',
  'run.cancelled': 'Bekor qilindi',
  'run.skipped': 'Oʻtkazib yuborildi',
  'run.running': 'Bajarilmoqda',
  'run.pending': 'Navbatda',
  'error.NETWORK_ERROR': 'Server bilan bogʻlanib boʻlmadi.',
  'error.UNAUTHENTICATED': 'Qaytadan kiring.',
  'error.FORBIDDEN': 'Rolingizga bunga ruxsat yoʻq.',
  'error.QUOTA_EXCEEDED': 'Ijarachining bu soatlik kvotasi tugadi.',
  'error.unknown': 'Nimadir notoʻgʻri ketdi: {message}',
};

export const messages: Record<Locale, Record<MessageKey, string>> = { en, ru, uz };

export class Translator {
  constructor(public locale: Locale) {}

  t(key: MessageKey, values: Record<string, string | number> = {}): string {
    return messages[this.locale][key].replace(/\{(\w+)\}/g, (_, name: string) =>
      name in values ? this.format(values[name]) : `{${name}}`);
  }

  // An error from the API in the reader's language: its code's message when there is one.
  error(code: string, message: string): string {
    const key = `error.${code}` as MessageKey;
    return key in messages[this.locale] ? this.t(key) : this.t('error.unknown', { message });
  }

  format(value: string | number): string {
    return typeof value === 'number' ? new Intl.NumberFormat(this.locale).format(value) : value;
  }

  date(iso: string): string {
    return new Intl.DateTimeFormat(this.locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
  }
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (locales as readonly string[]).includes(value);
}
