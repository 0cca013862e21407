import { api, query, type Block, type Item, type SessionDetail, type Window } from '../api.js';
import { clear, formatBytes, formatTokens, h, shortTime, type Child } from '../dom.js';
import { MARKDOWN_LIMIT, highlightDiff, renderMarkdown } from '../markdown.js';
import { ask, errorBox, toast } from '../ui.js';
import { go, type Page } from './page.js';

const PAGE = 100;
/** Plain text beyond this is cut until "show all" is asked for (a 5 MB message must not freeze the page). */
const PLAIN_LIMIT = 100_000;
const SAFE_IMAGE = /^image\/(png|jpeg|gif|webp)$/;

/**
 * One session: its header (tool, model, project, branch, dates, tokens, cost, lineage), actions,
 * and its messages in windows of 100 (only the window is in the page, so a 15,000-message session
 * reads as fast as a short one), oldest or newest first, with jumps to a message number or a
 * checkpoint. Tool calls show their results inside them; thinking is folded away.
 */
export function sessionPage(main: HTMLElement, id: string, params: URLSearchParams): Page {
  let detail: SessionDetail | null = null;
  let win: Window = { total: 0, offset: 0, items: [] };
  let newestFirst = localStorage.getItem('sfs.order') === 'newest';
  let target: string | null = params.get('msg');
  const head = h('section', { class: 'head' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Messages' });
  const list = h('section', { id: 'messages' });
  const pagerBottom = h('nav', { class: 'pager' });
  clear(main, head, pager, list, pagerBottom);

  async function open(p: { offset?: number; at_msg?: string }): Promise<void> {
    try {
      if (!detail) {
        const first = await api.get<{ session: SessionDetail; messages: Window }>(`/sessions/${encodeURIComponent(id)}${query({ limit: PAGE, ...p })}`);
        detail = first.session;
        win = first.messages;
        renderHead();
        // Newest first starts at the end (unless a message or a number was asked for).
        if (newestFirst && p.offset === undefined && !p.at_msg && win.total > PAGE) return open({ offset: win.total - PAGE });
      } else win = await api.get<Window>(`/sessions/${encodeURIComponent(id)}/messages${query({ limit: PAGE, ...p })}`);
      renderWindow();
    } catch (err) {
      clear(list, errorBox(err));
    }
  }

  function renderHead(): void {
    const d = detail!;
    const link = (sid: string) => h('a', { href: `#/session/${encodeURIComponent(sid)}` }, sid.slice(0, 16));
    const facts: Array<[string, Child]> = [
      ['id', d.id],
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
      ['messages', `${d.message_count} (${d.tool_use_count} tool calls)`],
      [
        'tokens',
        `in ${formatTokens(d.usage.input_tokens)} · out ${formatTokens(d.usage.output_tokens)} · cache read ${formatTokens(d.usage.cache_read_tokens)} · cache write ${formatTokens(d.usage.cache_write_tokens)}`,
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
    clear(
      head,
      h('h1', {}, d.alias ? h('span', { class: 'badge' }, d.alias) : null, d.deleted ? h('span', { class: 'badge error' }, 'deleted') : null, d.title),
      h('dl', { class: 'facts' }, ...facts.filter(([, v]) => v !== null && v !== undefined && v !== '').map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', onclick: resume, 'data-action': 'resume' }, 'Resume…'),
        h('button', { type: 'button', onclick: fork, 'data-action': 'fork' }, 'Fork…'),
        h('button', { type: 'button', onclick: checkpoint }, 'Checkpoint…'),
        h('button', { type: 'button', onclick: alias }, 'Alias…'),
        d.deleted ? h('button', { type: 'button', onclick: restore }, 'Restore') : h('button', { type: 'button', class: 'danger', onclick: remove }, 'Delete…'),
        h('a', { href: `/api/v1/sessions/${encodeURIComponent(d.id)}/export.md`, download: `${d.id}.md` }, 'Export Markdown'),
        h('button', { type: 'button', onclick: exportOther }, 'Export…'),
      ),
    );
  }

  function renderWindow(): void {
    const total = win.total;
    const from = win.offset + 1;
    const to = win.offset + win.items.length;
    const number = h('input', { type: 'number', min: 1, max: total, placeholder: '#', 'aria-label': 'Jump to message number', class: 'jump' });
    number.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && number.value) jump(Number(number.value));
    });
    const order = h(
      'select',
      { 'aria-label': 'Order' },
      h('option', { value: 'oldest', selected: !newestFirst }, 'oldest first'),
      h('option', { value: 'newest', selected: newestFirst }, 'newest first'),
    );
    order.addEventListener('change', () => {
      newestFirst = order.value === 'newest';
      localStorage.setItem('sfs.order', newestFirst ? 'newest' : 'oldest');
      void open({ offset: newestFirst ? Math.max(0, total - PAGE) : 0 });
    });
    const cps = detail?.checkpoints.filter((c) => c.at_msg) ?? [];
    const cp = h(
      'select',
      { 'aria-label': 'Jump to checkpoint' },
      h('option', { value: '' }, 'checkpoint…'),
      ...cps.map((c) => h('option', { value: c.at_msg! }, c.name)),
    );
    cp.addEventListener('change', () => {
      if (cp.value) {
        target = cp.value;
        void open({ at_msg: cp.value });
      }
    });
    const prev = () => void open({ offset: Math.max(0, win.offset - PAGE) });
    const next = () => void open({ offset: Math.min(Math.max(0, total - 1), win.offset + PAGE) });
    const controls = (): Child[] => [
      h('button', { type: 'button', onclick: () => void open({ offset: 0 }), disabled: win.offset === 0 }, '⇤ first'),
      h('button', { type: 'button', onclick: prev, disabled: win.offset === 0 }, '‹ earlier'),
      h('span', { class: 'muted', 'data-range': true }, total ? `messages ${from}–${to} of ${total}` : 'no messages'),
      h('button', { type: 'button', onclick: next, disabled: to >= total }, 'later ›'),
      h('button', { type: 'button', onclick: () => void open({ offset: Math.max(0, total - PAGE) }), disabled: to >= total }, 'last ⇥'),
    ];
    clear(pager, ...controls(), number, order, cps.length ? cp : null);
    clear(pagerBottom, ...controls());
    const pairs = pairResults(win.items);
    const nodes = win.items.map((it) => renderItem(it, pairs));
    clear(list, ...(newestFirst ? nodes.reverse() : nodes));
    if (target) {
      const el = list.querySelector(`[data-msg="${CSS.escape(target)}"]`);
      if (el) {
        el.classList.add('target');
        el.scrollIntoView({ block: 'center' });
      }
      target = null;
    }
  }

  function jump(n: number): void {
    const i = Math.min(Math.max(1, Math.floor(n)), Math.max(1, win.total)) - 1;
    const off = Math.max(0, i - PAGE / 2);
    void open({ offset: off }).then(() => {
      const el = list.querySelector(`[data-index="${i}"]`);
      el?.classList.add('target');
      el?.scrollIntoView({ block: 'center' });
    });
  }

  // Actions: each asks first, then calls the API and shows what happened.
  async function act(fn: () => Promise<unknown>, done: string): Promise<void> {
    try {
      await fn();
      toast(done);
      detail = null;
      await open({ offset: win.offset });
    } catch (err) {
      toast(err instanceof Error ? err.message : String(err), true);
    }
  }
  async function resume(): Promise<void> {
    const ref = detail!.alias ?? detail!.id;
    const targets = ['claude-code', 'codex', 'gemini', 'copilot'];
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
      const r = await api.post<{ command: string; path: string; tool: string }>(
        `/sessions/${encodeURIComponent(id)}/resume`,
        v.in?.trim() ? { in: v.in.trim() } : {},
      );
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
        const w = await api.get<Window>(`/sessions/${encodeURIComponent(id)}/messages${query({ offset: n - 1, limit: 1 })}`);
        at = w.items[0]?.message.msg_id;
        if (!at) throw new Error(`no message number ${v.at}`);
      }
      const r = await api.post<{ id: string }>(`/sessions/${encodeURIComponent(id)}/fork`, { name: v.name || undefined, at });
      toast(`forked → ${r.id}`);
      go(`#/session/${encodeURIComponent(r.id)}`);
    } catch (err) {
      toast(err instanceof Error ? err.message : String(err), true);
    }
  }
  async function checkpoint(): Promise<void> {
    const v = await ask({ title: 'Name a checkpoint at the last message', fields: [{ name: 'name', label: 'Checkpoint name' }], ok: 'Create' });
    if (v?.name) await act(() => api.post(`/sessions/${encodeURIComponent(id)}/checkpoints`, { name: v.name }), `checkpoint ${v.name} created`);
  }
  async function alias(): Promise<void> {
    const v = await ask({
      title: 'Alias',
      body: h('p', { class: 'muted' }, 'Empty clears the alias.'),
      fields: [{ name: 'alias', label: 'Alias', value: detail!.alias ?? '' }],
      ok: 'Save',
    });
    if (v)
      await act(
        () => api.put(`/sessions/${encodeURIComponent(id)}/alias`, { alias: (v.alias ?? '').trim() || null }),
        v.alias ? `alias ${v.alias} set` : 'alias cleared',
      );
  }
  async function remove(): Promise<void> {
    const v = await ask({ title: 'Move this session to the trash?', body: h('p', {}, 'Restore brings it back.'), ok: 'Delete', danger: true });
    if (v) await act(() => api.del(`/sessions/${encodeURIComponent(id)}`), 'moved to the trash');
  }
  async function restore(): Promise<void> {
    await act(() => api.post(`/sessions/${encodeURIComponent(id)}/restore`), 'restored');
  }
  async function exportOther(): Promise<void> {
    const ref = detail!.alias ?? detail!.id;
    await ask({
      title: 'Export',
      body: h(
        'div',
        {},
        h('p', {}, 'The portable .sfs folder and native tool files are written by the CLI:'),
        h(
          'pre',
          { class: 'cmd' },
          `sfs export ${ref}                    # ${ref}.sfs\nsfs export ${ref} --format md\nsfs resume ${ref} --in claude-code --no-launch   # native files`,
        ),
      ),
      ok: 'Close',
    });
  }

  void open(target ? { at_msg: target } : params.get('n') ? { offset: Math.max(0, Number(params.get('n')) - 1 - PAGE / 2) } : {});

  return {
    // New messages: fill the window if it reaches the end; otherwise only the counts move.
    refresh: async () => {
      if (!detail) return;
      const shown = win.offset + win.items.length;
      if (shown < win.total) return;
      try {
        const more = await api.get<Window>(`/sessions/${encodeURIComponent(id)}/messages${query({ offset: shown, limit: PAGE })}`);
        if (!more.items.length && more.total === win.total) return;
        if (win.items.length + more.items.length <= PAGE) {
          win = { total: more.total, offset: win.offset, items: [...win.items, ...more.items] };
          renderWindow();
          if (!newestFirst) window.scrollTo({ top: document.body.scrollHeight });
        } else {
          win.total = more.total;
          renderWindow();
        }
      } catch {
        // The next change tries again.
      }
    },
  };
}

/** The window's results by call id, and the calls present: a result whose call is in the window is shown inside that call. */
function pairResults(items: Item[]): Pairs {
  const results = new Map<string, Block>();
  const calls = new Set<string>();
  for (const it of items)
    for (const b of it.message.content) {
      if (b.type === 'tool_result' && b.tool_use_id) results.set(b.tool_use_id, b);
      if (b.type === 'tool_use' && b.tool_use_id) calls.add(b.tool_use_id);
    }
  return { results, calls };
}

interface Pairs {
  results: Map<string, Block>;
  calls: Set<string>;
}

function renderItem(it: Item, pairs: Pairs): HTMLElement {
  const m = it.message;
  const body: Child[] = [];
  for (const b of m.content) {
    if (b.type === 'tool_result' && b.tool_use_id && pairs.calls.has(b.tool_use_id)) continue;
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

function renderBlock(b: Block, results: Map<string, Block>): HTMLElement {
  switch (b.type) {
    case 'text':
      return textBlock(typeof b.text === 'string' ? b.text : '');
    case 'summary':
      return h('div', { class: 'card' }, h('div', { class: 'muted' }, 'summary'), textBlock(String(b.text ?? '')));
    case 'thinking':
      return h('details', { class: 'thinking' }, h('summary', {}, 'thinking'), plainBlock(String(b.text ?? '')));
    case 'tool_use': {
      const res = b.tool_use_id ? results.get(b.tool_use_id) : undefined;
      const input = typeof b.input === 'string' ? b.input : JSON.stringify(b.input ?? null, null, 2);
      return h(
        'details',
        { class: `tool${res?.is_error ? ' error' : ''}` },
        h('summary', {}, `tool: ${String(b.name ?? '?')}`, res ? '' : ' (no result here)', ' ', h('span', { class: 'muted' }, oneLine(input, 100))),
        codeBlock(input),
        res ? h('div', {}, h('div', { class: 'muted' }, res.is_error ? 'error result' : 'result'), resultBody(res)) : null,
      );
    }
    case 'tool_result':
      return h('details', { class: `tool${b.is_error ? ' error' : ''}` }, h('summary', {}, b.is_error ? 'tool error' : 'tool result'), resultBody(b));
    case 'image':
      return imageBlock(b);
    default:
      return h('details', {}, h('summary', {}, `${String(b.type)} block`), codeBlock(JSON.stringify(b, null, 2)));
  }
}

function resultBody(b: Block): HTMLElement {
  if (typeof b.content === 'string') return codeBlock(b.content);
  if (Array.isArray(b.content)) return h('div', {}, ...b.content.map((c) => (c.type === 'text' ? codeBlock(String(c.text ?? '')) : renderBlock(c, new Map()))));
  return codeBlock('');
}

function imageBlock(b: Block): HTMLElement {
  const s = b.source;
  if (
    s?.type === 'base64' &&
    typeof s.media_type === 'string' &&
    SAFE_IMAGE.test(s.media_type) &&
    typeof s.data === 'string' &&
    /^[A-Za-z0-9+/=\s]*$/.test(s.data.slice(0, 200))
  )
    return h('img', { src: `data:${s.media_type};base64,${s.data}`, alt: 'image from the session', loading: 'lazy' });
  return h('p', { class: 'muted' }, `[image: ${s?.url ?? s?.path ?? s?.media_type ?? 'unknown'}]`);
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

function codeBlock(text: string): HTMLElement {
  if (text.length > PLAIN_LIMIT) return plainBlock(text, true);
  const pre = h('pre');
  if (/^(diff --git|--- |@@ )/m.test(text.slice(0, 2000))) pre.innerHTML = highlightDiff(text);
  else pre.textContent = text;
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
