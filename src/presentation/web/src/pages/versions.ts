// A script's versions: the list, any two side by side in Monaco's diff view,
// and a rollback with its reason.
import type { Me, ScriptDetail, VersionSummary } from '../api';
import { h } from '../dom';
import type { MessageKey } from '../i18n';
import { api, backLink, failure, header, i18n, may, me, onLeave, openScreen, signedOut } from '../shell';

function versionSelect(id: string, versions: VersionSummary[], selected: number): HTMLSelectElement {
  return h('select', { id }, ...versions.map((version) =>
    h('option', { value: String(version.number), selected: version.number === selected },
      i18n.t('versions.option', { number: version.number }))));
}

function rollbackForm(script: ScriptDetail, versions: VersionSummary[]): HTMLElement {
  const older = versions.filter((version) => version.number !== script.version);
  const target = versionSelect('rollback-version', older, older[0]?.number ?? 0);
  const reason = h('input', { id: 'rollback-reason', type: 'text', maxlength: '1000' });
  const notice = h('p', { role: 'status' });
  return h('form', { class: 'rollback', onsubmit: async (event) => {
    event.preventDefault();
    try {
      const rolled = await api.rollBack(script.id, Number(target.value), reason.value.trim());
      location.hash = `#/scripts/${rolled.id}/versions?notice=rolled&from=${target.value}`;
    } catch (error) {
      if (!signedOut(error)) notice.textContent = failure(error);
    }
  } },
    h('h2', {}, i18n.t('versions.rollbackHeading')),
    h('label', { for: 'rollback-version' }, i18n.t('versions.rollbackTo')), target,
    h('label', { for: 'rollback-reason' }, i18n.t('versions.reason')), reason,
    h('button', { type: 'submit', disabled: older.length === 0 }, i18n.t('versions.rollback')), notice);
}

export async function versionsPage(id: string, query: URLSearchParams) {
  const screen = openScreen();
  let script: ScriptDetail;
  let versions: VersionSummary[];
  let caller: Me;
  try {
    [script, { items: versions }, caller] = await Promise.all([api.script(id), api.versions(id), me()]);
  } catch (error) {
    return screen.showFailure(error);
  }
  const latest = script.version;
  const from = versionSelect('diff-from', versions, Number(query.get('from') ?? Math.max(1, latest - 1)));
  const to = versionSelect('diff-to', versions, Number(query.get('to') ?? latest));
  const diffBox = h('div', { class: 'editor diff', 'aria-live': 'polite' });
  let disposeDiff = () => {};
  onLeave(() => disposeDiff());

  const compare = async () => {
    try {
      const [left, right] = await Promise.all([api.version(id, Number(from.value)), api.version(id, Number(to.value))]);
      const monaco = await import('../editor');
      if (!diffBox.isConnected) return;
      disposeDiff();
      diffBox.replaceChildren();
      disposeDiff = monaco.diffEditor(diffBox, left.source, right.source,
                                      i18n.t('versions.diffLabel', { from: left.number, to: right.number })).dispose;
    } catch (error) {
      if (!signedOut(error)) diffBox.replaceChildren(h('p', { role: 'alert', class: 'error' }, failure(error)));
    }
  };
  from.addEventListener('change', compare);
  to.addEventListener('change', compare);

  screen.show(header(), backLink(`#/scripts/${id}`, 'script.backToScript'),
    h('h1', { tabindex: '-1' }, i18n.t('versions.heading', { name: script.name })),
    query.get('notice') === 'rolled'
      ? h('p', { role: 'status', class: 'notice' }, i18n.t('versions.rolledBack', { number: latest })) : null,
    h('table', {},
      h('thead', {}, h('tr', {}, ...(['versions.number', 'versions.when', 'versions.by', 'versions.change'] as MessageKey[])
        .map((key) => h('th', { scope: 'col' }, i18n.t(key))))),
      h('tbody', {}, ...versions.map((version) => h('tr', {},
        h('td', {}, i18n.format(version.number), version.number === latest ? ` (${i18n.t('versions.current')})` : ''),
        h('td', {}, i18n.date(version.created_at)),
        h('td', {}, version.created_by_name ?? h('code', {}, version.created_by)),
        h('td', {}, version.change_description))))),
    h('h2', {}, i18n.t('versions.compare')),
    h('div', { class: 'diff-choice' },
      h('label', { for: 'diff-from' }, i18n.t('versions.from')), from,
      h('label', { for: 'diff-to' }, i18n.t('versions.to')), to),
    diffBox,
    may(caller, 'scripts.update') ? rollbackForm(script, versions) : null);
  await compare();
}
