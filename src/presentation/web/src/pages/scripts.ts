// The scripts list: search, type, status and tag filters, pages, each
// script's status and its last run.
import type { Script } from '../api';
import { h } from '../dom';
import type { MessageKey } from '../i18n';
import { startingInput } from '../forms';
import { runLabels, statusLabels, typeLabels } from '../labels';
import { api, failure, header, i18n, may, me, named, openScreen, signedOut } from '../shell';

// Runs the script at once with the input it would be given, and follows the run;
// a refusal is said in `notice`.
function runButton(script: Script, notice: HTMLElement): HTMLElement {
  return h('button', { type: 'button', 'aria-label': `${i18n.t('scripts.runNow')}: ${script.name}`, onclick: async () => {
    try {
      const started = await api.run(script.id, JSON.parse(startingInput(script)));
      location.hash = `#/executions/${started.id}`;
    } catch (error) {
      if (!signedOut(error)) notice.textContent = failure(error);
    }
  } }, i18n.t('scripts.runNow'));
}

// A row of the list; with a Run button when `notice` is given (the caller may run scripts).
function scriptRow(script: Script, notice: HTMLElement | null): HTMLElement {
  const lastRun = script.last_run_at
    ? `${i18n.date(script.last_run_at)} · ${named(runLabels, script.last_run_status ?? '')}`
    : i18n.t('scripts.never');
  return h('tr', {},
    h('td', {}, h('a', { href: `#/scripts/${script.id}` }, script.name),
      ...script.tags.map((tag) => h('a', { class: 'tag', href: `#/scripts?tag=${encodeURIComponent(tag)}` }, tag))),
    h('td', {}, named(typeLabels, script.type)),
    h('td', {}, h('span', { class: `status status-${script.status}` }, named(statusLabels, script.status))),
    h('td', {}, i18n.format(script.version)),
    h('td', {}, lastRun),
    notice ? h('td', {}, runButton(script, notice)) : null);
}

export async function scriptsPage(query: URLSearchParams) {
  const screen = openScreen();
  const filters = { search: query.get('search') ?? '', type: query.get('type') ?? '', status: query.get('status') ?? '',
                    tag: query.get('tag') ?? '', page: Number(query.get('page') ?? '1') };
  const go = (changes: Partial<typeof filters>) => {
    const next = new URLSearchParams(Object.entries({ ...filters, page: 1, ...changes })
      .filter(([, value]) => value !== '' && value !== 1).map(([key, value]) => [key, String(value)]));
    location.hash = '#/scripts' + (next.size ? '?' + next : '');
  };
  const select = (name: 'type' | 'status', labels: Record<string, MessageKey>) =>
    h('select', { id: name, onchange: (event) => go({ [name]: (event.target as HTMLSelectElement).value }) },
      h('option', { value: '' }, i18n.t('scripts.any')),
      ...Object.keys(labels).map((value) => h('option', { value, selected: filters[name] === value }, named(labels, value))));
  const search = h('input', { id: 'search', type: 'search', value: filters.search });
  const tag = h('input', { id: 'tag', type: 'text', value: filters.tag });
  const form = h('form', { class: 'filters', role: 'search', onsubmit: (event) => {
    event.preventDefault();
    go({ search: search.value, tag: tag.value.trim() });
  } },
    h('label', { for: 'search' }, i18n.t('scripts.search')), search,
    h('label', { for: 'type' }, i18n.t('scripts.type')), select('type', typeLabels),
    h('label', { for: 'status' }, i18n.t('scripts.status')),
    select('status', statusLabels),
    h('label', { for: 'tag' }, i18n.t('scripts.tag')), tag,
    h('button', { type: 'submit' }, i18n.t('scripts.apply')));
  const create = h('p', {});
  const body = h('section', { 'aria-live': 'polite' });
  const notice = h('p', { role: 'alert', class: 'error' });
  screen.show(header(), h('h1', { tabindex: '-1' }, i18n.t('scripts.heading')), create, form, notice, body);
  try {
    const [caller, page] = await Promise.all([me(), api.listScripts({ ...filters, per_page: 20 })]);
    if (may(caller, 'scripts.create')) create.append(h('a', { href: '#/new', class: 'button' }, i18n.t('create.link')));
    const filtered = filters.search || filters.type || filters.status || filters.tag;
    if (page.items.length === 0) {
      body.replaceChildren(h('p', { class: 'empty' }, i18n.t(filtered ? 'scripts.noResults' : 'scripts.empty')));
      return;
    }
    const pages = Math.max(1, Math.ceil(page.total / page.per_page));
    body.replaceChildren(
      h('table', {},
        h('thead', {}, h('tr', {}, ...(['scripts.name', 'scripts.type', 'scripts.status', 'scripts.version',
                                        'scripts.lastRun'] as MessageKey[]).map((key) => h('th', { scope: 'col' }, i18n.t(key))),
          may(caller, 'scripts.execute') ? h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, i18n.t('scripts.runNow'))) : null)),
        h('tbody', {}, ...page.items.map((script) => scriptRow(script, may(caller, 'scripts.execute') ? notice : null)))),
      h('nav', { class: 'pages', 'aria-label': i18n.t('scripts.pages') },
        h('span', {}, i18n.plural('scripts.total', page.total)),
        h('button', { type: 'button', disabled: filters.page <= 1, onclick: () => go({ ...filters, page: filters.page - 1 }) },
          i18n.t('scripts.previous')),
        h('button', { type: 'button', disabled: filters.page >= pages, onclick: () => go({ ...filters, page: filters.page + 1 }) },
          i18n.t('scripts.next'))));
  } catch (error) {
    if (!signedOut(error)) body.replaceChildren(h('p', { role: 'alert', class: 'error' }, failure(error)));
  }
}
