import MarkdownIt from 'markdown-it';
import { highlightInto } from './highlight.js';

/**
 * Markdown for message text: markdown-it with raw HTML disabled (any tag in the text is shown
 * as text), links limited to http(s) and mailto (no javascript:, data:, file:), images shown as
 * their alt text (a session's image URL must not make the browser fetch anything). Its output
 * is the only HTML the page inserts; fenced code is then highlighted as text nodes and spans
 * (highlight.ts), from the code element's text, never from HTML.
 */
const SAFE_LINK = /^(https?:|mailto:)/i;

function escape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const md = new MarkdownIt({
  html: false,
  linkify: false,
  typographer: false,
});
md.validateLink = (url: string) => SAFE_LINK.test(url.trim());
md.renderer.rules.image = (tokens, idx) => `<span class="muted">[image: ${escape(tokens[idx]!.content)}]</span>`;
md.renderer.rules.link_open = (tokens, idx, options, _env, self) => {
  const t = tokens[idx]!;
  t.attrSet('target', '_blank');
  t.attrSet('rel', 'noopener noreferrer');
  return self.renderToken(tokens, idx, options);
};

/** Above this size text is shown plain (rendering Markdown of megabytes would freeze the page). */
export const MARKDOWN_LIMIT = 60_000;

export function renderMarkdown(text: string): HTMLDivElement {
  const div = document.createElement('div');
  div.className = 'md';
  div.innerHTML = md.render(text);
  for (const code of div.querySelectorAll<HTMLElement>('pre > code')) {
    const lang = /(?:^|\s)language-([\w+#.-]+)/.exec(code.className)?.[1] ?? null;
    highlightInto(code, code.textContent ?? '', lang);
  }
  return div;
}
