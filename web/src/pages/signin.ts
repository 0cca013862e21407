import { ApiError, relayApi } from '../api.js';
import { clear, h } from '../dom.js';
import type { Page } from './page.js';

/**
 * The relay's sign-in page, shown when the dashboard is served by the team relay and the browser
 * holds no session: the relay account's username and password (what `sfs auth login` asks). The
 * relay answers with an HttpOnly cookie the page never sees; the page then starts again signed in.
 */
export function signInPage(main: HTMLElement, relayName: string): Page {
  const user = h('input', { name: 'username', autocomplete: 'username', required: true, 'aria-label': 'Username', autofocus: true });
  const pass = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true, 'aria-label': 'Password' });
  const message = h('p', { class: 'error', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h(
    'form',
    { class: 'card signin', id: 'signin' },
    h('h1', {}, 'Sign in'),
    h('p', { class: 'muted' }, `to the team relay at ${relayName}, with your relay account (the one sfs auth login uses).`),
    h('p', {}, h('label', {}, 'Username', h('br'), user)),
    h('p', {}, h('label', {}, 'Password', h('br'), pass)),
    message,
    h('div', { class: 'actions' }, submit),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    submit.disabled = true;
    message.hidden = true;
    relayApi.post('/web/login', { username: user.value.trim(), password: pass.value }).then(
      () => {
        // A fresh start: the page loads what the host says about the new session (account, CSRF token).
        location.hash = '#/';
        location.reload();
      },
      (err: unknown) => {
        submit.disabled = false;
        pass.value = '';
        message.hidden = false;
        message.textContent = err instanceof ApiError && err.code === 'AUTH' ? 'Wrong username or password.' : err instanceof Error ? err.message : String(err);
        pass.focus();
      },
    );
  });
  clear(main, form);
  user.focus();
  return {};
}
