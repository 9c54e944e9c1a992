// One execution: when and how it ran, its input, output and logs (by level),
// and its error linked to the line of the code of the version that ran.
// While it is pending or running the page follows it to its end, with Cancel.
import { codeBlock } from '../code_block';
import { h } from '../dom';
import { atLeast } from '../forms';
import { logLabels, triggerLabels } from '../labels';
import { logList } from '../run_view';
import { api, backLink, definition, failure, header, i18n, may, me, named, onLeave, openScreen, refreshPage,
         signedOut } from '../shell';
import { statusText } from './script';

const unfinished = (status: string) => status === 'pending' || status === 'running';

export async function executionPage(id: string) {
  const screen = openScreen();
  try {
    const [execution, caller] = await Promise.all([api.execution(id), me()]);
    const version = await api.version(execution.script_id, execution.script_version);
    const notice = h('p', { role: 'status' });
    const cancel = unfinished(execution.status) && may(caller, 'scripts.execute')
      ? h('button', { type: 'button', class: 'danger', onclick: async () => {
        try {
          await api.cancel(id);
        } catch (error) {
          if (!signedOut(error)) notice.textContent = failure(error);
        }
      } }, i18n.t('execution.cancel'))
      : null;
    // The lines so far; while the run goes on, those written since are added as they come.
    const lines = [...execution.logs];
    const logs = h('section', { 'aria-live': 'polite' });
    const showLogs = () => { logs.replaceChildren(logList(atLeast(lines, level.value))); };
    if (unfinished(execution.status)) {
      // Followed to its end: the page is drawn again once the status moves on.
      let next = lines.length;
      const timer = window.setInterval(async () => {
        try {
          const tail = await api.executionLogs(id, next);
          if (tail.status !== execution.status) return refreshPage();
          if (tail.logs.length > 0) {
            lines.push(...tail.logs);
            next = tail.next;
            showLogs();
          }
        } catch (error) {
          window.clearInterval(timer);
          signedOut(error);
        }
      }, 500);
      onLeave(() => window.clearInterval(timer));
    }
    const level = h('select', { id: 'level', onchange: showLogs },
      h('option', { value: 'all' }, i18n.t('execution.allLevels')),
      ...['debug', 'info', 'warn', 'error'].map((value) => h('option', { value }, named(logLabels, value))));
    const error = execution.error;
    const metrics = execution.metrics;
    screen.show(header(), backLink(`#/scripts/${execution.script_id}`, 'script.backToScript'),
      h('h1', { tabindex: '-1' }, `${i18n.t('execution.heading')}: ${statusText(execution)}`),
      cancel ? h('div', { class: 'actions' }, cancel) : null, notice,
      h('dl', {},
        ...definition('execution.when', i18n.date(execution.started_at ?? execution.created_at)),
        ...definition('script.trigger', named(triggerLabels, execution.trigger_type)),
        ...definition('scripts.version', i18n.format(execution.script_version)),
        ...(metrics?.duration_ms !== undefined
          ? definition('execution.duration', i18n.t('execution.ms', { value: Math.round(metrics.duration_ms) })) : []),
        ...(metrics?.peak_memory_bytes !== undefined
          ? definition('execution.memory', i18n.t('execution.kib', { value: Math.round(metrics.peak_memory_bytes / 1024) })) : [])),
      error ? h('section', { class: 'error', role: 'alert' },
        h('h2', {}, `${i18n.t('execution.error')}: `, h('code', {}, error.code)), h('p', {}, h('samp', {}, error.message)),
        (error.line ?? 0) > 0 ? h('a', { href: `#line-${error.line}`, onclick: (event) => {
          event.preventDefault();
          document.getElementById(`line-${error.line}`)?.scrollIntoView({ block: 'center' });
        } }, i18n.t('execution.at', { line: error.line ?? 0, column: error.column ?? 0 })) : null,
        error.stack ? h('pre', { class: 'stack' }, error.stack) : null) : null,
      h('h2', {}, i18n.t('execution.input')), h('pre', {}, JSON.stringify(execution.input, null, 2)),
      h('h2', {}, i18n.t('execution.output')), h('pre', {}, JSON.stringify(execution.output, null, 2)),
      h('h2', {}, i18n.t('execution.logs')), h('label', { for: 'level' }, i18n.t('execution.level')), level, logs,
      h('h2', {}, i18n.t('script.source')), codeBlock(version.source, i18n.t('script.source'), error?.line ?? 0));
    showLogs();
  } catch (error) {
    screen.showFailure(error);
  }
}
