// Sign-in with an API token, kept in session storage.
import { ApiError } from '../api';
import { h } from '../dom';
import { session } from '../session';
import { api, failure, forgetCaller, header, i18n, openScreen } from '../shell';

export function loginPage() {
  const screen = openScreen();
  const message = h('p', { role: 'alert', class: 'error' });
  const token = h('input', { id: 'token', type: 'password', autocomplete: 'off', required: true, autofocus: true });
  const form = h('form', { onsubmit: async (event) => {
    event.preventDefault();
    session.signIn(token.value.trim());
    forgetCaller();
    try {
      await api.me();
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
  screen.show(header(), form);
}
