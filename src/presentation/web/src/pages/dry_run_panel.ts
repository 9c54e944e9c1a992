// Trying the editor's unsaved code on an input — one of the script's latest
// real inputs, or one written here — beside the live version on the same
// input: each one's output, logs and the side effects it would have had
// (recorded by the server, not made).
import type { DryRunInput, DryRunTrial, Execution, ScriptDetail } from '../api';
import { h } from '../dom';
import { parseInput, startingInput } from '../forms';
import { runLabels, triggerLabels } from '../labels';
import { errorLine, logList } from '../run_view';
import { api, failure, i18n, named, signedOut } from '../shell';
import { statusText } from './script';

const OWN_INPUT = '';  // the choice's value for an input written here

function trialColumn(kind: 'draft' | 'live', heading: string, trial: DryRunTrial): HTMLElement {
  return h('section', { class: `dry-run-${kind}`, 'aria-labelledby': `dry-run-${kind}-heading` },
    h('h3', { id: `dry-run-${kind}-heading` }, `${heading}: ${named(runLabels, trial.status)}`),
    trial.error ? errorLine(trial.error) : null,
    h('h4', {}, i18n.t('execution.output')), h('pre', { class: 'output' }, JSON.stringify(trial.output, null, 2)),
    h('h4', {}, i18n.t('execution.logs')), logList(trial.logs),
    h('h4', {}, i18n.t('dry.calls')),
    trial.recorded_calls.length === 0 ? h('p', { class: 'empty' }, i18n.t('dry.noCalls'))
      : h('ol', { class: 'recorded-calls' }, ...trial.recorded_calls.map((call) =>
          h('li', {}, h('code', {}, call.api), h('pre', {}, JSON.stringify(call.call, null, 2))))),
    trial.unrecorded_calls > 0
      ? h('p', { class: 'hint' }, i18n.t('dry.unrecorded', { count: trial.unrecorded_calls })) : null);
}

export function dryRunPanel(script: ScriptDetail, draft: () => string): HTMLElement {
  let captured: Execution[] = [];
  const choice = h('select', { id: 'dry-run-input' }, h('option', { value: OWN_INPUT }, i18n.t('dry.ownInput')));
  const shown = h('pre', { class: 'dry-run-input', 'aria-label': i18n.t('execution.input') });
  const own = h('textarea', { id: 'dry-run-own', rows: '6', spellcheck: 'false', 'aria-describedby': 'dry-run-notice' });
  own.value = startingInput(script);
  const ownField = h('div', { class: 'field' }, h('label', { for: 'dry-run-own' }, i18n.t('dry.ownInputLabel')), own);
  const button = h('button', { type: 'button' }, i18n.t('dry.run'));
  const notice = h('p', { id: 'dry-run-notice', role: 'alert', class: 'error' });
  const result = h('div', { class: 'dry-run-result', 'aria-live': 'polite' });

  const chosen = () => captured.find((run) => run.id === choice.value);
  const showChoice = () => {
    const run = chosen();
    shown.hidden = run === undefined;
    ownField.hidden = run !== undefined;
    shown.textContent = run ? JSON.stringify(run.input, null, 2) : '';
  };
  showChoice();

  api.capturedInputs(script.id).then(({ items }) => {
    captured = items;
    choice.replaceChildren(...items.map((run) => h('option', { value: run.id },
      `${i18n.date(run.started_at ?? run.created_at)} · ${named(triggerLabels, run.trigger_type)} · ${statusText(run)}`)),
      h('option', { value: OWN_INPUT }, i18n.t('dry.ownInput')));
    showChoice();
  }).catch((error: unknown) => {
    if (!signedOut(error)) notice.textContent = failure(error);
  });

  const input = (): DryRunInput | null => {
    const run = chosen();
    if (run) return { input_ref: run.id };
    const parsed = parseInput(own.value);
    if (parsed.ok) {
      own.removeAttribute('aria-invalid');
      return { input: parsed.value };
    }
    own.setAttribute('aria-invalid', 'true');
    notice.textContent = i18n.t('script.inputInvalid', { message: parsed.message });
    return null;
  };

  const run = async () => {
    notice.textContent = '';
    const on = input();
    if (!on) return;
    button.disabled = true;
    result.setAttribute('aria-busy', 'true');
    try {
      const ran = await api.dryRun(script.id, draft(), on);
      result.replaceChildren(trialColumn('draft', i18n.t('dry.draft'), ran.draft),
        trialColumn('live', i18n.t('dry.live', { version: ran.live.version }), ran.live));
    } catch (error) {
      if (!signedOut(error)) notice.textContent = failure(error);
    } finally {
      button.disabled = false;
      result.removeAttribute('aria-busy');
    }
  };
  choice.addEventListener('change', showChoice);
  button.addEventListener('click', run);

  return h('section', { class: 'dry-run', 'aria-labelledby': 'dry-run-heading' },
    h('h2', { id: 'dry-run-heading' }, i18n.t('dry.heading')), h('p', { class: 'hint' }, i18n.t('dry.hint')),
    h('div', { class: 'dry-run-choice' }, h('label', { for: 'dry-run-input' }, i18n.t('dry.input')), choice, button),
    shown, ownField, notice, result);
}
