// A script: what it is and when it runs, what the caller's role may do with
// it, Run with an input, and its executions arriving as they happen.
import type { Execution, Me, ScriptDetail } from '../api';
import { codeBlock } from '../code_block';
import { h } from '../dom';
import { endpointOf, parseInput, startingInput } from '../forms';
import type { MessageKey } from '../i18n';
import { runLabels, skipLabels, statusLabels, triggerLabels, typeLabels } from '../labels';
import { api, backLink, definition, failure, header, i18n, may, me, named, onLeave, openScreen, refreshPage,
         signedOut } from '../shell';

export function statusText(execution: Execution): string {
  if (execution.status === 'skipped' && execution.skip_reason) return named(skipLabels, execution.skip_reason);
  return named(runLabels, execution.status);
}

function trigger(script: ScriptDetail, caller: Me): Node | string {
  if (script.type === 'scheduled') return `${script.cron_expression} (${script.timezone})`;
  if (script.type === 'event') return script.event_types.join(', ');
  if (script.type !== 'http') return named(typeLabels, script.type);
  const { url, curl } = endpointOf(script, location.origin, caller.tenant_slug);
  const copied = h('span', { role: 'status', class: 'hint' });
  return h('span', {}, `${script.http_methods.join(', ')} `, h('code', { class: 'url' }, url), ' ',
    h('button', { type: 'button', onclick: async () => {
      await navigator.clipboard?.writeText(url).catch(() => {});
      copied.textContent = i18n.t('script.copied');
    } }, i18n.t('script.copy')), ' ', copied,
    h('p', { class: 'hint' }, script.http_auth === 'none' ? i18n.t('script.publicHook') : i18n.t('script.tokenHook')),
    h('pre', { class: 'curl' }, h('code', {}, curl)));
}

// The buttons of what the role may do; each status the life cycle allows.
function actions(script: ScriptDetail, caller: Me, notice: HTMLElement): HTMLElement {
  const bar = h('div', { class: 'actions', role: 'group', 'aria-label': i18n.t('script.actions') });
  if (may(caller, 'scripts.update')) {
    bar.append(h('a', { href: `#/scripts/${script.id}/edit`, class: 'button' }, i18n.t('script.edit')));
    for (const status of script.next_statuses) {
      bar.append(h('button', { type: 'button', 'data-status': status, onclick: async () => {
        try {
          await api.updateScript(script.id, { status });
          refreshPage();
        } catch (error) {
          if (!signedOut(error)) notice.textContent = failure(error);
        }
      } }, i18n.t(`action.${status}` as MessageKey)));
    }
  }
  bar.append(h('a', { href: `#/scripts/${script.id}/versions`, class: 'button secondary' }, i18n.t('script.versions')));
  if (may(caller, 'scripts.delete')) {
    bar.append(h('button', { type: 'button', class: 'danger', onclick: async () => {
      if (!window.confirm(i18n.t('script.deleteConfirm', { name: script.name }))) return;
      try {
        await api.deleteScript(script.id);
        location.hash = '#/scripts';
      } catch (error) {
        if (!signedOut(error)) notice.textContent = failure(error);
      }
    } }, i18n.t('script.delete')));
  }
  return bar;
}

function runForm(script: ScriptDetail, refresh: () => Promise<unknown>): HTMLElement {
  const id = script.id;
  const notice = h('p', { role: 'status' });
  const starting = startingInput(script);
  const input = h('textarea', { id: 'input', rows: String(Math.min(12, starting.split('\n').length + 1)), spellcheck: 'false',
                                'aria-describedby': 'input-notice' });
  notice.id = 'input-notice';
  input.value = starting;
  return h('form', { class: 'run', onsubmit: async (event) => {
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
}

// Publishes an event this script subscribes to (a pattern's `*` filled in
// as an example), so that its handling can be tried: the run arrives in the history.
function testEventForm(script: ScriptDetail, refresh: () => Promise<unknown>): HTMLElement {
  const notice = h('p', { role: 'status', id: 'event-notice' });
  const type = h('input', { id: 'event-type', type: 'text', 'aria-describedby': 'event-notice' });
  type.value = (script.event_types[0] ?? 'test.event').replace(/\*/g, 'test');
  const payload = h('textarea', { id: 'event-payload', rows: '3', spellcheck: 'false' });
  payload.value = '{}';
  return h('form', { class: 'run', onsubmit: async (event) => {
    event.preventDefault();
    const parsed = parseInput(payload.value);
    if (!parsed.ok) {
      notice.textContent = i18n.t('script.inputInvalid', { message: parsed.message });
      return;
    }
    try {
      await api.publish(type.value.trim(), parsed.value);
      notice.textContent = i18n.t('script.eventPublished');
      await refresh();
    } catch (error) {
      if (!signedOut(error)) notice.textContent = failure(error);
    }
  } },
    h('h2', {}, i18n.t('script.testEvent')),
    h('label', { for: 'event-type' }, i18n.t('script.eventType')), type,
    h('label', { for: 'event-payload' }, i18n.t('script.eventPayload')), payload,
    h('button', { type: 'submit' }, i18n.t('script.publish')), notice);
}

function historyTable(executions: Execution[]): HTMLElement {
  if (executions.length === 0) return h('p', { class: 'empty' }, i18n.t('script.noRuns'));
  return h('table', {},
    h('thead', {}, h('tr', {}, ...(['scripts.status', 'execution.when', 'script.trigger', 'execution.duration'] as MessageKey[])
      .map((key) => h('th', { scope: 'col' }, i18n.t(key))))),
    h('tbody', {}, ...executions.map((execution) => h('tr', {},
      h('td', {}, h('a', { href: `#/executions/${execution.id}` }, statusText(execution))),
      h('td', {}, i18n.date(execution.started_at ?? execution.created_at)),
      h('td', {}, named(triggerLabels, execution.trigger_type)),
      h('td', {}, execution.metrics?.duration_ms !== undefined
        ? i18n.t('execution.ms', { value: Math.round(execution.metrics.duration_ms) }) : '')))));
}

export async function scriptPage(id: string) {
  const screen = openScreen();
  let script: ScriptDetail;
  let caller: Me;
  try {
    [script, caller] = await Promise.all([api.script(id), me()]);
  } catch (error) {
    return screen.showFailure(error);
  }
  const history = h('section', { 'aria-live': 'polite', 'aria-labelledby': 'history-heading' });
  // The history's page and status filter; the newest page follows new runs as they come.
  let historyPage = 1;
  const statusFilter = h('select', { id: 'history-status', onchange: () => { historyPage = 1; refresh(); } },
    h('option', { value: '' }, i18n.t('scripts.any')),
    ...Object.keys(runLabels).map((value) => h('option', { value }, named(runLabels, value))));
  const pager = h('nav', { class: 'pages', 'aria-label': i18n.t('scripts.pages') });
  const refresh = async () => {
    const page = await api.executions(id, historyPage, statusFilter.value);
    const pages = Math.max(1, Math.ceil(page.total / page.per_page));
    history.replaceChildren(historyTable(page.items));
    pager.replaceChildren(
      h('span', {}, i18n.t('script.historyPage', { page: historyPage, pages })),
      h('button', { type: 'button', disabled: historyPage <= 1, onclick: () => { historyPage -= 1; refresh(); } },
        i18n.t('scripts.previous')),
      h('button', { type: 'button', disabled: historyPage >= pages, onclick: () => { historyPage += 1; refresh(); } },
        i18n.t('scripts.next')));
  };
  const notice = h('p', { role: 'alert', class: 'error' });
  const code = h('div', { class: 'editor readonly' }, codeBlock(script.source, i18n.t('script.source')));
  screen.show(header(), backLink('#/scripts', 'script.back'),
    h('h1', { tabindex: '-1' }, script.name),
    script.description ? h('p', {}, script.description) : null,
    // A draft is kept, not run: nothing starts it until it is activated.
    script.status === 'draft' ? h('p', { class: 'notice draft', role: 'note' }, i18n.t('script.draftNotice')) : null,
    actions(script, caller, notice), notice,
    h('dl', {},
      ...definition('scripts.type', named(typeLabels, script.type)),
      ...definition('scripts.status', h('span', { class: `status status-${script.status}` }, named(statusLabels, script.status))),
      ...definition('scripts.version', i18n.format(script.version)),
      ...definition('script.trigger', trigger(script, caller)),
      ...(script.next_run_at ? definition('script.nextRun', i18n.date(script.next_run_at)) : [])),
    may(caller, 'scripts.execute') ? runForm(script, refresh) : null,
    script.type === 'event' && may(caller, 'events.publish') ? testEventForm(script, refresh) : null,
    h('h2', { id: 'history-heading' }, i18n.t('script.history')),
    h('div', { class: 'filters-inline' }, h('label', { for: 'history-status' }, i18n.t('scripts.status')), statusFilter),
    history, pager,
    h('h2', {}, i18n.t('script.source')), code);
  // The history refreshes itself while the page is shown.
  const timer = window.setInterval(() => { refresh().catch(signedOut); }, 2000);
  onLeave(() => window.clearInterval(timer));
  await refresh().catch((error) => signedOut(error) || history.replaceChildren(h('p', { class: 'error' }, failure(error))));
  try {
    const monaco = await import('../editor');
    if (!code.isConnected) return;
    code.replaceChildren();
    const viewer = monaco.codeEditor(code, script.source, { readOnly: true, label: i18n.t('script.source') });
    onLeave(() => viewer.dispose());
  } catch {
    // The numbered lines stay.
  }
}
