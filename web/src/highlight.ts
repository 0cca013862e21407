/**
 * A small syntax highlighter for code in sessions: fenced blocks in messages, tool inputs and
 * tool outputs. It splits text into tokens (keyword, string, comment, number, property, tag,
 * diff line) with one regular expression per language and builds spans whose only content is
 * text nodes: the session's text is never parsed as HTML. Above HIGHLIGHT_LIMIT characters the
 * text is left plain (tokenising megabytes would stall the page).
 */
export const HIGHLIGHT_LIMIT = 50_000;

type Kind = 'k' | 's' | 'c' | 'n' | 'p' | 't' | 'add' | 'del' | 'hunk';
type Token = [Kind | null, string];

interface Lang {
  /** Alternatives tried in this order at each position; the first group that matched names the kind. */
  re: RegExp;
  kinds: Kind[];
  keywords: Set<string>;
}

const words = (s: string) => new Set(s.split(' '));
const DQ = String.raw`"(?:[^"\\\n]|\\.)*"?`;
const SQ = String.raw`'(?:[^'\\\n]|\\.)*'?`;
const BT = String.raw`\x60(?:[^\x60\\]|\\[\s\S])*\x60?`;
const NUM = String.raw`\b(?:0[xX][\da-fA-F_]+|\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?)\b`;
const WORD = String.raw`[A-Za-z_$][\w$]*`;

function lang(parts: Array<[Kind, string]>, keywords: string): Lang {
  return { re: new RegExp(parts.map(([, p]) => `(${p})`).join('|') + `|(${WORD})`, 'gm'), kinds: parts.map(([k]) => k), keywords: words(keywords) };
}

const C_LIKE_COMMENTS: Array<[Kind, string]> = [['c', String.raw`\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|(?![\s\S]))`]];
const JS = lang(
  [...C_LIKE_COMMENTS, ['s', `${DQ}|${SQ}|${BT}`], ['n', NUM]],
  'abstract as async await break case catch class const continue debugger default delete do else enum export extends false finally for from function get if implements import in instanceof interface let new null of private protected public readonly return set static super switch this throw true try type typeof undefined var void while with yield',
);
const PY = lang(
  [
    ['c', '#[^\\n]*'],
    ['s', `[rbfuRBFU]{0,2}(?:"""[\\s\\S]*?(?:"""|(?![\\s\\S]))|'''[\\s\\S]*?(?:'''|(?![\\s\\S]))|${DQ}|${SQ})`],
    ['n', NUM],
  ],
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield self print',
);
const SH = lang(
  [
    ['c', '(?:^|(?<=\\s))#[^\\n]*'],
    ['s', `${DQ}|'[^']*'?`],
    ['n', NUM],
    ['p', String.raw`\$\{?[\w@#?*!-]+\}?`],
  ],
  'if then else elif fi for while until do done case esac in function return export local readonly echo cd exit set unset source sudo cat grep sed awk git npm npx node python pip ls rm mkdir cp mv curl',
);
const GO = lang(
  [...C_LIKE_COMMENTS, ['s', `${DQ}|${BT}|'(?:[^'\\\\]|\\\\.)'`], ['n', NUM]],
  'break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var nil true false err string int int64 bool byte error',
);
const RUST = lang(
  [...C_LIKE_COMMENTS, ['s', `${DQ}`], ['n', NUM]],
  'as async await break const continue crate dyn else enum extern false fn for if impl in let loop match mod move mut pub ref return self Self static struct super trait true type unsafe use where while Some None Ok Err',
);
const C = lang(
  [...C_LIKE_COMMENTS, ['s', `${DQ}|${SQ}`], ['n', NUM], ['p', '#\\s*\\w+']],
  'auto break case catch char class const continue default delete do double else enum extern false final float for friend goto if inline int long namespace new null nullptr operator private protected public return short signed sizeof static struct switch template this throw true try typedef typename union unsigned using virtual void volatile while boolean extends implements import package super throws var val fun',
);
const SQL = lang(
  [
    ['c', String.raw`--[^\n]*|\/\*[\s\S]*?(?:\*\/|(?![\s\S]))`],
    ['s', `${SQ}|${DQ}`],
    ['n', NUM],
  ],
  'select from where and or not insert into values update set delete create table index drop alter join left right inner outer on group by order limit offset as distinct having union all null is in exists case when then else end primary key references begin commit with SELECT FROM WHERE AND OR NOT INSERT INTO VALUES UPDATE SET DELETE CREATE TABLE INDEX DROP ALTER JOIN LEFT RIGHT INNER OUTER ON GROUP BY ORDER LIMIT OFFSET AS DISTINCT HAVING UNION ALL NULL IS IN EXISTS CASE WHEN THEN ELSE END PRIMARY KEY REFERENCES BEGIN COMMIT WITH',
);
const YAML = lang(
  [
    ['c', '#[^\\n]*'],
    ['p', String.raw`^[ \t-]*[\w.-]+(?=\s*[:=])`],
    ['s', `${DQ}|${SQ}`],
    ['n', NUM],
  ],
  'true false null yes no on off',
);
const CSS = lang(
  [
    ['c', String.raw`\/\*[\s\S]*?(?:\*\/|(?![\s\S]))`],
    ['s', `${DQ}|${SQ}`],
    ['p', String.raw`[\w-]+(?=\s*:)`],
    ['n', String.raw`#[\da-fA-F]{3,8}\b|\b\d+(?:\.\d+)?(?:px|em|rem|%|vh|vw|s|ms)?\b`],
  ],
  'important',
);
const HTML = lang(
  [
    ['c', '<!--[\\s\\S]*?(?:-->|(?![\\s\\S]))'],
    ['t', String.raw`<\/?[A-Za-z][\w:-]*|\/?>`],
    ['s', `${DQ}|${SQ}`],
  ],
  '',
);
const JSON_LANG = lang(
  [
    ['p', `${DQ}(?=\\s*:)`],
    ['s', DQ],
    ['n', String.raw`-?\b\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\b`],
  ],
  'true false null',
);

const LANGS: Record<string, Lang> = {};
const alias = (l: Lang, names: string) => names.split(' ').forEach((n) => (LANGS[n] = l));
alias(JS, 'js javascript jsx ts typescript tsx mjs cjs');
alias(PY, 'py python python3');
alias(SH, 'sh bash shell zsh console shellsession');
alias(GO, 'go golang');
alias(RUST, 'rs rust');
alias(C, 'c h cpp c++ cc hpp java kotlin kt cs csharp swift scala');
alias(SQL, 'sql sqlite postgres postgresql');
alias(YAML, 'yaml yml toml ini');
alias(CSS, 'css scss less');
alias(HTML, 'html xml svg vue');
alias(JSON_LANG, 'json jsonc json5 jsonl');

export function knownLanguage(name: string): boolean {
  return name.toLowerCase() in LANGS || name === 'diff' || name === 'patch';
}

function tokenize(code: string, l: Lang): Token[] {
  const out: Token[] = [];
  let at = 0;
  l.re.lastIndex = 0;
  for (let m = l.re.exec(code); m; m = l.re.exec(code)) {
    if (m[0] === '') {
      l.re.lastIndex++;
      continue;
    }
    if (m.index > at) out.push([null, code.slice(at, m.index)]);
    let kind: Kind | null = null;
    for (let g = 0; g < l.kinds.length; g++)
      if (m[g + 1] !== undefined) {
        kind = l.kinds[g]!;
        break;
      }
    if (kind === null && l.keywords.has(m[0])) kind = 'k';
    out.push([kind, m[0]]);
    at = m.index + m[0].length;
  }
  if (at < code.length) out.push([null, code.slice(at)]);
  return out;
}

function diffTokens(code: string): Token[] {
  return code.split('\n').map((line, i, all): Token => {
    const text = i < all.length - 1 ? line + '\n' : line;
    if (/^(\+\+\+|---) /.test(line) || line.startsWith('diff --git')) return ['hunk', text];
    return [line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : line.startsWith('@@') ? 'hunk' : null, text];
  });
}

/** The language to use for text without a name: a diff, JSON, or none. */
export function guessLanguage(code: string): string | null {
  const head = code.slice(0, 2000);
  if (/^(diff --git|--- \S|@@ -\d)/m.test(head) && /^[+-]/m.test(head)) return 'diff';
  const t = head.trimStart();
  if ((t.startsWith('{') || t.startsWith('[')) && /^\s*[[{]\s*("|\]|\}|\d|\[|\{|true|false|null)/.test(head)) return 'json';
  return null;
}

/** Tokens of `code` in `language` (null: guessed), or null when it is left plain. */
export function highlightTokens(code: string, language: string | null): Token[] | null {
  if (code.length > HIGHLIGHT_LIMIT) return null;
  const name = (language ?? guessLanguage(code) ?? '').toLowerCase();
  if (name === 'diff' || name === 'patch') return diffTokens(code);
  const l = LANGS[name];
  return l ? tokenize(code, l) : null;
}

/** Fills `el` with `code` as text nodes and spans (class `tk-<kind>`); plain text when there is no language. */
export function highlightInto(el: HTMLElement, code: string, language: string | null): void {
  const tokens = highlightTokens(code, language);
  el.replaceChildren();
  if (!tokens) {
    el.textContent = code;
    return;
  }
  const frag = document.createDocumentFragment();
  for (const [kind, text] of tokens) {
    if (!kind) frag.append(text);
    else {
      const span = document.createElement('span');
      span.className = kind === 'add' || kind === 'del' || kind === 'hunk' ? kind : `tk-${kind}`;
      span.textContent = text;
      frag.append(span);
    }
  }
  el.append(frag);
  if (language || tokens.length) el.dataset.lang = (language ?? guessLanguage(code) ?? '').toLowerCase();
}
