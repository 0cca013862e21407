import { api, query, type Hit } from '../api.js';
import { clear, h, marked, shortTime } from '../dom.js';
import { errorBox } from '../ui.js';
import type { Page } from './page.js';
import { sessionRef } from '../host.js';

/** Search results as you type (the box in the header): snippets with the matches marked; a hit opens the session at that message. */
export function searchPage(main: HTMLElement, params: URLSearchParams): Page {
  const q = params.get('q') ?? '';
  const out = h('section', { id: 'hits' }, h('p', { class: 'muted' }, q ? 'Searching…' : 'Type in the search box.'));
  clear(main, h('h1', {}, 'Search'), out);
  let gen = 0;
  const run = async () => {
    if (!q.trim()) return;
    const mine = ++gen;
    try {
      const d = await api.get<{ hits: Hit[] }>(`/search${query({ q, limit: 50 })}`);
      if (mine !== gen) return;
      if (!d.hits.length) return clear(out, h('p', { class: 'muted' }, `No matches for "${q}".`));
      clear(
        out,
        ...d.hits.map((hit) =>
          h(
            'a',
            {
              class: 'hit',
              href: `#/session/${encodeURIComponent(sessionRef({ id: hit.session_id, space: hit.space }))}${hit.msg_id ? `?msg=${encodeURIComponent(hit.msg_id)}` : ''}`,
            },
            h(
              'div',
              {},
              h('span', { class: 'badge' }, hit.tool ?? '?'),
              h('strong', {}, hit.title),
              ' ',
              h('span', { class: 'muted' }, shortTime(hit.timestamp)),
            ),
            h('div', { class: 'muted' }, hit.kind === 'message' ? `${hit.role} · message #${(hit.message_index ?? -1) + 1}` : 'title / path'),
            marked(hit.snippet, hit.highlights),
          ),
        ),
      );
    } catch (err) {
      clear(out, errorBox(err));
    }
  };
  void run();
  return { refresh: () => void run() };
}
