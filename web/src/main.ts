// The single-page app: a header (navigation, language, session), one view at a time in <main>,
// and the URL as the single source of every view's state (deep links, back and forward).
import './style.css';
import { ApiError, economies, get, onSessionExpired, request, seriesList, setCsrfToken, type User } from './api';
import { disposeCharts } from './charts';
import { h, select } from './dom';
import { LANGS, initialLang, lang, setLang, t } from './i18n';
import { renderOverview } from './views/overview';
import { renderProfile } from './views/profile';
import { renderCompare } from './views/compare';
import { renderLogin } from './views/login';
import { renderWorkspace } from './views/workspace';
import { renderReview } from './views/review';
import { errorState } from './views/common';

export interface Ctx {
  path: string[];
  params: URLSearchParams;
  main: HTMLElement;
  user: User | null;
  // Changes some query parameters (a filter) and renders again; `push` adds a history entry.
  setParams(changes: Record<string, string | null>, push?: boolean): void;
  navigate(url: string): void;
  refreshSession(): Promise<void>;
  isCurrent(): boolean;
}

let user: User | null = null;
let sessionExpired = false;
let renderId = 0;

const LANG_NAMES: Record<string, string> = { en: 'English', zh: '中文', ru: 'Русский', fr: 'Français' };

// A server without accounts answers 404 on /session: everyone is anonymous, and it is not asked
// again.
let hasAccounts = true;
// Whether the language selector had the keyboard when the language changed: the header drawn
// during the next render gives it back (renderHeader), and the render does not move it to <main>.
let langFocus = false;

async function loadSession(): Promise<void> {
  if (!hasAccounts) {
    user = null;
    return;
  }
  try {
    const s = await get<{ user: User | null; csrf_token: string | null }>('/session');
    user = s.user;
    setCsrfToken(s.csrf_token);
  } catch (e) {
    user = null;
    setCsrfToken(null);
    if (e instanceof ApiError && e.status === 404) hasAccounts = false;
    if (e instanceof ApiError && e.kind === 'network') throw e;
  }
}

function urlWithLang(url: string): string {
  const u = new URL(url, window.location.origin);
  u.searchParams.set('lang', lang());
  return u.pathname + u.search;
}

export function navigate(url: string, replace = false): void {
  const target = urlWithLang(url);
  if (replace) history.replaceState(null, '', target);
  else history.pushState(null, '', target);
  void render(true);
}

function renderHeader(): void {
  const header = document.getElementById('header')!;
  const path = window.location.pathname;
  const link = (href: string, label: string, active: boolean) =>
    h('a', { href: urlWithLang(href), 'aria-current': active ? 'page' : null }, label);
  const nav = h(
    'nav',
    { 'aria-label': t('nav_label') },
    h(
      'ul',
      {},
      h('li', {}, link('/', t('nav_overview'), path === '/')),
      h('li', {}, link('/economy/KHM', t('nav_profiles'), path.startsWith('/economy'))),
      h('li', {}, link('/compare', t('nav_compare'), path.startsWith('/compare'))),
      h('li', {}, link('/simulator', t('nav_simulator'), path.startsWith('/simulator'))),
      user && (user.role === 'focal_point' || user.role === 'secretariat' || user.role === 'administrator')
        ? h('li', {}, link(user.role === 'focal_point' ? `/workspace/${user.economy}` : '/workspace', t('nav_workspace'), path.startsWith('/workspace')))
        : null,
      user && (user.role === 'secretariat' || user.role === 'administrator') ? h('li', {}, link('/review', t('nav_review'), path.startsWith('/review'))) : null,
    ),
  );
  const langSelect = select(
    LANGS.map((l) => ({ value: l, label: LANG_NAMES[l] })),
    lang(),
    { id: 'lang-select', 'data-testid': 'lang-select' },
  );
  langSelect.addEventListener('change', () => {
    setLang(langSelect.value as typeof LANGS[number]);
    // The header is drawn anew in the new language: keep the keyboard on the selector, so the
    // arrow keys can go on through the languages.
    langFocus = document.activeElement === langSelect;
    navigate(window.location.pathname + window.location.search, true);
  });
  const session = user
    ? h(
        'div',
        { class: 'session' },
        h('span', { class: 'who', 'data-testid': 'who' }, t('signed_in_as', { name: user.display_name || user.username })),
        h('button', { type: 'button', class: 'link', onclick: () => void logout() }, t('sign_out')),
      )
    : h('div', { class: 'session' }, link('/login', t('sign_in'), path === '/login'));
  header.replaceChildren(
    h(
      'div',
      { class: 'bar' },
      h('a', { class: 'brand', href: urlWithLang('/') }, h('span', { class: 'logo', 'aria-hidden': 'true' }), 'spcoop'),
      h('span', { class: 'tagline' }, t('tagline')),
      h('div', { class: 'lang' }, h('label', { for: 'lang-select' }, t('language')), langSelect),
      session,
    ),
    nav,
  );
  if (langFocus) langSelect.focus();
  document.getElementById('skip-link')!.textContent = t('skip_to_content');
  document.title = `spcoop · ${t('tagline')}`;
}

function renderFooter(): void {
  document.getElementById('footer')!.replaceChildren(
    h('p', {}, t('footer_data')),
    h('p', {}, h('a', { href: '/api/v1' }, t('footer_api')), ' · ', h('a', { href: '/sdmx/rest/dataflow' }, 'SDMX')),
  );
}

async function logout(): Promise<void> {
  try {
    await request('DELETE', '/session');
  } catch {
    /* already gone */
  }
  user = null;
  setCsrfToken(null);
  navigate('/');
}

async function render(fromNavigation = false): Promise<void> {
  const id = ++renderId;
  disposeCharts();
  const main = document.getElementById('main')!;
  const url = new URL(window.location.href);
  const path = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  renderHeader();
  renderFooter();
  main.replaceChildren(h('p', { class: 'loading', role: 'status' }, t('loading')));
  const ctx: Ctx = {
    path,
    params: url.searchParams,
    main,
    user,
    setParams(changes, push = true) {
      const u = new URL(window.location.href);
      for (const [k, v] of Object.entries(changes)) {
        if (v === null || v === '') u.searchParams.delete(k);
        else u.searchParams.set(k, v);
      }
      navigate(u.pathname + u.search, !push);
    },
    navigate: (to) => navigate(to),
    refreshSession: async () => {
      await loadSession();
      ctx.user = user;
    },
    isCurrent: () => id === renderId,
  };
  try {
    if (sessionExpired) {
      sessionExpired = false;
      main.prepend(h('p', { class: 'notice warn', role: 'alert' }, t('session_expired')));
    }
    const [first] = path;
    if (!first) await renderOverview(ctx);
    else if (first === 'economy') await renderProfile(ctx);
    else if (first === 'compare') await renderCompare(ctx);
    else if (first === 'login') await renderLogin(ctx);
    else if (first === 'workspace') await renderWorkspace(ctx);
    else if (first === 'review') await renderReview(ctx);
    // The simulator is loaded on demand: the other pages do not carry its code.
    else if (first === 'simulator') await (await import('./views/simulator')).renderSimulator(ctx);
    else main.replaceChildren(errorState(t('not_found_title'), t('not_found_body')));
  } catch (e) {
    if (id !== renderId) return;
    main.replaceChildren(errorState(t('error_title'), describeError(e)));
  }
  if (id !== renderId) return;
  // After a change of language from the selector the keyboard stays there (renderHeader);
  // otherwise a navigation moves it to the new content.
  if (fromNavigation && !langFocus) main.focus({ preventScroll: true });
  renderHeader();
  langFocus = false;
}

export function describeError(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.kind === 'network') return t('error_network');
    if (e.status === 401) return t('error_401');
    if (e.status === 403) return t('error_403');
    if (e.status === 404) return t('error_404');
    if (e.status === 503) return t('error_network');
    return t('error_http', { status: e.status, message: e.message });
  }
  return t('error_unexpected');
}

// Links inside the app stay in the app.
document.addEventListener('click', (ev) => {
  const a = (ev.target as Element).closest?.('a');
  if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || a.target) return;
  const href = a.getAttribute('href');
  if (!href || !href.startsWith('/') || href.startsWith('/api/') || href.startsWith('/sdmx/') || a.hasAttribute('download')) return;
  ev.preventDefault();
  navigate(href);
});
window.addEventListener('popstate', () => void render(true));

onSessionExpired(() => {
  if (user) {
    user = null;
    sessionExpired = true;
    setCsrfToken(null);
  }
});

async function start(): Promise<void> {
  setLang(initialLang());
  // The names every view needs load while the session is checked.
  void economies(lang()).catch(() => undefined);
  void seriesList(lang()).catch(() => undefined);
  try {
    await loadSession();
  } catch {
    /* the view reports the server as down */
  }
  if (new URL(window.location.href).searchParams.get('lang') !== lang()) history.replaceState(null, '', urlWithLang(window.location.pathname + window.location.search));
  await render();
}

void start();

export function setUser(u: User | null): void {
  user = u;
}
