import { api, query, type Block, type Item, type ResumeLaunch, type SessionDetail, type UnknownBlock, type Window } from '../api.js';
import { clear, formatBytes, formatTokens, h, shortTime, type Child } from '../dom.js';
import { highlightInto } from '../highlight.js';
import { MARKDOWN_LIMIT, renderMarkdown } from '../markdown.js';
import { ask, errorBox, toast } from '../ui.js';
import { VirtualList } from '../virtual-list.js';
import { go, type Page } from './page.js';
import { can, pushedBy, sessionRef, spaceName } from '../host.js';

const PAGE = 100;
/** Plain text beyond this is cut until "show all" is asked for (a 5 MB message must not freeze the page). */
const PLAIN_LIMIT = 100_000;
const SAFE_IMAGE = /^image\/(png|jpeg|gif|webp)$/;
const NATIVE_FORMATS = ['claude-code', 'codex', 'gemini', 'copilot', 'cline'];

/**
 * One session: its header (tool, model, project, branch, dates, tokens, cost, lineage; read
 * again on every live change), actions, and its messages in one continuous virtual list: only
 * the rows near the viewport are in the page, their data read 100 at a time as they come into
 * view, so a 15,000-message session scrolls like a short one. Oldest or newest first, with
 * jumps to a message number or a checkpoint. Tool calls show their results inside them;
 * thinking is folded away.
 */
export function sessionPage(main: HTMLElement, id: string, params: URLSearchParams): Page {
  let detail: SessionDetail | null = null;
  let total = 0;
  let newestFirst = localStorage.getItem('sfs.order') === 'newest';
  let targetIndex: number | null = null;
  const cache = new Map<number, Item>();
  const loading = new Map<number, Promise<void>>();
  const failed = new Set<number>();
  const pairs: Pairs = { results: new Map(), calls: new Set() };
  const head = h('section', { class: 'head' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Messages' });
  const list = h('section', { id: 'messages' });
  const range = h('span', { class: 'muted', 'data-range': true });
  clear(main, head, pager, list);
  const path = `/sessions/${encodeURIComponent(id)}`;

  const indexAt = (pos: number) => (newestFirst ? total - 1 - pos : pos);
  const posOf = indexAt; // the mapping is its own inverse

  const vlist = new VirtualList(list, {
    render(pos) {
      const i = indexAt(pos);
      const it = cache.get(i);
      if (!it) {
        void loadPage(Math.floor(i / PAGE));
        return { el: h('article', { class: 'msg placeholder', 'data-index': i }, h('div', { class: 'who' }, `#${i + 1} …`)), final: false };
      }
      const el = renderItem(it, pairs);
      if (i === targetIndex) el.classList.add('target');
      return { el, final: true };
    },
    onRange(first, last) {
      if (first < 0) range.textContent = 'no messages';
      else {
        const [a, b] = [indexAt(first) + 1, indexAt(last) + 1].sort((x, y) => x - y);
        range.textContent = `messages ${a}–${b} of ${total}`;
      }
    },
  });

  function store(w: Window): void {
    for (const it of w.items) {
      cache.set(it.index, it);
      for (const b of it.message.content) {
        if (b.type === 'tool_result' && typeof b.tool_use_id === 'string') pairs.results.set(b.tool_use_id, b);
        if (b.type === 'tool_use' && typeof b.tool_use_id === 'string') pairs.calls.add(b.tool_use_id);
      }
    }
  }

  /** Reads page `pg` of the messages (once at a time) and shows the rows waiting for it. */
  function loadPage(pg: number, force = false): Promise<void> {
    const running = loading.get(pg);
    if (running && !force) return running;
    // A page that failed is not asked for again on every scroll; a jump or a live change asks again.
    if (failed.has(pg) && !force) return Promise.resolve();
    failed.delete(pg);
    const p = api
      .get<Window>(`${path}/messages${query({ offset: pg * PAGE, limit: PAGE })}`)
      .then((w) => {
        store(w);
        if (w.total !== total) setTotal(w.total);
        vlist.invalidate(w.items.map((it) => posOf(it.index)));
      })
      .catch((err) => {
        failed.add(pg);
        toast(err instanceof Error ? err.message : String(err), true);
      })
      .finally(() => loading.delete(pg));
    loading.set(pg, p);
    return p;
  }

  function setTotal(n: number): void {
    const grew = n > total;
    total = n;
    // Newest first puts new messages at the top: every position moves, so the rows are laid out anew.
    vlist.setCount(n, newestFirst && grew);
  }

  async function open(): Promise<void> {
    try {
      const first = await api.get<{ session: SessionDetail; messages: Window }>(`${path}${query({ limit: PAGE })}`);
      detail = first.session;
      store(first.messages);
      total = first.messages.total;
      renderHead();
      renderControls();
      vlist.setCount(total, true);
      const msg = params.get('msg');
      const n = Number(params.get('n'));
      if (msg) await jumpToMsg(msg);
      else if (n > 0) await jump(n);
      else vlist.update();
    } catch (err) {
      clear(list, errorBox(err));
    }
  }

  /** The header again: counts, tokens and last activity move while the daemon captures. */
  async function refreshHead(): Promise<void> {
    const r = await api.get<{ session: SessionDetail; messages: Window }>(`${path}${query({ limit: 1 })}`);
    detail = r.session;
    renderHead();
    renderControls();
    if (r.messages.total !== total) {
      const before = total;
      const atBottom = window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 40;
      // The last page read may have grown: read it again; new rows load as they come into view.
      if (before) cache.delete(before - 1);
      setTotal(r.messages.total);
      await loadPage(Math.floor(Math.max(0, before - 1) / PAGE), true);
      if (r.messages.total > PAGE * (Math.floor(Math.max(0, before - 1) / PAGE) + 1)) await loadPage(Math.floor((r.messages.total - 1) / PAGE), true);
      if (!newestFirst && atBottom && before) vlist.scrollTo(total - 1, 'end');
    }
  }

  function renderHead(): void {
    const d = detail!;
    const link = (sid: string) => h('a', { href: `#/session/${encodeURIComponent(sid)}` }, sid.slice(0, 16));
    const facts: Array<[string, Child]> = [
      ['id', d.id],
      ['pushed by', pushedBy(d)],
      ['space', spaceName(d.space)],
      ['tool', [d.tool, d.tool_version].filter(Boolean).join(' ')],
      ['model', d.model],
      ['project', d.cwd],
      ['branch', d.git_branch],
      [
        'pull request',
        // Session text is untrusted: only http(s) links become anchors (the engine filters too), opened without an opener.
        d.pull_requests?.length
          ? d.pull_requests.map((pr) => [
              h(
                'a',
                { href: /^https?:\/\//.test(pr.url) ? pr.url : '#', target: '_blank', rel: 'noopener noreferrer' },
                pr.repository && pr.number !== null ? `${pr.repository}#${pr.number}` : pr.url,
              ),
              ' ',
            ])
          : null,
      ],
      ['created', shortTime(d.created_at)],
      ['updated', shortTime(d.updated_at)],
      ['messages', h('span', { 'data-fact': 'messages' }, `${d.message_count} (${d.tool_use_count} tool calls)`)],
      [
        'tokens',
        h(
          'span',
          { 'data-fact': 'tokens' },
          `in ${formatTokens(d.usage.input_tokens)} · out ${formatTokens(d.usage.output_tokens)} · cache read ${formatTokens(d.usage.cache_read_tokens)} · cache write ${formatTokens(d.usage.cache_write_tokens)}`,
        ),
      ],
      ['est. cost', d.cost_usd === null ? 'unknown' : `$${d.cost_usd.toFixed(d.cost_usd < 0.01 && d.cost_usd > 0 ? 4 : 2)}`],
      ['forked from', d.lineage.length ? d.lineage.map((l, i) => [i ? ' ← ' : '', link(l)]) : null],
      ['resumed from', d.resumed_from ? link(d.resumed_from) : null],
      ['resumed as', d.resumed_into.length ? d.resumed_into.map((r) => [link(r.id), ' ']) : null],
      ['sub-agent of', d.parent_session_id ? link(d.parent_session_id) : null],
      ['forks', d.children.forks.length ? d.children.forks.map((f) => [link(f), ' ']) : null],
      ['sub-agents', d.children.subagents.length ? d.children.subagents.map((f) => [link(f), ' ']) : null],
      ['checkpoints', d.checkpoints.map((c) => c.name).join(', ') || null],
    ];
    const exportHref = (format: string) => `/api/v1${path}/export/${format}`;
    clear(
      head,
      h('h1', {}, d.alias ? h('span', { class: 'badge' }, d.alias) : null, d.deleted ? h('span', { class: 'badge error' }, 'deleted') : null, d.title),
      h('dl', { class: 'facts' }, ...facts.filter(([, v]) => v !== null && v !== undefined && v !== '').map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
      h(
        'div',
        { class: 'actions' },
        // Only what the host can do (the relay reads and searches; acting on a session is the local store's).
        can('resume') && h('button', { type: 'button', onclick: resume, 'data-action': 'resume' }, 'Resume…'),
        can('resume') && h('button', { type: 'button', onclick: launch, 'data-action': 'launch' }, 'Run in a terminal…'),
        can('fork') && h('button', { type: 'button', onclick: fork, 'data-action': 'fork' }, 'Fork…'),
        can('checkpoint') && h('button', { type: 'button', onclick: checkpoint }, 'Checkpoint…'),
        can('alias') && h('button', { type: 'button', onclick: alias }, 'Alias…'),
        can('delete') &&
          (d.deleted
            ? h('button', { type: 'button', onclick: restore }, 'Restore')
            : h('button', { type: 'button', class: 'danger', onclick: remove }, 'Delete…')),
        can('export_markdown') &&
          h('a', { href: `/api/v1/sessions/${encodeURIComponent(sessionRef(d))}/export.md`, download: `${d.id}.md` }, 'Export Markdown'),
        // .sfs and native files are written by the local store (the relay serves Markdown only).
        can('resume') && h('a', { href: exportHref('sfs'), download: `${d.id}.sfs.tar`, 'data-export': 'sfs' }, 'Export .sfs'),
        can('resume') && h('button', { type: 'button', onclick: exportNative, 'data-action': 'export-native' }, 'Export native…'),
      ),
    );
  }

  // The jump box lives across re-renders: a live header refresh must not drop what the reader is typing.
  const number = h('input', { type: 'number', min: 1, placeholder: '#', 'aria-label': 'Jump to message number', class: 'jump' });
  number.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && number.value) void jump(Number(number.value));
  });
  let controlsKey = '';

  function renderControls(): void {
    number.max = String(total);
    // Only the checkpoints and the order change what the controls hold; otherwise they stay as they are.
    const key = JSON.stringify([newestFirst, detail?.checkpoints ?? []]);
    if (key === controlsKey && pager.contains(number)) return;
    controlsKey = key;
    const order = h(
      'select',
      { 'aria-label': 'Order' },
      h('option', { value: 'oldest', selected: !newestFirst }, 'oldest first'),
      h('option', { value: 'newest', selected: newestFirst }, 'newest first'),
    );
    order.addEventListener('change', () => {
      newestFirst = order.value === 'newest';
      localStorage.setItem('sfs.order', newestFirst ? 'newest' : 'oldest');
      window.scrollTo(0, 0);
      vlist.setCount(total, true);
      vlist.update();
    });
    const cps = detail?.checkpoints.filter((c) => c.at_msg) ?? [];
    const cp = h(
      'select',
      { 'aria-label': 'Jump to checkpoint' },
      h('option', { value: '' }, 'checkpoint…'),
      ...cps.map((c) => h('option', { value: c.at_msg! }, c.name)),
    );
    cp.addEventListener('change', () => {
      if (cp.value) void jumpToMsg(cp.value);
    });
    clear(
      pager,
      h('button', { type: 'button', onclick: () => vlist.scrollTo(0, 'start') }, newestFirst ? '⇤ newest' : '⇤ first'),
      range,
      h('button', { type: 'button', onclick: () => vlist.scrollTo(total - 1, 'end') }, newestFirst ? 'oldest ⇥' : 'last ⇥'),
      number,
      order,
      cps.length ? cp : null,
    );
  }

  /** Shows message number `n` (1-based), marked, in the middle of the screen. */
  async function jump(n: number): Promise<void> {
    if (!total) return;
    const i = Math.min(Math.max(1, Math.floor(n)), total) - 1;
    const old = targetIndex;
    targetIndex = i;
    if (!cache.has(i)) await loadPage(Math.floor(i / PAGE), true);
    vlist.invalidate(old === null ? [posOf(i)] : [posOf(old), posOf(i)]);
    vlist.scrollTo(posOf(i));
  }

  async function jumpToMsg(msgId: string): Promise<void> {
    try {
      const w = await api.get<Window>(`${path}/messages${query({ at_msg: msgId, limit: PAGE })}`);
      store(w);
      const it = w.items.find((x) => x.message.msg_id === msgId);
      if (it) await jump(it.index + 1);
    } catch (err) {
      toast(err instanceof Error ? err.message : String(err), true);
    }
  }

  // Actions: each asks first, then calls the API and shows what happened.
  async function act(fn: () => Promise<unknown>, done: string): Promise<void> {
    try {
      await fn();
      toast(done);
      await refreshHead();
    } catch (err) {
      toast(err instanceof Error ? err.message : String(err), true);
    }
  }
  async function resume(): Promise<void> {
    const ref = detail!.alias ?? detail!.id;
    const targets = NATIVE_FORMATS;
    const v = await ask({
      title: 'Resume in a tool',
      body: h(
        'div',
        {},
        h('p', {}, 'In a terminal, this continues the session in its own tool (add --in codex, --in gemini … for another):'),
        h('pre', { class: 'cmd' }, `sfs resume ${ref}`),
        h('p', {}, `Or write it now for one tool (${targets.join(', ')}; empty: its own) and get the command that opens it:`),
      ),
      fields: [{ name: 'in', label: 'Tool to resume in (optional)', value: '' }],
      ok: 'Write the session',
    });
    if (!v) return;
    try {
      const r = await api.post<{ command: string; path: string; tool: string }>(`${path}/resume`, v.in?.trim() ? { in: v.in.trim() } : {});
      await ask({
        title: `Written for ${r.tool}`,
        body: h(
          'div',
          {},
          h('p', {}, r.path),
          h('p', {}, 'Run this in a terminal to continue:'),
          h('pre', { class: 'cmd', 'data-resume-command': true }, r.command),
        ),
        ok: 'Close',
      });
    } catch (err) {
      toast(err instanceof Error ? err.message : String(err), true);
    }
  }
  /** `sfs resume` in a new terminal window, after the user confirmed the exact command. */
  async function launch(): Promise<void> {
    const v = await ask({
      title: 'Run sfs resume in a new terminal?',
      body: h(
        'div',
        {},
        h('p', {}, 'A terminal window opens and runs this, which starts the tool on the session:'),
        h('pre', { class: 'cmd' }, `sfs resume ${detail!.id}`),
        h('p', { class: 'muted' }, `Another tool (${NATIVE_FORMATS.join(', ')}) continues it there instead:`),
      ),
      fields: [{ name: 'in', label: 'Tool (optional)', value: '' }],
      ok: 'Run',
    });
    if (!v) return;
    try {
      const r = await api.post<ResumeLaunch>(`${path}/resume/launch`, v.in?.trim() ? { in: v.in.trim() } : {});
      if (r.launched) toast(`started in ${r.terminal ?? 'a terminal'}: ${r.command}`);
      else
        await ask({
          title: 'No terminal found here',
          body: h('div', {}, h('p', {}, 'Run this in a terminal to continue:'), h('pre', { class: 'cmd', 'data-resume-command': true }, r.command)),
          ok: 'Close',
        });
    } catch (err) {
      toast(err instanceof Error ? err.message : String(err), true);
    }
  }
  async function fork(): Promise<void> {
    const v = await ask({
      title: 'Fork this session?',
      body: h('p', {}, 'A new session continues this one from its last message (or from message number N).'),
      fields: [
        { name: 'name', label: 'Title of the new session (optional)' },
        { name: 'at', label: 'Fork after message number (optional)' },
      ],
      ok: 'Fork',
    });
    if (!v) return;
    try {
      let at: string | undefined;
      if (v.at) {
        const n = Number(v.at);
        const w = await api.get<Window>(`${path}/messages${query({ offset: n - 1, limit: 1 })}`);
        at = w.items[0]?.message.msg_id;
        if (!at) throw new Error(`no message number ${v.at}`);
      }
      const r = await api.post<{ id: string }>(`${path}/fork`, { name: v.name || undefined, at });
      toast(`forked → ${r.id}`);
      go(`#/session/${encodeURIComponent(r.id)}`);
    } catch (err) {
      toast(err instanceof Error ? err.message : String(err), true);
    }
  }
  async function checkpoint(): Promise<void> {
    const v = await ask({ title: 'Name a checkpoint at the last message', fields: [{ name: 'name', label: 'Checkpoint name' }], ok: 'Create' });
    if (v?.name) await act(() => api.post(`${path}/checkpoints`, { name: v.name }), `checkpoint ${v.name} created`);
  }
  async function alias(): Promise<void> {
    const v = await ask({
      title: 'Alias',
      body: h('p', { class: 'muted' }, 'Empty clears the alias.'),
      fields: [{ name: 'alias', label: 'Alias', value: detail!.alias ?? '' }],
      ok: 'Save',
    });
    if (v) await act(() => api.put(`${path}/alias`, { alias: (v.alias ?? '').trim() || null }), v.alias ? `alias ${v.alias} set` : 'alias cleared');
  }
  async function remove(): Promise<void> {
    const v = await ask({ title: 'Move this session to the trash?', body: h('p', {}, 'Restore brings it back.'), ok: 'Delete', danger: true });
    if (v) await act(() => api.del(path), 'moved to the trash');
  }
  async function restore(): Promise<void> {
    await act(() => api.post(`${path}/restore`), 'restored');
  }
  /** The session as a tool's own files (what `sfs export --format <tool>` writes), downloaded as a tar. */
  async function exportNative(): Promise<void> {
    const select = h(
      'select',
      { name: 'format', 'aria-label': 'Tool' },
      ...NATIVE_FORMATS.map((f) => h('option', { value: f, selected: f === detail!.tool }, f)),
    );
    const v = await ask({
      title: 'Export as a tool’s native session',
      body: h(
        'div',
        {},
        h('p', {}, 'Downloads a tar of the files the tool reads, relative to your home directory (extract it there to resume). Nothing is written here.'),
        h('p', {}, h('label', {}, 'Tool ', select)),
      ),
      ok: 'Download',
    });
    if (!v) return;
    const a = h('a', { href: `/api/v1${path}/export/${encodeURIComponent(select.value)}`, download: `${detail!.id}.${select.value}.tar` });
    document.body.append(a);
    a.click();
    a.remove();
  }

  // Home and End go straight to the first and the last message. The browser's own keys scroll
  // smoothly, and a height correction of the virtual list would stop that animation half-way.
  const keys = (e: KeyboardEvent) => {
    const t = e.target;
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || t instanceof HTMLInputElement || t instanceof HTMLSelectElement || t instanceof HTMLTextAreaElement)
      return;
    if (document.querySelector('dialog[open]') || !total) return;
    if (e.key === 'End') {
      e.preventDefault();
      vlist.scrollTo(total - 1, 'end');
    } else if (e.key === 'Home') {
      e.preventDefault();
      window.scrollTo(0, 0);
    }
  };
  document.addEventListener('keydown', keys);

  void open();

  return {
    // The daemon captured something: the header's counts, and any new messages, are read again.
    refresh: () => {
      if (detail) void refreshHead().catch(() => undefined);
    },
    dispose: () => {
      document.removeEventListener('keydown', keys);
      vlist.dispose();
    },
  };
}

interface Pairs {
  results: Map<string, Block>;
  calls: Set<string>;
}

function renderItem(it: Item, pairs: Pairs): HTMLElement {
  const m = it.message;
  const body: Child[] = [];
  for (const b of m.content) {
    const id = str((b as UnknownBlock).tool_use_id);
    if (b.type === 'tool_result' && id && pairs.calls.has(id)) continue;
    body.push(renderBlock(b, pairs.results));
  }
  if (!body.length) body.push(h('p', { class: 'muted' }, 'tool result, shown with its call'));
  return h(
    'article',
    { class: `msg ${m.role}`, 'data-msg': m.msg_id, 'data-index': it.index },
    h(
      'div',
      { class: 'who' },
      h('strong', {}, `#${it.index + 1} ${m.role}`),
      h('span', {}, shortTime(m.timestamp)),
      m.model ? h('span', {}, m.model) : null,
      it.branch ? h('span', { class: 'badge' }, `branch ${it.branch}`) : null,
      it.inherited_from ? h('span', { class: 'badge' }, `from ${it.inherited_from.slice(0, 12)}`) : null,
      m.agent_id ? h('span', { class: 'badge' }, `agent ${m.agent_id}`) : null,
    ),
    ...body,
  );
}

/** A block's fields as what they are: untrusted values of any type, checked where they are read. */
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function renderBlock(b: Block, results: Map<string, Block>): HTMLElement {
  const u = b as UnknownBlock;
  switch (b.type) {
    case 'text':
      return textBlock(str(u.text));
    case 'summary':
      return h('div', { class: 'card' }, h('div', { class: 'muted' }, 'summary'), textBlock(str(u.text)));
    case 'thinking':
      return h('details', { class: 'thinking' }, h('summary', {}, 'thinking'), plainBlock(str(u.text)));
    case 'tool_use': {
      const res = str(u.tool_use_id) ? (results.get(str(u.tool_use_id)) as UnknownBlock | undefined) : undefined;
      const input = typeof u.input === 'string' ? u.input : JSON.stringify(u.input ?? null, null, 2);
      return h(
        'details',
        { class: `tool${res?.is_error === true ? ' error' : ''}` },
        h('summary', {}, `tool: ${str(u.name) || '?'}`, res ? '' : ' (no result here)', ' ', h('span', { class: 'muted' }, oneLine(input, 100))),
        codeBlock(input, typeof u.input === 'string' ? null : 'json'),
        res ? h('div', {}, h('div', { class: 'muted' }, res.is_error === true ? 'error result' : 'result'), resultBody(res)) : null,
      );
    }
    case 'tool_result':
      return h(
        'details',
        { class: `tool${u.is_error === true ? ' error' : ''}` },
        h('summary', {}, u.is_error === true ? 'tool error' : 'tool result'),
        resultBody(u),
      );
    case 'image':
      return imageBlock(u);
    default:
      return h('details', {}, h('summary', {}, `${str(b.type)} block`), codeBlock(JSON.stringify(b, null, 2), 'json'));
  }
}

function resultBody(b: UnknownBlock): HTMLElement {
  if (typeof b.content === 'string') return codeBlock(b.content);
  if (Array.isArray(b.content))
    return h('div', {}, ...(b.content as UnknownBlock[]).map((c) => (c?.type === 'text' ? codeBlock(str(c.text)) : renderBlock(c as Block, new Map()))));
  return codeBlock('');
}

function imageBlock(b: UnknownBlock): HTMLElement {
  const s = (b.source && typeof b.source === 'object' ? b.source : {}) as Record<string, unknown>;
  const media = str(s.media_type);
  const data = str(s.data);
  if (s.type === 'base64' && SAFE_IMAGE.test(media) && data && /^[A-Za-z0-9+/=\s]*$/.test(data.slice(0, 200)))
    return h('img', { src: `data:${media};base64,${data}`, alt: 'image from the session', loading: 'lazy' });
  return h('p', { class: 'muted' }, `[image: ${str(s.url) || str(s.path) || media || 'unknown'}]`);
}

function oneLine(s: string, n: number): string {
  const one = s
    .slice(0, n * 4)
    .replace(/\s+/g, ' ')
    .trim();
  return one.length > n ? one.slice(0, n - 1) + '…' : one;
}

function textBlock(text: string): HTMLElement {
  return text.length <= MARKDOWN_LIMIT ? renderMarkdown(text) : plainBlock(text);
}

/** Code, a tool's input or output: highlighted as `language`, or as what it looks like (a diff, JSON), else plain. */
function codeBlock(text: string, language: string | null = null): HTMLElement {
  if (text.length > PLAIN_LIMIT) return plainBlock(text, true);
  const pre = h('pre', { class: 'code' });
  highlightInto(pre, text, language);
  return pre;
}

/** Text as text; a very long one is cut, with a button that shows the rest. */
function plainBlock(text: string, code = false): HTMLElement {
  const pre = h('pre', { class: code ? 'code' : 'plain' });
  if (text.length <= PLAIN_LIMIT) {
    pre.textContent = text;
    return pre;
  }
  pre.textContent = text.slice(0, PLAIN_LIMIT);
  const more = h(
    'button',
    {
      type: 'button',
      onclick: () => {
        pre.textContent = text;
        more.remove();
      },
    },
    `show all (${formatBytes(text.length)})`,
  );
  return h('div', {}, pre, more);
}
