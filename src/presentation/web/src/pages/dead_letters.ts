// Event deliveries that ran out of attempts: the list, one letter with its
// payload and last error, replay (with the payload as edited), discard, and
// replaying every dead letter of a script at once.
import type { DeadLetter, Me } from '../api';
import { h } from '../dom';
import { parseInput } from '../forms';
import type { MessageKey } from '../i18n';
import { deadLabels } from '../labels';
import { api, backLink, definition, failure, header, i18n, may, me, named, onLeave, openScreen, refreshPage,
         signedOut } from '../shell';

export async function deadLettersPage(query: URLSearchParams) {
  const screen = openScreen();
  const filters = { script_id: query.get('script_id') ?? '', status: query.get('status') ?? 'dead',
                    page: Number(query.get('page') ?? '1') };
  let caller: Me;
  let page;
  let names: Map<string, string>;
  try {
    [caller, page] = await Promise.all([me(), api.deadLetters({ ...filters, per_page: 20 })]);
    names = await scriptNames(page.items.map((letter) => letter.script_id));
  } catch (error) {
    return screen.showFailure(error);
  }
  const notice = h('p', { role: 'status' });
  const status = h('select', { id: 'dead-status', onchange: () => {
    location.hash = `#/dead-letters?status=${status.value}${filters.script_id ? `&script_id=${filters.script_id}` : ''}`;
  } }, ...['dead', 'replayed'].map((value) => h('option', { value, selected: value === filters.status }, named(deadLabels, value))));
  const replayAll = may(caller, 'dead_letters.manage') && filters.status === 'dead' && page.total > 0
    ? h('button', { type: 'button', onclick: async () => {
      try {
        const { replayed } = await api.replayAll(filters.script_id ? { script_id: filters.script_id } : {});
        notice.textContent = i18n.plural('dead.replayedAll', replayed);
        refreshPage();
      } catch (error) {
        if (!signedOut(error)) notice.textContent = failure(error);
      }
    } }, i18n.t(filters.script_id ? 'dead.replayScript' : 'dead.replayAll')) : null;
  screen.show(header(), h('h1', { tabindex: '-1' }, i18n.t('dead.heading')),
    h('div', { class: 'filters-inline' }, h('label', { for: 'dead-status' }, i18n.t('scripts.status')), status, replayAll),
    notice,
    page.items.length === 0 ? h('p', { class: 'empty' }, i18n.t('dead.empty')) : h('table', {},
      h('thead', {}, h('tr', {}, ...(['dead.event', 'dead.script', 'dead.attempts', 'dead.error', 'dead.when'] as MessageKey[])
        .map((key) => h('th', { scope: 'col' }, i18n.t(key))))),
      h('tbody', {}, ...page.items.map((letter: DeadLetter) => h('tr', {},
        h('td', {}, h('a', { href: `#/dead-letters/${letter.id}` }, letter.event_type)),
        h('td', {}, h('a', { href: `#/dead-letters?script_id=${letter.script_id}&status=${filters.status}` },
                      names.get(letter.script_id) ?? letter.script_id)),
        h('td', {}, i18n.format(letter.attempts)),
        h('td', {}, h('code', {}, letter.last_error?.code ?? '')),
        h('td', {}, i18n.date(letter.created_at)))))));
}

// The names of the scripts behind `ids`; a script that is gone keeps its id's first characters.
async function scriptNames(ids: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  const names = await Promise.all(unique.map((id) => api.script(id).then((script) => script.name, () => id.slice(0, 8))));
  return new Map(unique.map((id, index) => [id, names[index]]));
}

export async function deadLetterPage(id: string) {
  const screen = openScreen();
  let letter: DeadLetter;
  let caller: Me;
  let names: Map<string, string>;
  try {
    [letter, caller] = await Promise.all([api.deadLetter(id), me()]);
    names = await scriptNames([letter.script_id]);
  } catch (error) {
    return screen.showFailure(error);
  }
  const notice = h('p', { role: 'status' });
  const payload = h('textarea', { id: 'payload', rows: '8', spellcheck: 'false', 'aria-describedby': 'payload-notice' });
  notice.id = 'payload-notice';
  payload.value = JSON.stringify(letter.payload, null, 2);
  const manage = may(caller, 'dead_letters.manage') && letter.status === 'dead';
  const replay = async () => {
    const parsed = parseInput(payload.value);
    if (!parsed.ok) {
      payload.setAttribute('aria-invalid', 'true');
      notice.textContent = i18n.t('script.inputInvalid', { message: parsed.message });
      return;
    }
    payload.removeAttribute('aria-invalid');
    try {
      // The letter's own payload unless it was edited.
      const edited = JSON.stringify(parsed.value) !== JSON.stringify(letter.payload);
      await api.replay(letter.id, edited ? parsed.value : undefined);
      refreshPage();
    } catch (error) {
      if (!signedOut(error)) notice.textContent = failure(error);
    }
  };
  const error = letter.last_error;
  // A replayed letter leads to its replay's run; until that run exists the page waits for it.
  const replayRun = letter.replay_execution_id;
  const replayed = letter.status !== 'replayed' ? null : h('p', { class: 'notice', role: 'status' },
    replayRun ? h('a', { href: `#/executions/${replayRun}` }, i18n.t('dead.replayRun')) : i18n.t('dead.replayPending'));
  if (letter.status === 'replayed' && !replayRun) {
    const timer = window.setInterval(async () => {
      try {
        if ((await api.deadLetter(id)).replay_execution_id) refreshPage();
      } catch (failed) {
        window.clearInterval(timer);
        signedOut(failed);
      }
    }, 1000);
    onLeave(() => window.clearInterval(timer));
  }
  screen.show(header(), backLink('#/dead-letters', 'dead.back'),
    h('h1', { tabindex: '-1' }, i18n.t('dead.letterHeading', { type: letter.event_type })), replayed,
    h('dl', {},
      ...definition('scripts.status', named(deadLabels, letter.status)),
      ...definition('dead.script', h('a', { href: `#/scripts/${letter.script_id}` }, names.get(letter.script_id) ?? letter.script_id)),
      ...definition('scripts.version', i18n.format(letter.script_version)),
      ...definition('dead.attempts', i18n.format(letter.attempts)),
      ...definition('dead.when', i18n.date(letter.created_at)),
      ...(letter.replayed_at ? definition('dead.replayedAt', i18n.date(letter.replayed_at)) : []),
      ...(letter.last_execution_id
        ? definition('dead.lastExecution', h('a', { href: `#/executions/${letter.last_execution_id}` }, i18n.t('dead.open')))
        : [])),
    error ? h('section', { class: 'error' }, h('h2', {}, `${i18n.t('dead.error')}: `, h('code', {}, error.code)),
      h('p', {}, h('samp', {}, error.message)))
      : null,
    h('form', { class: 'replay', onsubmit: (event) => { event.preventDefault(); replay(); } },
      h('label', { for: 'payload' }, i18n.t('dead.payload')), payload,
      manage ? h('div', { class: 'actions' },
        h('button', { type: 'submit' }, i18n.t('dead.replay')),
        h('button', { type: 'button', class: 'danger', onclick: async () => {
          if (!window.confirm(i18n.t('dead.discardConfirm'))) return;
          try {
            await api.discard(letter.id);
            location.hash = '#/dead-letters';
          } catch (failed) {
            if (!signedOut(failed)) notice.textContent = failure(failed);
          }
        } }, i18n.t('dead.discard'))) : null,
      notice));
  if (!manage) payload.readOnly = true;
}
