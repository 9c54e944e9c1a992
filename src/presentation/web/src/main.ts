// The UI's shell: sign-in, a header with the language switch, and the pages
// by URL hash (#/scripts), so the server serves one index.html.
import { ApiClient, ApiError, type Execution, type Script } from './api';
import { h } from './dom';
import { atLeast, errorsByField, parseInput, scriptBody, type ScriptFields } from './forms';
import { locales, Translator, type MessageKey } from './i18n';
import { session } from './session';
import './style.css';

const api = new ApiClient(session.token);
const i18n = new Translator(session.locale());
const app = document.getElementById('app')!;
let leave: () => void = () => {};  // what the page shown asks to be stopped when another is shown

function show(...content: (Node | null)[]) {
  document.documentElement.lang = i18n.locale;
  app.replaceChildren(...content.filter((node): node is Node => node !== null));
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
    h('td', {}, h('a', { href: `#/scripts/${script.id}` }, script.name)),
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
  show(header(), h('h1', { tabindex: '-1' }, i18n.t('scripts.heading')),
    h('p', {}, h('a', { href: '#/new', class: 'button' }, i18n.t('create.link'))), form, body);
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
        h('span', {}, i18n.plural('scripts.total', page.total)),
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

function statusText(execution: Execution): string {
  if (execution.status === 'skipped' && execution.skip_reason) return i18n.t(`skip.${execution.skip_reason}` as MessageKey);
  return i18n.t(`run.${execution.status}` as MessageKey);
}

function definition(term: MessageKey, value: Node | string): Node[] {
  return [h('dt', {}, i18n.t(term)), h('dd', {}, value)];
}

function signedOut(error: unknown): boolean {
  if (!(error instanceof ApiError) || error.status !== 401) return false;
  session.signOut();
  location.hash = '#/login';
  return true;
}

// Source with numbered lines, each reachable as #line-N.
function codeBlock(source: string, highlight = 0): HTMLElement {
  return h('ol', { class: 'code', 'aria-label': i18n.t('script.source') },
    ...source.split('\n').map((text, index) =>
      h('li', { id: `line-${index + 1}`, class: index + 1 === highlight ? 'highlight' : '' }, h('code', {}, text || ' '))));
}

async function scriptPage(id: string) {
  const history = h('section', { 'aria-live': 'polite', 'aria-labelledby': 'history-heading' });
  const notice = h('p', { role: 'status' });
  const input = h('textarea', { id: 'input', rows: '4', spellcheck: 'false' });
  input.value = '{}';
  const runForm = h('form', { class: 'run', onsubmit: async (event) => {
    event.preventDefault();
    const parsed = parseInput(input.value);
    if (!parsed.ok) {
      input.setAttribute('aria-invalid', 'true');
      notice.textContent = i18n.t('script.inputInvalid', { message: parsed.message });
      return;
    }
    input.removeAttribute('aria-invalid');
    try {
      await api.run(id, parsed.value);
      notice.textContent = i18n.t('script.started');
      await refresh();
    } catch (error) {
      if (!signedOut(error)) notice.textContent = failure(error);
    }
  } },
    h('label', { for: 'input' }, i18n.t('script.input')), input,
    h('button', { type: 'submit' }, i18n.t('script.run')), notice);

  const refresh = async () => {
    const page = await api.executions(id);
    if (page.items.length === 0) return history.replaceChildren(h('p', { class: 'empty' }, i18n.t('script.noRuns')));
    history.replaceChildren(h('table', {},
      h('thead', {}, h('tr', {}, ...(['scripts.status', 'execution.when', 'script.trigger', 'execution.duration'] as MessageKey[])
        .map((key) => h('th', { scope: 'col' }, i18n.t(key))))),
      h('tbody', {}, ...page.items.map((execution) => h('tr', {},
        h('td', {}, h('a', { href: `#/executions/${execution.id}` }, statusText(execution))),
        h('td', {}, i18n.date(execution.started_at ?? execution.created_at)),
        h('td', {}, i18n.t(`trigger.${execution.trigger_type}` as MessageKey)),
        h('td', {}, execution.metrics?.duration_ms !== undefined
          ? i18n.t('execution.ms', { value: Math.round(execution.metrics.duration_ms) }) : ''))))));
  };

  try {
    const script = await api.script(id);
    const trigger = script.type === 'scheduled' ? `${script.cron_expression} (${script.timezone})`
      : script.type === 'http' ? `${script.http_methods.join(', ')} ${script.http_path}`
      : script.type === 'event' ? script.event_types.join(', ') : i18n.t('type.oneoff');
    show(header(),
      h('p', {}, h('a', { href: '#/scripts' }, i18n.t('script.back'))),
      h('h1', { tabindex: '-1' }, script.name),
      h('dl', {},
        ...definition('scripts.type', i18n.t(`type.${script.type}` as MessageKey)),
        ...definition('scripts.status', i18n.t(`status.${script.status}` as MessageKey)),
        ...definition('scripts.version', i18n.format(script.version)),
        ...definition('script.trigger', trigger),
        ...(script.next_run_at ? definition('script.nextRun', i18n.date(script.next_run_at)) : [])),
      runForm,
      h('h2', { id: 'history-heading' }, i18n.t('script.history')), history,
      h('h2', {}, i18n.t('script.source')), codeBlock(script.source));
    await refresh();
    // The history refreshes itself while the page is shown.
    const timer = window.setInterval(() => { refresh().catch(signedOut); }, 2000);
    leave = () => window.clearInterval(timer);
  } catch (error) {
    if (!signedOut(error)) show(header(), h('p', { role: 'alert', class: 'error' }, failure(error)));
  }
}

async function executionPage(id: string) {
  try {
    const execution = await api.execution(id);
    const version = await api.request<{ source: string }>(
      'GET', `/api/v1/scripts/${execution.script_id}/versions/${execution.script_version}`);
    const logs = h('section', { 'aria-live': 'polite' });
    const showLogs = (level: string) => {
      const lines = atLeast(execution.logs, level);
      logs.replaceChildren(lines.length === 0 ? h('p', { class: 'empty' }, i18n.t('execution.noLogs'))
        : h('ol', { class: 'logs' }, ...lines.map((line) => h('li', { class: `log-${line.level}` },
            h('span', { class: 'level' }, i18n.t(`log.${line.level}` as MessageKey)), ' ', line.message,
            line.metadata !== undefined ? h('code', {}, ' ' + JSON.stringify(line.metadata)) : null))));
    };
    const level = h('select', { id: 'level', onchange: (event) => showLogs((event.target as HTMLSelectElement).value) },
      h('option', { value: 'all' }, i18n.t('execution.allLevels')),
      ...['debug', 'info', 'warn', 'error'].map((value) => h('option', { value }, i18n.t(`log.${value}` as MessageKey))));
    const error = execution.error;
    show(header(),
      h('p', {}, h('a', { href: `#/scripts/${execution.script_id}` }, i18n.t('script.history'))),
      h('h1', { tabindex: '-1' }, `${i18n.t('execution.heading')}: ${statusText(execution)}`),
      h('dl', {},
        ...definition('execution.when', i18n.date(execution.started_at ?? execution.created_at)),
        ...definition('script.trigger', i18n.t(`trigger.${execution.trigger_type}` as MessageKey)),
        ...definition('scripts.version', i18n.format(execution.script_version)),
        ...(execution.metrics?.duration_ms !== undefined
          ? definition('execution.duration', i18n.t('execution.ms', { value: Math.round(execution.metrics.duration_ms) })) : []),
        ...(execution.metrics?.peak_memory_bytes !== undefined
          ? definition('execution.memory', i18n.t('execution.kib', { value: Math.round(execution.metrics.peak_memory_bytes / 1024) })) : [])),
      error ? h('section', { class: 'error', role: 'alert' },
        h('h2', {}, `${i18n.t('execution.error')}: ${error.code}`), h('p', {}, error.message),
        error.line > 0 ? h('a', { href: `#line-${error.line}`, onclick: (event) => {
          event.preventDefault();
          document.getElementById(`line-${error.line}`)?.scrollIntoView({ block: 'center' });
        } }, i18n.t('execution.at', { line: error.line, column: error.column })) : null) : null,
      h('h2', {}, i18n.t('execution.input')), h('pre', {}, JSON.stringify(execution.input, null, 2)),
      h('h2', {}, i18n.t('execution.output')), h('pre', {}, JSON.stringify(execution.output, null, 2)),
      h('h2', {}, i18n.t('execution.logs')), h('label', { for: 'level' }, i18n.t('execution.level')), level, logs,
      h('h2', {}, i18n.t('script.source')), codeBlock(version.source, error?.line ?? 0));
    showLogs('all');
  } catch (error) {
    if (!signedOut(error)) show(header(), h('p', { role: 'alert', class: 'error' }, failure(error)));
  }
}

// A field with its label and, once the server has spoken, its errors (aria-describedby).
function field(id: keyof ScriptFields, label: MessageKey, control: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement) {
  control.id = id;
  control.setAttribute('aria-describedby', `${id}-errors`);
  return h('div', { class: 'field', 'data-field': id },
    h('label', { for: id }, i18n.t(label)), control, h('p', { id: `${id}-errors`, class: 'error field-errors' }));
}

function createPage() {
  const input = (value = '') => { const element = h('input', { type: 'text' }); element.value = value; return element; };
  const controls = {
    name: input(), description: input(), cron_expression: input('0 * * * *'), timezone: input('UTC'),
    http_path: input('/hooks/example'), http_methods: input('POST'), event_types: input('order.created'),
    source: h('textarea', { rows: '12', spellcheck: 'false' }),
    type: h('select', {}, ...(['oneoff', 'scheduled', 'http', 'event'] as const)
      .map((type) => h('option', { value: type }, i18n.t(`type.${type}` as MessageKey)))),
  };
  controls.source.value = 'export default async (input, context) => {\n  return { ok: true };\n};\n';
  const perType: Record<string, (keyof ScriptFields)[]> = {
    oneoff: [], scheduled: ['cron_expression', 'timezone'], http: ['http_path', 'http_methods'], event: ['event_types'],
  };
  const notice = h('p', { role: 'alert', class: 'error' });
  const form = h('form', { class: 'create', onsubmit: async (event) => {
    event.preventDefault();
    form.querySelectorAll('.field-errors').forEach((element) => { element.textContent = ''; });
    form.querySelectorAll('[aria-invalid]').forEach((element) => element.removeAttribute('aria-invalid'));
    notice.textContent = '';
    const values = Object.fromEntries(Object.entries(controls).map(([key, control]) => [key, control.value])) as unknown as ScriptFields;
    try {
      const created = await api.createScript(scriptBody(values));
      location.hash = `#/scripts/${created.id}`;
    } catch (error) {
      if (signedOut(error)) return;
      if (error instanceof ApiError && error.details.length > 0) {
        notice.textContent = i18n.t('create.invalid');
        for (const [name, messages] of errorsByField(error.details)) {
          const control = form.querySelector<HTMLElement>(`#${CSS.escape(name)}`);
          control?.setAttribute('aria-invalid', 'true');
          const slot = form.querySelector(`#${CSS.escape(name)}-errors`) ?? notice;
          slot.textContent = messages.join(' ');
        }
        form.querySelector<HTMLElement>('[aria-invalid]')?.focus();
      } else {
        notice.textContent = failure(error);
      }
    }
  } },
    field('name', 'create.name', controls.name), field('description', 'create.description', controls.description),
    field('type', 'create.type', controls.type),
    field('cron_expression', 'create.cron', controls.cron_expression), field('timezone', 'create.timezone', controls.timezone),
    field('http_path', 'create.path', controls.http_path), field('http_methods', 'create.methods', controls.http_methods),
    field('event_types', 'create.events', controls.event_types),
    field('source', 'create.source', controls.source),
    h('button', { type: 'submit' }, i18n.t('create.save')), notice);
  // Exactly the trigger fields the type needs are shown.
  const showTriggerFields = () => {
    const wanted = new Set(perType[controls.type.value]);
    for (const name of ['cron_expression', 'timezone', 'http_path', 'http_methods', 'event_types'] as const) {
      form.querySelector<HTMLElement>(`[data-field="${name}"]`)!.hidden = !wanted.has(name);
    }
  };
  controls.type.addEventListener('change', showTriggerFields);
  showTriggerFields();
  show(header(), h('p', {}, h('a', { href: '#/scripts' }, i18n.t('script.back'))),
    h('h1', { tabindex: '-1' }, i18n.t('create.heading')), form);
}

function route() {
  leave();
  leave = () => {};
  const [path, query = ''] = location.hash.replace(/^#/, '').split('?');
  if (!session.token() || path === '/login') return loginPage();
  if (path === '/new') return createPage();
  const script = /^\/scripts\/([\w-]+)$/.exec(path);
  if (script) return scriptPage(script[1]);
  const execution = /^\/executions\/([\w-]+)$/.exec(path);
  if (execution) return executionPage(execution[1]);
  return scriptsPage(new URLSearchParams(query));
}

window.addEventListener('hashchange', route);
route();
