// Creating and editing a script: exactly the trigger fields its type needs,
// a live preview of a schedule's next runs, the retry policy and resource
// limits, Monaco with the SDK's typings, syntax errors marked before saving
// and the server's validation errors next to their fields; an edited script's
// draft can be tried on its latest inputs before it is saved.
import { ApiError, type ScriptDetail } from '../api';
import { h } from '../dom';
import { emptyFields, errorsByField, fieldsOf, hasRetryPolicy, limitFields, scriptBody, type LimitName,
         type ScriptFields } from '../forms';
import type { MessageKey } from '../i18n';
import { authLabels, misfireLabels, overlapLabels, typeLabels } from '../labels';
import { api, backLink, failure, header, i18n, named, onLeave, openScreen, signedOut } from '../shell';
import { dryRunPanel } from './dry_run_panel';

type ChoiceField = 'type' | 'http_auth' | 'overlap_policy' | 'misfire_policy';
type TextField = Exclude<keyof ScriptFields, 'limits' | 'retry' | ChoiceField>;
const kTriggerFieldNames = ['cron_expression', 'timezone', 'overlap_policy', 'misfire_policy', 'backfill_limit',
                            'http_path', 'http_methods', 'http_auth', 'event_types'] as const;
type TriggerField = (typeof kTriggerFieldNames)[number];

// The trigger fields each type has (an embedded rule is called by its host: none).
const kTriggerFields: Record<ScriptFields['type'], TriggerField[]> = {
  oneoff: [], embedded: [], event: ['event_types'],
  scheduled: ['cron_expression', 'timezone', 'overlap_policy', 'misfire_policy', 'backfill_limit'],
  http: ['http_path', 'http_methods', 'http_auth'],
};

// A control with its label and a slot for the server's errors on it.
function field(id: string, label: string, control: HTMLElement, hint?: Node): HTMLElement {
  control.id = id;
  control.setAttribute('aria-describedby', `${id}-errors${hint ? ` ${id}-hint` : ''}`);
  if (hint instanceof HTMLElement) hint.id = `${id}-hint`;
  return h('div', { class: 'field', 'data-field': id },
    h('label', { for: id }, label), control, hint ?? null, h('p', { id: `${id}-errors`, class: 'error field-errors' }));
}

function textInput(value: string, type = 'text'): HTMLInputElement {
  const input = h('input', { type });
  input.value = value;
  return input;
}

// A choice among an enum's values, each labelled in the locale.
function choice<T extends string>(labels: Record<T, MessageKey>, chosen: T, disabled = false): HTMLSelectElement {
  return h('select', { disabled },
    ...(Object.keys(labels) as T[]).map((value) => h('option', { value, selected: value === chosen }, named(labels, value))));
}

export async function scriptFormPage(id?: string) {
  const screen = openScreen();
  let script: ScriptDetail | null = null;
  try {
    script = id ? await api.script(id) : null;
  } catch (error) {
    return screen.showFailure(error);
  }
  const initial = script ? fieldsOf(script) : emptyFields();
  const text = Object.fromEntries((['name', 'description', 'tags', 'cron_expression', 'timezone', 'backfill_limit',
    'http_path', 'http_methods', 'event_types', 'metadata', 'max_attempts', 'initial_backoff_ms', 'backoff_multiplier',
    'max_backoff_ms', 'change_description'] as const)
    .map((name) => [name, textInput(initial[name])])) as Record<Exclude<TextField, 'source'>, HTMLInputElement>;
  const limits = Object.fromEntries(limitFields.map(({ name }) => [name, textInput(initial.limits[name], 'number')])) as
    Record<LimitName, HTMLInputElement>;
  const type = choice(typeLabels, initial.type, script !== null);
  const httpAuth = choice(authLabels, initial.http_auth);
  const overlap = choice(overlapLabels, initial.overlap_policy);
  const misfire = choice(misfireLabels, initial.misfire_policy);
  const retry = h('input', { type: 'checkbox', checked: initial.retry });

  // The code: a plain text area until Monaco has loaded (or if it cannot).
  const fallback = h('textarea', { rows: '14', spellcheck: 'false' });
  fallback.value = initial.source;
  const editorBox = h('div', { class: 'editor', role: 'group' });
  const problems = h('ul', { class: 'error problems', 'aria-live': 'polite' });
  let editor: { value(): string; problems(): { line: number; column: number; message: string }[] } | null = null;
  const source = () => editor?.value() ?? fallback.value;

  const nextRuns = h('ol', { class: 'next-runs', 'aria-live': 'polite' });
  const url = h('output', { class: 'url' });
  const notice = h('p', { role: 'alert', class: 'error' });

  const values = (): ScriptFields => ({
    ...initial,
    ...Object.fromEntries(Object.entries(text).map(([key, input]) => [key, input.value])),
    type: type.value as ScriptFields['type'], source: source(), retry: retry.checked,
    http_auth: httpAuth.value as ScriptFields['http_auth'], overlap_policy: overlap.value as ScriptFields['overlap_policy'],
    misfire_policy: misfire.value as ScriptFields['misfire_policy'],
    limits: Object.fromEntries(Object.entries(limits).map(([key, input]) => [key, input.value])) as Record<LimitName, string>,
  });

  // "Save and activate" too while the script is not running already: a saved draft runs nothing.
  const activating = script === null || script.next_statuses.includes('active');
  const form = h('form', { class: 'script-form', novalidate: true, onsubmit: (event) => {
    event.preventDefault();
    const activate = (event as SubmitEvent).submitter?.getAttribute('data-activate') === 'true';
    save(activate);
  } },
    field('name', i18n.t('create.name'), text.name),
    field('description', i18n.t('create.description'), text.description),
    field('tags', i18n.t('create.tags'), text.tags),
    field('type', i18n.t('create.type'), type),
    field('cron_expression', i18n.t('create.cron'), text.cron_expression,
          h('p', { class: 'hint' }, i18n.t('form.cronHint'))),
    field('timezone', i18n.t('create.timezone'), text.timezone),
    field('overlap_policy', i18n.t('form.overlap'), overlap),
    field('misfire_policy', i18n.t('form.misfire'), misfire),
    field('backfill_limit', i18n.t('form.backfill'), text.backfill_limit),
    h('section', { 'data-field': 'next_runs', 'aria-labelledby': 'next-runs-heading' },
      h('h2', { id: 'next-runs-heading' }, i18n.t('form.nextRuns')), nextRuns),
    field('http_path', i18n.t('create.path'), text.http_path, h('p', { class: 'hint' }, url)),
    field('http_methods', i18n.t('create.methods'), text.http_methods),
    field('http_auth', i18n.t('form.httpAuth'), httpAuth),
    field('event_types', i18n.t('create.events'), text.event_types),
    h('fieldset', { 'data-field': 'retry_policy' },
      h('legend', {}, i18n.t('form.retry')),
      h('label', { class: 'check', 'data-field': 'retry' }, retry, ' ', i18n.t('form.retryEnabled')),
      field('max_attempts', i18n.t('form.maxAttempts'), text.max_attempts),
      field('initial_backoff_ms', i18n.t('form.initialBackoff'), text.initial_backoff_ms),
      field('backoff_multiplier', i18n.t('form.multiplier'), text.backoff_multiplier),
      field('max_backoff_ms', i18n.t('form.maxBackoff'), text.max_backoff_ms),
      h('p', { id: 'retry_policy-errors', class: 'error field-errors' })),
    h('details', { 'data-field': 'resource_limits' },
      h('summary', {}, i18n.t('form.limits')),
      h('p', { class: 'hint' }, i18n.t('form.limitsHint')),
      ...limitFields.map(({ name }) => field(name, i18n.t(`limit.${name}` as MessageKey), limits[name])),
      h('p', { id: 'resource_limits-errors', class: 'error field-errors' })),
    field('metadata', i18n.t('form.metadata'), text.metadata),
    h('div', { class: 'field', 'data-field': 'source' },
      h('span', { id: 'source-label' }, i18n.t('create.source')), editorBox, fallback, problems,
      h('p', { id: 'source-errors', class: 'error field-errors' })),
    script ? dryRunPanel(script, source) : null,
    script ? field('change_description', i18n.t('form.change'), text.change_description) : null,
    h('div', { class: 'actions' },
      h('button', { type: 'submit' }, i18n.t('create.save')),
      activating ? h('button', { type: 'submit', 'data-activate': 'true' }, i18n.t('create.saveActivate')) : null),
    notice);
  // Ctrl+S (Cmd+S) saves, as in an editor, rather than saving the page.
  const saveKey = (event: KeyboardEvent) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 's') {
      event.preventDefault();
      save(false);
    }
  };
  window.addEventListener('keydown', saveKey);
  onLeave(() => window.removeEventListener('keydown', saveKey));
  fallback.setAttribute('aria-labelledby', 'source-label');
  editorBox.setAttribute('aria-labelledby', 'source-label');

  const showProblems = (found: { line: number; column: number; message: string }[]) => {
    problems.replaceChildren(...found.map((problem) =>
      h('li', {}, i18n.t('form.problemAt', { line: problem.line, column: problem.column }), ' ', problem.message)));
  };

  // Exactly the fields the type needs are shown.
  const showTypeFields = () => {
    const chosen = type.value as ScriptFields['type'];
    const wanted = new Set<string>(kTriggerFields[chosen]);
    if (misfire.value !== 'backfill') wanted.delete('backfill_limit');
    for (const name of kTriggerFieldNames) {
      form.querySelector<HTMLElement>(`[data-field="${name}"]`)!.hidden = !wanted.has(name);
    }
    form.querySelector<HTMLElement>('[data-field="next_runs"]')!.hidden = chosen !== 'scheduled';
    form.querySelector<HTMLElement>('[data-field="retry_policy"]')!.hidden = !hasRetryPolicy(chosen);
    // Event deliveries always retry by a policy; a schedule's runs only when asked.
    form.querySelector<HTMLElement>('[data-field="retry"]')!.hidden = chosen === 'event';
    const retrying = chosen === 'event' || retry.checked;
    for (const name of ['max_attempts', 'initial_backoff_ms', 'backoff_multiplier', 'max_backoff_ms'] as const) {
      form.querySelector<HTMLElement>(`[data-field="${name}"]`)!.hidden = !retrying;
    }
    if (chosen === 'scheduled') previewRuns();
  };

  // The schedule's next runs, asked of the server a moment after typing stops.
  let previewTimer = 0;
  let previewAsked = 0;
  const previewRuns = () => {
    window.clearTimeout(previewTimer);
    previewTimer = window.setTimeout(async () => {
      const asked = ++previewAsked;
      const zone = text.timezone.value.trim() || 'UTC';
      try {
        const runs = await api.nextRuns(text.cron_expression.value.trim(), zone);
        if (asked !== previewAsked) return;
        // With seconds (a seconds schedule's runs differ there) and the zone they are in.
        const inZone = new Intl.DateTimeFormat(i18n.locale, { dateStyle: 'full', timeStyle: 'long', timeZone: zone });
        nextRuns.replaceChildren(...(runs.items.length === 0 ? [h('li', {}, i18n.t('form.nextRunsNone'))]
          : runs.items.map((run) => h('li', {}, h('time', { datetime: run }, inZone.format(new Date(run)))))));
      } catch (error) {
        if (asked !== previewAsked || signedOut(error)) return;
        const reasons = error instanceof ApiError && error.details.length
          ? error.details.map((detail) => `${detail.field}: ${detail.message}`) : [failure(error)];
        nextRuns.replaceChildren(...reasons.map((reason) => h('li', { class: 'error' }, reason)));
      }
    }, 250);
  };
  const showUrl = () => {
    url.textContent = `${location.origin}/api/scripts${text.http_path.value.trim()}`;
  };

  type.addEventListener('change', showTypeFields);
  misfire.addEventListener('change', showTypeFields);
  retry.addEventListener('change', showTypeFields);
  text.cron_expression.addEventListener('input', previewRuns);
  text.timezone.addEventListener('input', previewRuns);
  text.http_path.addEventListener('input', showUrl);
  onLeave(() => window.clearTimeout(previewTimer));
  showTypeFields();
  showUrl();

  const clearErrors = () => {
    form.querySelectorAll('.field-errors').forEach((element) => { element.textContent = ''; });
    form.querySelectorAll('[aria-invalid]').forEach((element) => element.removeAttribute('aria-invalid'));
    notice.textContent = '';
  };

  const save = async (activate: boolean) => {
    clearErrors();
    const found = editor?.problems() ?? [];
    if (found.length > 0) {
      showProblems(found);
      notice.textContent = i18n.t('form.problems');
      editorBox.setAttribute('aria-invalid', 'true');
      return;
    }
    const fields = values();
    const body = scriptBody(fields, script ? 'update' : 'create');
    if (activate) body.status = 'active';
    try {
      const saved = script ? await api.updateScript(script.id, body) : await api.createScript(body);
      location.hash = `#/scripts/${saved.id}`;
    } catch (error) {
      if (signedOut(error)) return;
      if (!(error instanceof ApiError) || error.details.length === 0) {
        notice.textContent = failure(error);
        return;
      }
      notice.textContent = i18n.t('create.invalid');
      const known = (name: string) => form.querySelector(`#${CSS.escape(name)}-errors`) !== null;
      for (const [name, messages] of errorsByField(error.details, known)) {
        const slot = form.querySelector(`#${CSS.escape(name)}-errors`) ?? notice;
        slot.textContent = messages.join(' ');
        (form.querySelector(`#${CSS.escape(name)}`) ?? (name === 'source' ? editorBox : null))
          ?.setAttribute('aria-invalid', 'true');
        // A closed section would hide its error.
        slot.closest('details')?.setAttribute('open', '');
      }
      form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
    }
  };

  screen.show(header(), backLink(script ? `#/scripts/${script.id}` : '#/scripts', script ? 'script.backToScript' : 'script.back'),
    h('h1', { tabindex: '-1' }, script ? i18n.t('form.editHeading', { name: script.name }) : i18n.t('create.heading')),
    form);

  // Monaco arrives in its own chunk; the text area serves until it does.
  try {
    const monaco = await import('../editor');
    await monaco.loadTypings(() => api.typings()).catch(() => {});  // completion without the SDK is still an editor
    if (!form.isConnected) return;
    const code = monaco.codeEditor(editorBox, fallback.value, { label: i18n.t('create.source'), onProblems: showProblems });
    editor = code;
    fallback.hidden = true;
    onLeave(() => code.dispose());
  } catch {
    editorBox.hidden = true;
  }
}
