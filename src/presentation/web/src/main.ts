// The UI's shell: sign-in, a header with the language switch, and the pages
// by URL hash (#/scripts), so the server serves one index.html.
import { ApiClient, ApiError, type Script } from './api';
import { h } from './dom';
import { locales, Translator, type MessageKey } from './i18n';
import { session } from './session';
import './style.css';

const api = new ApiClient(session.token);
const i18n = new Translator(session.locale());
const app = document.getElementById('app')!;

function show(...content: Node[]) {
  document.documentElement.lang = i18n.locale;
  app.replaceChildren(...content);
  app.querySelector<HTMLElement>('h1, [autofocus]')?.focus();
}

function failure(error: unknown): string {
  if (error instanceof ApiError) return i18n.error(error.code, error.message);
  return i18n.t('error.unknown', { message: String(error) });
}

function header(): HTMLElement {
  const language = h('select', { id: 'language', onchange: (event) => {
    i18n.locale = (event.target as HTMLSelectElement).value as typeof i18n.locale;
    session.setLocale(i18n.locale);
    route();
  } }, ...locales.map((locale) => h('option', { value: locale, selected: locale === i18n.locale }, locale.toUpperCase())));
  return h('header', {},
    h('a', { href: '#/scripts', class: 'brand' }, i18n.t('app.title')),
    h('nav', {}, h('a', { href: '#/scripts' }, i18n.t('nav.scripts'))),
    h('label', { for: 'language', class: 'visually-hidden' }, i18n.t('nav.language')), language,
    session.token() ? h('button', { type: 'button', onclick: () => { session.signOut(); location.hash = '#/login'; } },
                        i18n.t('nav.logout')) : null);
}

function loginPage() {
  const message = h('p', { role: 'alert', class: 'error' });
  const token = h('input', { id: 'token', type: 'password', autocomplete: 'off', required: true, autofocus: true });
  const form = h('form', { onsubmit: async (event) => {
    event.preventDefault();
    session.signIn(token.value.trim());
    try {
      await api.listScripts({ per_page: 1 });
      location.hash = '#/scripts';
    } catch (error) {
      session.signOut();
      message.textContent = error instanceof ApiError && error.status === 401 ? i18n.t('login.invalid') : failure(error);
    }
  } },
    h('h1', { tabindex: '-1' }, i18n.t('login.heading')),
    h('label', { for: 'token' }, i18n.t('login.token')), token,
    h('p', { class: 'hint' }, i18n.t('login.hint')),
    h('button', { type: 'submit' }, i18n.t('login.submit')), message);
  show(header(), form);
}

function scriptRow(script: Script): HTMLElement {
  const lastRun = script.last_run_at
    ? `${i18n.date(script.last_run_at)} · ${i18n.t(`run.${script.last_run_status}` as MessageKey)}`
    : i18n.t('scripts.never');
  return h('tr', {},
    h('td', {}, script.name),
    h('td', {}, i18n.t(`type.${script.type}` as MessageKey)),
    h('td', {}, h('span', { class: `status status-${script.status}` }, i18n.t(`status.${script.status}` as MessageKey))),
    h('td', {}, i18n.format(script.version)),
    h('td', {}, lastRun));
}

async function scriptsPage(query: URLSearchParams) {
  const filters = { search: query.get('search') ?? '', type: query.get('type') ?? '', status: query.get('status') ?? '',
                    page: Number(query.get('page') ?? '1') };
  const go = (changes: Partial<typeof filters>) => {
    const next = new URLSearchParams(Object.entries({ ...filters, page: 1, ...changes })
      .filter(([, value]) => value !== '' && value !== 1).map(([key, value]) => [key, String(value)]));
    location.hash = '#/scripts' + (next.size ? '?' + next : '');
  };
  const select = (name: 'type' | 'status', values: string[]) =>
    h('select', { id: name, onchange: (event) => go({ [name]: (event.target as HTMLSelectElement).value }) },
      h('option', { value: '' }, i18n.t('scripts.any')),
      ...values.map((value) => h('option', { value, selected: filters[name] === value },
                                 i18n.t(`${name}.${value}` as MessageKey))));
  const search = h('input', { id: 'search', type: 'search', value: filters.search });
  const form = h('form', { class: 'filters', role: 'search', onsubmit: (event) => { event.preventDefault(); go({ search: search.value }); } },
    h('label', { for: 'search' }, i18n.t('scripts.search')), search,
    h('label', { for: 'type' }, i18n.t('scripts.type')), select('type', ['oneoff', 'scheduled', 'http', 'event']),
    h('label', { for: 'status' }, i18n.t('scripts.status')),
    select('status', ['draft', 'active', 'paused', 'disabled', 'archived']));
  const body = h('section', { 'aria-live': 'polite' });
  show(header(), h('h1', { tabindex: '-1' }, i18n.t('scripts.heading')), form, body);
  try {
    const page = await api.listScripts({ ...filters, per_page: 20 });
    const filtered = filters.search || filters.type || filters.status;
    if (page.items.length === 0) {
      body.replaceChildren(h('p', { class: 'empty' }, i18n.t(filtered ? 'scripts.noResults' : 'scripts.empty')));
      return;
    }
    const pages = Math.max(1, Math.ceil(page.total / page.per_page));
    body.replaceChildren(
      h('table', {},
        h('thead', {}, h('tr', {}, ...(['scripts.name', 'scripts.type', 'scripts.status', 'scripts.version',
                                        'scripts.lastRun'] as MessageKey[]).map((key) => h('th', { scope: 'col' }, i18n.t(key))))),
        h('tbody', {}, ...page.items.map(scriptRow))),
      h('nav', { class: 'pages' },
        h('span', {}, i18n.t('scripts.total', { count: page.total })),
        h('button', { type: 'button', disabled: filters.page <= 1, onclick: () => go({ ...filters, page: filters.page - 1 }) },
          i18n.t('scripts.previous')),
        h('button', { type: 'button', disabled: filters.page >= pages, onclick: () => go({ ...filters, page: filters.page + 1 }) },
          i18n.t('scripts.next'))));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      session.signOut();
      location.hash = '#/login';
      return;
    }
    body.replaceChildren(h('p', { role: 'alert', class: 'error' }, failure(error)));
  }
}

function route() {
  const [path, query = ''] = location.hash.replace(/^#/, '').split('?');
  if (!session.token() || path === '/login') return loginPage();
  return scriptsPage(new URLSearchParams(query));
}

window.addEventListener('hashchange', route);
route();
