import MarkdownIt from 'markdown-it';

/**
 * Markdown for message text: markdown-it with raw HTML disabled (any tag in the text is shown
 * as text), links limited to http(s) and mailto (no javascript:, data:, file:), images shown as
 * their alt text (a session's image URL must not make the browser fetch anything), and diffs
 * coloured line by line. Its output is the only HTML the page inserts.
 */
const SAFE_LINK = /^(https?:|mailto:)/i;

function escape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function highlightDiff(code: string): string {
  return code
    .split('\n')
    .map((line) => {
      const cls = line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : line.startsWith('@@') ? 'hunk' : '';
      return cls ? `<span class="${cls}">${escape(line)}</span>` : escape(line);
    })
    .join('\n');
}

const md = new MarkdownIt({
  html: false,
  linkify: false,
  typographer: false,
  highlight: (code, lang) => (lang === 'diff' || lang === 'patch' ? highlightDiff(code) : ''),
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
  return div;
}

export { highlightDiff };
