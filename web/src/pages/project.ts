import { api, query } from '../api.js';
import { clear, h, shortTime } from '../dom.js';
import { renderMarkdown } from '../markdown.js';
import { errorBox } from '../ui.js';
import type { Page } from './page.js';

interface Knowledge {
  entry_id: string;
  kind: string;
  title: string | null;
  text: string;
  tags: string[];
  author: { kind: string; name: string | null };
  session_id: string | null;
  created_at: string | null;
}

function projectPicker(params: URLSearchParams, page: string): HTMLElement {
  const input = h('input', {
    name: 'project',
    placeholder: 'project (directory or key; default: where sfs ui runs)',
    value: params.get('project') ?? '',
    'aria-label': 'Project',
  });
  input.addEventListener('change', () => (location.hash = `#/${page}${query({ project: input.value.trim() })}`));
  return h('div', { class: 'filters' }, input);
}

/** The project's context document (Markdown, rendered without HTML). */
export function contextPage(main: HTMLElement, params: URLSearchParams): Page {
  const body = h('section', {});
  clear(main, h('h1', {}, 'Project context'), projectPicker(params, 'context'), body);
  const load = async () => {
    try {
      const d = await api.get<{
        project: string;
        root: string | null;
        context: { text: string; updated_at: string | null } | null;
        knowledge_counts: Record<string, number>;
        rules: { version: number; hash: string } | null;
      }>(`/project${query({ project: params.get('project') })}`);
      clear(
        body,
        h(
          'p',
          { class: 'muted' },
          `${d.project}${d.root ? ` · ${d.root}` : ''}${d.rules ? ` · rules v${d.rules.version}` : ''} · knowledge: ${
            Object.entries(d.knowledge_counts)
              .map(([k, n]) => `${n} ${k}`)
              .join(', ') || 'none'
          }`,
        ),
        d.context
          ? [h('p', { class: 'muted' }, `updated ${shortTime(d.context.updated_at)}`), renderMarkdown(d.context.text)]
          : h('p', { class: 'muted' }, 'No context document (sfs project init).'),
      );
    } catch (err) {
      clear(body, errorBox(err));
    }
  };
  void load();
  return { refresh: () => void load() };
}

/** Knowledge entries: newest first, or ranked by the words typed. */
export function knowledgePage(main: HTMLElement, params: URLSearchParams): Page {
  const body = h('section', {});
  const q = h('input', { type: 'search', placeholder: 'search knowledge', 'aria-label': 'Search knowledge' });
  clear(main, h('h1', {}, 'Knowledge'), projectPicker(params, 'knowledge'), h('div', { class: 'filters' }, q), body);
  let timer: number | undefined;
  const load = async () => {
    try {
      const d = await api.get<{ project: string; entries: Knowledge[] }>(`/project/knowledge${query({ project: params.get('project'), q: q.value.trim() })}`);
      if (!d.entries.length) return clear(body, h('p', { class: 'muted' }, `No knowledge entries in ${d.project}.`));
      clear(
        body,
        ...d.entries.map((e) =>
          h(
            'div',
            { class: 'card' },
            h(
              'div',
              {},
              h('span', { class: 'badge' }, e.kind),
              h('strong', {}, e.title ?? ''),
              ' ',
              h('span', { class: 'muted' }, `${shortTime(e.created_at)} · ${e.author.kind}${e.author.name ? ` ${e.author.name}` : ''} · ${e.entry_id}`),
            ),
            renderMarkdown(e.text),
            e.session_id ? h('a', { href: `#/session/${encodeURIComponent(e.session_id)}` }, 'from session') : null,
          ),
        ),
      );
    } catch (err) {
      clear(body, errorBox(err));
    }
  };
  q.addEventListener('input', () => (clearTimeout(timer), (timer = window.setTimeout(load, 200))));
  void load();
  return { refresh: () => void load() };
}

/** The project's rules: the text every tool's rules file is compiled from. */
export function rulesPage(main: HTMLElement, params: URLSearchParams): Page {
  const body = h('section', {});
  clear(main, h('h1', {}, 'Rules'), projectPicker(params, 'rules'), body);
  const load = async () => {
    try {
      const d = await api.get<{ project: string; rules: { text: string; version: number; hash: string; updated_at: string | null } | null }>(
        `/project/rules${query({ project: params.get('project') })}`,
      );
      clear(
        body,
        d.rules
          ? [
              h('p', { class: 'muted' }, `${d.project} · version ${d.rules.version} · ${d.rules.hash.slice(0, 8)} · ${shortTime(d.rules.updated_at)}`),
              renderMarkdown(d.rules.text),
            ]
          : h('p', { class: 'muted' }, `${d.project} has no rules yet (sfs rules init).`),
      );
    } catch (err) {
      clear(body, errorBox(err));
    }
  };
  void load();
  return { refresh: () => void load() };
}
