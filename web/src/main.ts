import { openPalette } from './palette.js';
import { contextPage, knowledgePage, rulesPage } from './pages/project.js';
import { listPage } from './pages/list.js';
import { go, type Page } from './pages/page.js';
import { searchPage } from './pages/search.js';
import { sessionPage } from './pages/session.js';
import { statusPage } from './pages/status.js';
import { auditPage } from './pages/team/audit.js';
import { devicesPage } from './pages/team/devices.js';
import { inboxPage } from './pages/team/inbox.js';
import { invitationsPage } from './pages/team/invitations.js';
import { spacePage } from './pages/team/space.js';
import { spacesPage } from './pages/team/spaces.js';
import { teamNav } from './team-nav.js';
import { signInPage } from './pages/signin.js';
import { onAuthLost, relayApi, setCsrf } from './api.js';
import { h } from './dom.js';
import { can, host, loadHost } from './host.js';

/**
 * The dashboard: a hash router over the pages, the search box, the theme, keyboard shortcuts
 * (/ search, Ctrl-K palette, j/k move through lists, Enter opens) and live updates from the
 * server's event stream.
 */
const main = document.getElementById('main')!;
const searchBox = document.getElementById('search') as HTMLInputElement;
let page: Page = {};

function route(): void {
  page.dispose?.();
  if (host.kind === 'relay' && !host.account) {
    page = signInPage(main, location.host);
    return;
  }
  const hash = location.hash.slice(1) || '/';
  const [path = '/', qs = ''] = hash.split('?');
  const params = new URLSearchParams(qs);
  const parts = path.split('/').filter(Boolean);
  window.scrollTo(0, 0);
  if (parts[0] === 'session' && parts[1]) page = sessionPage(main, decodeURIComponent(parts[1]), params);
  else if (parts[0] === 'search') {
    if (document.activeElement !== searchBox) searchBox.value = params.get('q') ?? '';
    page = searchPage(main, params);
  } else if (parts[0] === 'knowledge') page = knowledgePage(main, params);
  else if (parts[0] === 'context') page = contextPage(main, params);
  else if (parts[0] === 'rules') page = rulesPage(main, params);
  else if (parts[0] === 'status') page = statusPage(main);
  else if (parts[0] === 'team' && parts[1]) page = spacePage(main, decodeURIComponent(parts[1]));
  else if (parts[0] === 'team') page = spacesPage(main);
  else if (parts[0] === 'invitations') page = invitationsPage(main);
  else if (parts[0] === 'devices') page = devicesPage(main);
  else if (parts[0] === 'audit') page = auditPage(main, parts[1] ? decodeURIComponent(parts[1]) : null);
  else if (parts[0] === 'inbox') page = inboxPage(main);
  else page = listPage(main, params);
}

// Theme: the user's choice, else the system's.
const root = document.documentElement;
function setTheme(t: 'light' | 'dark'): void {
  root.dataset.theme = t;
  localStorage.setItem('sfs.theme', t);
}
const saved = localStorage.getItem('sfs.theme');
root.dataset.theme = saved === 'dark' || saved === 'light' ? saved : matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
const toggleTheme = () => setTheme(root.dataset.theme === 'dark' ? 'light' : 'dark');
document.getElementById('theme')!.addEventListener('click', toggleTheme);
document.getElementById('palette-open')!.addEventListener('click', () => openPalette(toggleTheme));

// Search as you type.
let searchTimer: number | undefined;
searchBox.addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = window.setTimeout(() => {
    const q = searchBox.value.trim();
    if (q) history.replaceState(null, '', `#/search?q=${encodeURIComponent(q)}`);
    if (q) route();
  }, 250);
});

document.addEventListener('keydown', (e) => {
  const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement || e.target instanceof HTMLTextAreaElement;
  if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
    e.preventDefault();
    openPalette(toggleTheme);
  } else if (!typing && e.key === '/') {
    e.preventDefault();
    searchBox.focus();
  } else if (!typing && (e.key === 'j' || e.key === 'k')) {
    const rows = [...main.querySelectorAll<HTMLElement>('a.row, a.hit')];
    if (!rows.length) return;
    const i = rows.indexOf(document.activeElement as HTMLElement);
    rows[Math.max(0, Math.min(rows.length - 1, i + (e.key === 'j' ? 1 : -1)))]!.focus();
  } else if (!typing && e.key === 'Escape' && location.hash.startsWith('#/session/')) go('#/');
});

// Live updates: the server says when something changed; the page re-reads what it shows.
const live = document.getElementById('live')!;
function listen(): void {
  const es = new EventSource('/api/v1/events');
  let first = true;
  es.addEventListener('open', () => live.classList.add('on'));
  es.addEventListener('change', () => {
    if (first) {
      first = false;
      return;
    }
    page.refresh?.();
    if (host.kind === 'relay') void teamNav();
  });
  es.addEventListener('error', () => live.classList.remove('on'));
}

/** On the relay: the pages of what it cannot do leave the menu, and the header names the account with a sign-out. */
function adaptToHost(): void {
  const nav: Array<[string, string]> = [
    ['#/knowledge', 'knowledge'],
    ['#/context', 'project'],
    ['#/rules', 'rules'],
    ['#/status', 'capture'],
  ];
  for (const [href, what] of nav) if (!can(what)) document.querySelector(`.nav a[href="${href}"]`)?.remove();
  if (host.kind !== 'relay') return;
  const top = document.querySelector('header.top')!;
  if (!host.account) {
    top.querySelector('.nav')?.replaceChildren();
    (document.getElementById('search') as HTMLInputElement).hidden = true;
    return;
  }
  const out = h('button', { type: 'button', id: 'signout', title: 'Sign out of the relay' }, 'Sign out');
  out.addEventListener('click', () => {
    relayApi.post('/web/logout').then(
      () => location.reload(),
      () => location.reload(),
    );
  });
  top.append(h('span', { class: 'account muted', id: 'account' }, host.account.username), out);
}

async function start(): Promise<void> {
  await loadHost();
  setCsrf(host.csrf);
  adaptToHost();
  window.addEventListener('hashchange', route);
  // A session that ends while the page is open (signed out elsewhere, expired): back to the sign-in page.
  if (host.kind === 'relay' && host.account) onAuthLost(() => location.reload());
  route();
  if (host.kind === 'local' || host.account) listen();
  // Team administration and the inbox exist on the relay only.
  if (host.kind === 'relay' && host.account) void teamNav();
}
void start();
