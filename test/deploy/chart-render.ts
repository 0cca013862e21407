import { stringify } from 'yaml';

/**
 * Renders the subset of Helm's Go templates the relay's chart uses, so the chart can be checked
 * offline where helm is not installed. Anything outside the subset throws, so a template that
 * grows past it fails the test instead of being rendered wrongly:
 *   {{ .Values.a.b }}  {{ .Release.Name }}  {{ .Chart.AppVersion }}  {{ X | quote }}
 *   {{ toYaml X | nindent N }}  {{ if X }} / {{ if not X }} / {{ else }} / {{ end }}
 * with `{{-` and `-}}` trimming whitespace as Go templates do. Not `helm lint`: a check of this chart.
 */
export interface RenderScope {
  Values: Record<string, unknown>;
  Release: { Name: string; Namespace: string };
  Chart: Record<string, unknown>;
}

type Token = { kind: 'text'; text: string } | { kind: 'action'; body: string };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  const re = /\{\{(-?)\s*([\s\S]*?)\s*(-?)\}\}/g;
  let last = 0;
  let trimNext = false;
  for (let m = re.exec(src); m; m = re.exec(src)) {
    let text = src.slice(last, m.index);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (m[1]) text = text.replace(/\s+$/, '');
    out.push({ kind: 'text', text });
    out.push({ kind: 'action', body: m[2]! });
    trimNext = !!m[3];
    last = re.lastIndex;
  }
  let tail = src.slice(last);
  if (trimNext) tail = tail.replace(/^\s+/, '');
  out.push({ kind: 'text', text: tail });
  return out;
}

function lookup(path: string, scope: RenderScope): unknown {
  if (!/^\.(Values|Release|Chart)(\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(path)) throw new Error(`unsupported template value: ${path}`);
  let v: unknown = scope;
  for (const key of path.slice(1).split('.')) v = v == null ? undefined : (v as Record<string, unknown>)[key];
  return v;
}

const truthy = (v: unknown) => !(v === undefined || v === null || v === false || v === '' || v === 0 || (typeof v === 'object' && Object.keys(v).length === 0));

function expression(expr: string, scope: RenderScope): string {
  const parts = expr.split('|').map((p) => p.trim());
  let value: unknown;
  const head = parts.shift()!;
  const fn = /^toYaml\s+(\S+)$/.exec(head);
  if (fn) value = stringify(lookup(fn[1]!, scope)).trimEnd();
  else value = lookup(head, scope);
  for (const p of parts) {
    if (p === 'quote') value = JSON.stringify(value === undefined || value === null ? '' : String(value));
    else if (/^nindent \d+$/.test(p)) {
      const pad = ' '.repeat(Number(p.split(' ')[1]));
      value =
        '\n' +
        String(value)
          .split('\n')
          .map((l) => pad + l)
          .join('\n');
    } else throw new Error(`unsupported template function: ${p}`);
  }
  if (value === undefined || value === null) throw new Error(`template value ${head} is not set`);
  return String(value);
}

function condition(expr: string, scope: RenderScope): boolean {
  const not = /^not\s+(\S+)$/.exec(expr);
  return not ? !truthy(lookup(not[1]!, scope)) : truthy(lookup(expr, scope));
}

export function renderTemplate(src: string, scope: RenderScope): string {
  const tokens = tokenize(src);
  // A stack of branches: whether the enclosing blocks and this one are being emitted, and whether a branch was taken.
  const stack: Array<{ emitting: boolean; taken: boolean; parent: boolean }> = [];
  const emitting = () => (stack.length ? stack[stack.length - 1]!.emitting : true);
  let out = '';
  for (const t of tokens) {
    if (t.kind === 'text') {
      if (emitting()) out += t.text;
      continue;
    }
    const body = t.body;
    let m: RegExpExecArray | null;
    if ((m = /^if\s+(.+)$/.exec(body))) {
      const parent = emitting();
      const ok = parent && condition(m[1]!, scope);
      stack.push({ emitting: ok, taken: ok, parent });
    } else if ((m = /^else if\s+(.+)$/.exec(body))) {
      const top = stack[stack.length - 1];
      if (!top) throw new Error('else if without if');
      const ok = top.parent && !top.taken && condition(m[1]!, scope);
      top.emitting = ok;
      top.taken ||= ok;
    } else if (body === 'else') {
      const top = stack[stack.length - 1];
      if (!top) throw new Error('else without if');
      top.emitting = top.parent && !top.taken;
      top.taken = true;
    } else if (body === 'end') {
      if (!stack.pop()) throw new Error('end without if');
    } else if (body.startsWith('/*')) {
      // a comment
    } else if (emitting()) out += expression(body, scope);
  }
  if (stack.length) throw new Error('if without end');
  return out;
}
