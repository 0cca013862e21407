import { DETECTORS, type Detector } from './detectors.js';

export interface Finding {
  detector: string;
  kind: Detector['kind'];
  /** Where in the value: a JSON-pointer-like path. */
  path: string;
  /** The secret with all but its first 4 characters masked, for reports. */
  preview: string;
}

interface Span {
  start: number;
  end: number;
  detector: Detector;
}

/** Keys whose values are identifiers, never content: left alone so replicas stay consistent. */
const ID_KEYS = new Set(['msg_id', 'parent_msg_id', 'id', 'tool_use_id', 'session_id', 'from_session', 'at_msg', 'native_id', 'agent_id', 'parent_session_id']);

function spans(text: string): Span[] {
  const out: Span[] = [];
  for (const d of DETECTORS) {
    if (d.hint && !d.hint(text)) continue;
    d.re.lastIndex = 0;
    for (let m = d.re.exec(text); m; m = d.re.exec(text)) {
      if (m[0].length === 0) {
        d.re.lastIndex++;
        continue;
      }
      const secret = d.group ? m[d.group]! : m[0];
      if (d.accept && !d.accept(secret, m)) continue;
      const start =
        d.group && m.indices?.[d.group]
          ? m.indices[d.group]![0]
          : m.index + (d.group ? m[0].indexOf(secret, d.id === 'env-secret' ? m[0].indexOf('=') : 0) : 0);
      out.push({ start, end: start + secret.length, detector: d });
    }
  }
  // Overlaps (a JWT inside an env line) count once, the earliest and longest span winning.
  out.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Span[] = [];
  for (const s of out) if (!merged.length || s.start >= merged[merged.length - 1]!.end) merged.push(s);
  return merged;
}

function preview(secret: string): string {
  return secret.length <= 4 ? '****' : secret.slice(0, 4) + '*'.repeat(Math.min(12, secret.length - 4));
}

export function scanText(text: string, path = ''): Finding[] {
  return spans(text).map((s) => ({ detector: s.detector.id, kind: s.detector.kind, path, preview: preview(text.slice(s.start, s.end)) }));
}

export function redactText(text: string): { text: string; findings: Finding[] } {
  const found = spans(text);
  if (!found.length) return { text, findings: [] };
  let out = '';
  let at = 0;
  for (const s of found) {
    out += text.slice(at, s.start) + `[REDACTED:${s.detector.id}]`;
    at = s.end;
  }
  return {
    text: out + text.slice(at),
    findings: found.map((s) => ({ detector: s.detector.id, kind: s.detector.kind, path: '', preview: preview(text.slice(s.start, s.end)) })),
  };
}

/** Every finding in every string of a JSON-like value. */
export function scanValue(value: unknown, path = ''): Finding[] {
  const out: Finding[] = [];
  visit(value, path, (text, p) => {
    for (const f of scanText(text, p)) out.push(f);
  });
  return out;
}

/** The strings of a value, as walk sees them, without building a copy (scanning allocates nothing per node). */
function visit(value: unknown, path: string, fn: (text: string, path: string) => void): void {
  if (typeof value === 'string') return fn(value, path);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) visit(value[i], `${path}/${i}`, fn);
    return;
  }
  if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) if (!ID_KEYS.has(k)) visit(v, `${path}/${k}`, fn);
}

/** A copy of the value with every finding replaced by `[REDACTED:<detector>]`; the input is not changed. */
export function redactValue<T>(value: T, path = ''): { value: T; findings: Finding[] } {
  const findings: Finding[] = [];
  const v = walk(value, path, (text, p) => {
    const r = redactText(text);
    for (const f of r.findings) findings.push({ ...f, path: p });
    return r.text;
  });
  return { value: v as T, findings };
}

function walk(value: unknown, path: string, fn: (text: string, path: string) => string): unknown {
  if (typeof value === 'string') return fn(value, path);
  if (Array.isArray(value)) return value.map((v, i) => walk(v, `${path}/${i}`, fn));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = ID_KEYS.has(k) ? v : walk(v, `${path}/${k}`, fn);
    return out;
  }
  return value;
}
