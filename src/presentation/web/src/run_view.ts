// What a run left behind, drawn the same wherever it is shown: its log lines
// with their levels, and its error with the line it happened on.
import type { ExecutionError, LogLine } from './api';
import { h } from './dom';
import { logLabels } from './labels';
import { i18n, named } from './shell';

export function logList(lines: LogLine[]): HTMLElement {
  if (lines.length === 0) return h('p', { class: 'empty' }, i18n.t('execution.noLogs'));
  return h('ol', { class: 'logs' }, ...lines.map((line) => h('li', { class: `log-${line.level}` },
    h('span', { class: 'level' }, named(logLabels, line.level)), ' ', h('samp', {}, line.message),
    line.metadata !== undefined ? h('code', {}, ' ' + JSON.stringify(line.metadata)) : null)));
}

// The error in one paragraph, for a page that shows several runs.
export function errorLine(error: ExecutionError): HTMLElement {
  return h('p', { class: 'error' }, h('code', {}, error.code), ' ', h('samp', {}, error.message),
    error.line !== null && error.line > 0
      ? ` (${i18n.t('execution.at', { line: error.line, column: error.column ?? 0 })})` : null);
}
