import { api, query, type SessionSummary } from '../api.js';
import { clear, h, shortTime } from '../dom.js';
import { errorBox } from '../ui.js';
import type { Page } from './page.js';

const PAGE = 100;
const TICKET = /^#?[A-Za-z][A-Za-z0-9]{1,9}-\d{1,7}$/;
const TOOLS = ['claude-code', 'codex', 'gemini', 'copilot', 'cursor', 'cline', 'kilo-code', 'amp', 'opencode', 'sfs'];

interface ListData {
  total: number;
  sessions: SessionSummary[];
  next_offset: number | null;
}

/**
 * The session list: newest activity first, grouped by day, filtered by tool, project, dates,
 * alias, ticket and text (kept in the address, so a filtered list can be bookmarked). Pages of
 * 100 load as the end comes into view; only what was scrolled to is in the page. Lineage is
 * grouped unless "flat" is asked for: the list holds the sessions that continue no other, and a
 * session's forks, resumes and sub-agents open under it (read when opened, a level at a time).
 */
export function listPage(main: HTMLElement, params: URLSearchParams): Page {
  const f = {
    text: params.get('text') ?? '',
    tool: params.get('tool') ?? '',
    project: params.get('project') ?? '',
    since: params.get('since') ?? '',
    until: params.get('until') ?? '',
    alias: params.get('alias') === '1',
    deleted: params.get('deleted') === '1',
    subagents: params.get('subagents') === '1',
    ticket: params.get('ticket') ?? '',
    flat: params.get('flat') === '1',
  };
  /** Lineage groups the reader opened: kept open when the list is read again (live updates). */
  const expanded = new Set<string>();
  const text = h('input', { type: 'search', name: 'text', placeholder: 'title, alias, prompt, directory', value: f.text, 'aria-label': 'Filter text' });
  const tool = h(
    'select',
    { name: 'tool', 'aria-label': 'Tool' },
    h('option', { value: '' }, 'all tools'),
    ...TOOLS.map((t) => h('option', { value: t, selected: t === f.tool }, t)),
  );
  const project = h('input', { name: 'project', placeholder: 'project directory', value: f.project, 'aria-label': 'Project directory' });
  const since = h('input', { type: 'date', name: 'since', value: f.since, 'aria-label': 'Active since' });
  const until = h('input', { type: 'date', name: 'until', value: f.until, 'aria-label': 'Created before' });
  const ticket = h('input', { name: 'ticket', placeholder: 'ticket (PROJ-123)', value: f.ticket, 'aria-label': 'Ticket', size: 14 });
  const flat = h('input', { type: 'checkbox', name: 'flat', checked: f.flat });
  const alias = h('input', { type: 'checkbox', name: 'alias', checked: f.alias });
  const deleted = h('input', { type: 'checkbox', name: 'deleted', checked: f.deleted });
  const subagents = h('input', { type: 'checkbox', name: 'subagents', checked: f.subagents });
  const count = h('span', { class: 'muted', id: 'count' });
  const list = h('div', { id: 'sessions' });
  const sentinel = h('div', { class: 'muted' });

  const ticketKey = () => (TICKET.test(f.ticket) ? f.ticket.replace(/^#/, '').toUpperCase() : undefined);
  // Looking for particular sessions (text, ticket, alias) lists every match, a fork or a sub-agent too: grouping would hide them under parents that do not match.
  const grouped = () => !f.flat && !f.text && !ticketKey() && !f.alias;
  let timer: number | undefined;
  const apply = () => {
    const q = new URLSearchParams();
    const v = { text: text.value.trim(), tool: tool.value, project: project.value.trim(), since: since.value, until: until.value, ticket: ticket.value.trim() };
    for (const [k, val] of Object.entries(v)) if (val) q.set(k, val);
    if (alias.checked) q.set('alias', '1');
    if (deleted.checked) q.set('deleted', '1');
    if (subagents.checked) q.set('subagents', '1');
    if (flat.checked) q.set('flat', '1');
    history.replaceState(null, '', `#/${q.toString() ? `?${q}` : ''}`);
    Object.assign(f, v, { alias: alias.checked, deleted: deleted.checked, subagents: subagents.checked, flat: flat.checked });
    void load(true);
  };
  for (const el of [text, project, ticket]) el.addEventListener('input', () => (clearTimeout(timer), (timer = window.setTimeout(apply, 200))));
  for (const el of [tool, since, until, alias, deleted, subagents, flat]) el.addEventListener('change', apply);

  clear(
    main,
    h(
      'div',
      { class: 'filters', role: 'search' },
      text,
      tool,
      project,
      ticket,
      since,
      until,
      h('label', {}, alias, ' with alias'),
      h('label', { title: 'forks, resumes and sub-agents in their own rows' }, flat, ' flat'),
      h('label', {}, subagents, ' sub-agents'),
      h('label', {}, deleted, ' trash'),
      count,
    ),
    list,
    sentinel,
  );

  let next: number | null = 0;
  let loading = false;
  let lastDay = '';
  let generation = 0;

  async function load(reset: boolean): Promise<void> {
    const gen = reset ? ++generation : generation;
    if (reset) next = 0;
    if (next === null || (loading && !reset)) return;
    loading = true;
    try {
      const d = await api.get<ListData>(
        `/sessions${query({
          text: f.text,
          tool: f.tool,
          project: f.project,
          since: f.since ? new Date(f.since).toISOString() : undefined,
          until: f.until ? new Date(new Date(f.until).getTime() + 86_400_000).toISOString() : undefined,
          alias: f.alias,
          deleted: f.deleted,
          subagents: f.subagents,
          // Half-typed keys (PROJ-) are not sent: the server refuses what is not a ticket key.
          ticket: ticketKey(),
          group: grouped(),
          offset: next,
          limit: PAGE,
        })}`,
      );
      if (gen !== generation) return;
      if (reset) {
        list.replaceChildren();
        lastDay = '';
      }
      for (const s of d.sessions) {
        const day = (s.updated_at ?? s.created_at ?? '').slice(0, 10) || 'undated';
        if (day !== lastDay) list.append(h('h2', { class: 'day' }, day === new Date().toISOString().slice(0, 10) ? `today · ${day}` : day));
        lastDay = day;
        list.append(entry(s));
      }
      next = d.next_offset;
      count.textContent = `${d.total} session${d.total === 1 ? '' : 's'}`;
      sentinel.textContent = next === null ? (d.total ? '' : 'No sessions match.') : 'Loading more…';
    } catch (err) {
      list.replaceChildren(errorBox(err));
    } finally {
      loading = false;
    }
  }

  /** A session's row; with lineage grouping, a toggle that opens its forks, resumes and sub-agents under it. */
  function entry(s: SessionSummary, depth = 0): HTMLElement {
    const r = row(s);
    if (!grouped()) return r;
    if (!s.children) return h('div', { class: 'group', 'data-depth': depth }, h('span', { class: 'twisty' }), r);
    const kids = h('div', { class: 'children', hidden: true, 'data-parent': s.id });
    const toggle = h(
      'button',
      { type: 'button', class: 'twisty', 'aria-expanded': 'false', 'aria-label': `show ${s.children} related sessions`, 'data-expand': s.id },
      `▸ ${s.children}`,
    );
    let loaded = false;
    const setOpen = async (open: boolean) => {
      toggle.setAttribute('aria-expanded', String(open));
      toggle.textContent = `${open ? '▾' : '▸'} ${s.children}`;
      kids.hidden = !open;
      if (open) expanded.add(s.id);
      else expanded.delete(s.id);
      if (!open || loaded) return;
      loaded = true;
      try {
        const d = await api.get<ListData>(`/sessions${query({ parent: s.id, deleted: f.deleted, limit: 500 })}`);
        kids.replaceChildren(...d.sessions.map((c) => entry(c, depth + 1)));
        if (d.next_offset !== null) kids.append(h('p', { class: 'muted' }, `and ${d.total - d.sessions.length} more: open the session to see them all`));
      } catch (err) {
        loaded = false;
        kids.replaceChildren(errorBox(err));
      }
    };
    toggle.addEventListener('click', () => void setOpen(toggle.getAttribute('aria-expanded') !== 'true'));
    if (expanded.has(s.id)) void setOpen(true);
    return h('div', { class: 'group', 'data-depth': depth }, toggle, r, kids);
  }

  const io = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) void load(false);
  });
  io.observe(sentinel);
  void load(true);

  return {
    // A capture changed something: the first page is read again (the list is newest first).
    refresh: () => {
      if (list.querySelectorAll('.row').length <= PAGE) void load(true);
    },
    dispose: () => io.disconnect(),
  };
}

function row(s: SessionSummary): HTMLElement {
  const lineage = s.fork_from ? 'fork' : s.resumed_from ? 'resumed' : s.parent_session_id ? 'sub-agent' : null;
  return h(
    'a',
    { class: 'row', href: `#/session/${encodeURIComponent(s.id)}`, 'data-id': s.id },
    h('span', { class: 'title' }, s.alias ? h('span', { class: 'badge' }, s.alias) : null, s.title),
    h('span', { class: 'muted' }, shortTime(s.updated_at ?? s.created_at)),
    h(
      'span',
      { class: 'meta' },
      h('span', { class: 'badge' }, s.tool ?? '?'),
      lineage ? h('span', { class: 'badge' }, lineage) : null,
      ...(s.tickets ?? []).map((t) => h('span', { class: 'badge ticket', 'data-ticket': t }, t)),
      `${s.message_count} messages · ${s.cwd ?? ''}${s.git_branch ? ` · ${s.git_branch}` : ''} · ${s.id.slice(0, 12)}`,
    ),
  );
}
