// Sign in. The session is an HttpOnly cookie; the CSRF token the server returns goes with every
// change the app sends.
import { ApiError, request, setCsrfToken, type User } from '../api';
import { field, h } from '../dom';
import { t } from '../i18n';
import { setUser, type Ctx } from '../main';

export async function renderLogin(ctx: Ctx): Promise<void> {
  const next = ctx.params.get('next');
  const username = h('input', { type: 'text', name: 'username', autocomplete: 'username', required: true });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const message = h('p', { class: 'form-message', role: 'alert', 'aria-live': 'assertive' });
  const button = h('button', { type: 'submit' }, t('sign_in'));
  const form = h('form', { class: 'card narrow', 'aria-labelledby': 'login-title', novalidate: true }, h('h1', { id: 'login-title' }, t('login_title')), h('p', { class: 'hint' }, t('login_lead')), field(t('label_username'), username), field(t('label_password'), password), button, message);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!username.value || !password.value) {
      message.textContent = t('login_missing');
      return;
    }
    button.disabled = true;
    message.textContent = '';
    try {
      const r = await request<{ user: User; csrf_token: string }>('POST', '/session', { json: { username: username.value, password: password.value } });
      setCsrfToken(r.csrf_token);
      setUser(r.user);
      const dest = next && next.startsWith('/') && !next.startsWith('//') ? next : r.user.role === 'focal_point' ? `/workspace/${r.user.economy}` : r.user.role === 'secretariat' || r.user.role === 'administrator' ? '/review' : '/';
      ctx.navigate(dest);
    } catch (e) {
      button.disabled = false;
      if (e instanceof ApiError && e.status === 401) message.textContent = t('login_wrong');
      else if (e instanceof ApiError && e.status === 429) message.textContent = t('login_throttled');
      else if (e instanceof ApiError && e.status === 404) message.textContent = t('login_unavailable');
      else if (e instanceof ApiError && e.kind === 'network') message.textContent = t('error_network');
      else message.textContent = t('login_failed');
      password.value = '';
      password.focus();
    }
  });
  ctx.main.replaceChildren(form);
  username.focus();
}
