// What every page shares: the API client, the messages, who is signed in,
// the header, and how a page is shown and later left.
import { ApiClient, ApiError, type Me } from './api';
import { h } from './dom';
import { labelKey } from './labels';
import { locales, Translator, type MessageKey } from './i18n';
import { session } from './session';

export const api = new ApiClient(session.token);
export const i18n = new Translator(session.locale());

const app = document.getElementById('app')!;
let leaving: () => void = () => {};
let visits = 0;  // grows each time a page is left
let rerender: () => void = () => {};
let caller: Promise<Me> | null = null;

// The page's own cleanup (timers, editors), run when another page is shown.
export function onLeave(cleanup: () => void) {
  const before = leaving;
  leaving = () => { before(); cleanup(); };
}

export function leavePage() {
  ++visits;
  const cleanup = leaving;
  leaving = () => {};
  cleanup();
}

export function setRerender(render: () => void) {
  rerender = render;
}

// Shows the current page again, from fresh data.
export const refreshPage = () => rerender();

// The screen as one page visit sees it: what the page shows after its reader
// has gone on to another (its data came late) is dropped.
export function openScreen() {
  const visit = visits;
  const current = () => visit === visits;
  return {
    show: (...content: (Node | null)[]) => { if (current()) show(...content); },
    showFailure: (error: unknown) => { if (current()) showFailure(error); },
  };
}

function show(...content: (Node | null)[]) {
  document.documentElement.lang = i18n.locale;
  app.replaceChildren(...content.filter((node): node is Node => node !== null));
  // The field a page asks for (sign-in's token), else its heading, so a screen reader announces the page.
  (app.querySelector<HTMLElement>('[autofocus]') ?? app.querySelector<HTMLElement>('h1'))?.focus();
}

// The signed-in token's role and permissions, asked once per sign-in.
export function me(): Promise<Me> {
  caller ??= api.me().catch((error) => {
    caller = null;
    throw error;
  });
  return caller;
}

export function forgetCaller() {
  caller = null;
}

export const may = (who: Me, permission: Me['permissions'][number]) => who.permissions.includes(permission);

export function failure(error: unknown): string {
  if (error instanceof ApiError) return i18n.error(error.code, error.message);
  return i18n.t('error.unknown', { message: String(error) });
}

// A 401 ends the session: back to sign-in. True when that happened.
export function signedOut(error: unknown): boolean {
  if (!(error instanceof ApiError) || error.status !== 401) return false;
  session.signOut();
  forgetCaller();
  location.hash = '#/login';
  return true;
}

// A page that could not be loaded says why (or signs out).
export function showFailure(error: unknown) {
  if (!signedOut(error)) show(header(), h('p', { role: 'alert', class: 'error' }, failure(error)));
}

// The main links; those for a permission appear once the caller is known to have it.
function nav(): HTMLElement {
  const gated = (href: string, label: MessageKey, permission: Me['permissions'][number]) => {
    const link = h('a', { href, hidden: true }, i18n.t(label));
    me().then((who) => { link.hidden = !may(who, permission); }).catch(() => {});
    return link;
  };
  return h('nav', { 'aria-label': i18n.t('nav.main') },
    h('a', { href: '#/scripts' }, i18n.t('nav.scripts')),
    h('a', { href: '#/dead-letters' }, i18n.t('nav.deadLetters')),
    gated('#/tokens', 'nav.tokens', 'tokens.manage'),
    gated('#/secrets', 'nav.secrets', 'secrets.manage'),
    h('a', { href: '#/db' }, i18n.t('nav.db')),
    h('a', { href: '#/quota' }, i18n.t('nav.quota')),
    gated('#/audit', 'nav.audit', 'audit.read'));
}

export function header(): HTMLElement {
  const language = h('select', { id: 'language', onchange: (event) => {
    i18n.locale = (event.target as HTMLSelectElement).value as typeof i18n.locale;
    session.setLocale(i18n.locale);
    rerender();
  } }, ...locales.map((locale) => h('option', { value: locale, selected: locale === i18n.locale }, locale.toUpperCase())));
  const signedIn = session.token() !== null;
  return h('header', {},
    h('a', { href: '#/scripts', class: 'brand' }, i18n.t('app.title')),
    signedIn ? nav() : null,
    h('label', { for: 'language', class: 'visually-hidden' }, i18n.t('nav.language')), language,
    signedIn ? h('button', { type: 'button', onclick: () => {
      session.signOut();
      forgetCaller();
      location.hash = '#/login';
    } }, i18n.t('nav.logout')) : null);
}

export function definition(term: MessageKey, value: Node | string): Node[] {
  return [h('dt', {}, i18n.t(term)), h('dd', {}, value)];
}

export function backLink(href: string, label: MessageKey): HTMLElement {
  return h('p', {}, h('a', { href }, i18n.t(label)));
}

// An enum value in the locale, by its table in labels.ts; as it is when the UI does not know it.
export function named<T extends string>(labels: Record<T, MessageKey>, value: string): string {
  const key = labelKey(labels, value);
  return key ? i18n.t(key) : value;
}
