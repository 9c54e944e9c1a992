// The tenant's own settings, each page only for the roles that may use it:
// API tokens (made with a role and shown once, revoked), secrets (names and
// times; values are written, never shown), sdk.db's migrations (applied with
// the SQL editor), the quotas with what is used of them, and the audit log.
import type { AuditEntry, Me, Role, Token } from '../api';
import { h } from '../dom';
import type { MessageKey } from '../i18n';
import { roleLabels } from '../labels';
import { api, definition, failure, header, i18n, may, me, named, onLeave, openScreen, refreshPage,
         signedOut } from '../shell';

type Loaded<T> = { caller: Me; data: T };

// The page's frame: heading, a notice for refusals, and what `body` makes of the caller and the data.
async function tenantPage<T>(heading: MessageKey, permission: Me['permissions'][number] | null, load: () => Promise<T>,
                             body: (loaded: Loaded<T>, notice: HTMLElement) => (Node | null)[]) {
  const screen = openScreen();
  try {
    const caller = await me();
    if (permission && !may(caller, permission)) {
      return screen.show(header(), h('h1', { tabindex: '-1' }, i18n.t(heading)),
                         h('p', { role: 'alert', class: 'error' }, i18n.t('error.FORBIDDEN')));
    }
    const notice = h('p', { role: 'alert', class: 'error' });
    screen.show(header(), h('h1', { tabindex: '-1' }, i18n.t(heading)), notice,
                ...body({ caller, data: await load() }, notice));
  } catch (error) {
    screen.showFailure(error);
  }
}

// Runs `action`; a refusal is said in `notice`, success shows the page again.
const act = (notice: HTMLElement, action: () => Promise<unknown>) => async () => {
  try {
    await action();
    refreshPage();
  } catch (error) {
    if (!signedOut(error)) notice.textContent = failure(error);
  }
};

export const tokensPage = () => tenantPage('tokens.heading', 'tokens.manage', () => api.tokens(), ({ caller, data }, notice) => {
  const name = h('input', { id: 'token-name', type: 'text' });
  const role = h('select', { id: 'token-role' },
    ...(Object.keys(roleLabels) as Role[]).filter((value) => value !== 'superadmin')
      .map((value) => h('option', { value, selected: value === 'developer' }, named(roleLabels, value))));
  const shown = h('section', { 'aria-live': 'polite' });
  const table = h('section', {});
  const list = (tokens: Token[]) => table.replaceChildren(h('table', {},
    h('thead', {}, h('tr', {}, ...(['tokens.name', 'tokens.role', 'tokens.created'] as MessageKey[])
      .map((key) => h('th', { scope: 'col' }, i18n.t(key))), h('th', { scope: 'col' }))),
    h('tbody', {}, ...tokens.map((token) => h('tr', {},
      h('td', {}, token.name), h('td', {}, named(roleLabels, token.role)), h('td', {}, i18n.date(token.created_at)),
      // Not the token this page is signed in with: revoking it would end the session mid-task.
      h('td', {}, token.id === caller.token_id ? h('span', { class: 'hint' }, i18n.t('tokens.yours'))
        : h('button', { type: 'button', class: 'danger', 'aria-label': `${i18n.t('tokens.revoke')}: ${token.name}`,
                        onclick: act(notice, () => api.revokeToken(token.id)) }, i18n.t('tokens.revoke'))))))));
  const create = h('form', { class: 'run', onsubmit: async (event) => {
    event.preventDefault();
    try {
      const made = await api.createToken(role.value as Role, name.value.trim());
      // The only time the token is seen: it is kept nowhere readable. The list is read
      // again in place, so that the token stays on the screen.
      shown.replaceChildren(h('p', { class: 'notice' }, i18n.t('tokens.shownOnce')),
                            h('pre', {}, h('code', { id: 'new-token' }, made.token ?? '')));
      list((await api.tokens()).items);
    } catch (error) {
      if (!signedOut(error)) notice.textContent = failure(error);
    }
  } },
    h('label', { for: 'token-name' }, i18n.t('tokens.name')), name,
    h('label', { for: 'token-role' }, i18n.t('tokens.role')), role,
    h('button', { type: 'submit' }, i18n.t('tokens.create')));
  list(data.items);
  return [create, shown, table];
});

export const secretsPage = () => tenantPage('secrets.heading', 'secrets.manage', () => api.secrets(), ({ data }, notice) => {
  const name = h('input', { id: 'secret-name', type: 'text', autocomplete: 'off' });
  const value = h('input', { id: 'secret-value', type: 'password', autocomplete: 'new-password' });
  const set = h('form', { class: 'run', onsubmit: (event) => {
    event.preventDefault();
    act(notice, () => api.setSecret(name.value.trim(), value.value))();
  } },
    h('label', { for: 'secret-name' }, i18n.t('secrets.name')), name,
    h('label', { for: 'secret-value' }, i18n.t('secrets.value')), value,
    h('p', { class: 'hint' }, i18n.t('secrets.hint')),
    h('button', { type: 'submit' }, i18n.t('secrets.set')));
  return [set,
    data.items.length === 0 ? h('p', { class: 'empty' }, i18n.t('secrets.none')) : h('table', {},
      h('thead', {}, h('tr', {}, ...(['secrets.name', 'secrets.updated'] as MessageKey[])
        .map((key) => h('th', { scope: 'col' }, i18n.t(key))), h('th', { scope: 'col' }))),
      h('tbody', {}, ...data.items.map((secret) => h('tr', {},
        h('td', {}, h('code', {}, secret.name)), h('td', {}, i18n.date(secret.updated_at)),
        h('td', {}, h('button', { type: 'button', class: 'danger', 'aria-label': `${i18n.t('secrets.delete')}: ${secret.name}`,
                                  onclick: act(notice, () => api.deleteSecret(secret.name)) }, i18n.t('secrets.delete')))))))];
});

export const migrationsPage = () => tenantPage('db.heading', null, () => api.migrations(), ({ caller, data }, notice) => {
  const list = data.items.length === 0 ? h('p', { class: 'empty' }, i18n.t('db.none')) : h('ol', { class: 'migrations' },
    ...data.items.map((migration) => h('li', {},
      h('strong', {}, migration.name), ' · ', i18n.date(migration.applied_at), h('pre', {}, h('code', {}, migration.sql)))));
  if (!may(caller, 'db.migrate')) return [list];
  const name = h('input', { id: 'migration-name', type: 'text', placeholder: '002_add_orders' });
  const fallback = h('textarea', { id: 'migration-sql', rows: '8', spellcheck: 'false' });
  const editorBox = h('div', { class: 'editor sql', role: 'group', 'aria-label': i18n.t('db.sql') });
  let sql = () => fallback.value;
  const apply = h('form', { class: 'run', onsubmit: (event) => {
    event.preventDefault();
    act(notice, () => api.migrate(name.value.trim(), sql()))();
  } },
    h('label', { for: 'migration-name' }, i18n.t('db.name')), name,
    h('label', { for: 'migration-sql' }, i18n.t('db.sql')), editorBox, fallback,
    h('button', { type: 'submit' }, i18n.t('db.apply')));
  // The SQL in Monaco once it has loaded; the text area serves until then.
  import('../editor').then((monaco) => {
    if (!apply.isConnected) return;
    const code = monaco.codeEditor(editorBox, fallback.value, { label: i18n.t('db.sql'), language: 'sql' });
    sql = () => code.value();
    fallback.hidden = true;
    onLeave(() => code.dispose());
  }).catch(() => { editorBox.hidden = true; });
  return [apply, h('h2', {}, i18n.t('db.applied')), list];
});

export const quotaPage = () => tenantPage('quota.heading', null, () => api.quota(), ({ data }) => {
  const used = (part: { used: number; limit: number }, bytes: boolean) => {
    const show = (value: number) => (bytes ? i18n.t('quota.mib', { value: Math.round(value / 1048576 * 10) / 10 })
                                           : i18n.format(value));
    return h('span', {}, h('meter', { min: '0', max: String(part.limit), value: String(part.used) }), ' ',
             i18n.t('quota.of', { used: show(part.used), limit: show(part.limit) }));
  };
  return [h('dl', {},
    ...definition('quota.runs', used(data.executions_per_hour, false)),
    ...definition('quota.resets', i18n.date(data.executions_per_hour.resets_at)),
    ...definition('quota.data', used(data.data_bytes, true)),
    ...definition('quota.records', used(data.records_bytes, true)))];
});

// Where an entry's target is shown, when the UI has a page for it.
function targetLink(entry: AuditEntry): Node {
  const pages: Record<string, string> = { script: '#/scripts/', execution: '#/executions/', dead_letter: '#/dead-letters/' };
  const page = pages[entry.target_type];
  const text = `${entry.target_type} ${entry.target_id}`;
  return page && entry.target_id ? h('a', { href: page + encodeURIComponent(entry.target_id) }, text) : h('span', {}, text);
}

export const auditPage = (query: URLSearchParams) => {
  const page = Math.max(1, Number(query.get('page')) || 1);
  const action = query.get('action') ?? '';
  const at = (next: number, only: string) => {
    const target = new URLSearchParams({ page: String(next) });
    if (only) target.set('action', only);
    location.hash = `#/audit?${target}`;
  };
  return tenantPage('audit.heading', 'audit.read', () => api.audit(page, action), ({ data }) => {
    const filter = h('input', { id: 'audit-action', type: 'text', value: action, placeholder: 'script.updated' });
    const form = h('form', { class: 'filters-inline', onsubmit: (event) => { event.preventDefault(); at(1, filter.value.trim()); } },
      h('label', { for: 'audit-action' }, i18n.t('audit.filter')), filter, h('button', { type: 'submit' }, i18n.t('audit.show')));
    const pages = Math.max(1, Math.ceil(data.total / data.per_page));
    const pager = h('nav', { class: 'pages', 'aria-label': i18n.t('scripts.pages') },
      h('span', {}, i18n.t('script.historyPage', { page, pages })),
      h('button', { type: 'button', disabled: page <= 1, onclick: () => at(page - 1, action) }, i18n.t('scripts.previous')),
      h('button', { type: 'button', disabled: page >= pages, onclick: () => at(page + 1, action) }, i18n.t('scripts.next')));
    const table = data.items.length === 0 ? h('p', { class: 'empty' }, i18n.t('audit.none')) : h('table', { class: 'audit' },
      h('thead', {}, h('tr', {}, ...(['audit.when', 'audit.who', 'audit.action', 'audit.target', 'audit.details'] as MessageKey[])
        .map((key) => h('th', { scope: 'col' }, i18n.t(key))))),
      h('tbody', {}, ...data.items.map((entry) => h('tr', {},
        h('td', {}, i18n.date(entry.created_at)),
        h('td', {}, entry.actor_name ?? h('code', {}, entry.actor_id)),
        h('td', {}, h('code', {}, entry.action)),
        h('td', {}, targetLink(entry)),
        h('td', {}, Object.keys(entry.details).length === 0 ? null : h('code', {}, JSON.stringify(entry.details)))))));
    return [form, table, pager];
  });
};
