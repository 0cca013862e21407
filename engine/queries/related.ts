import { SfsError } from '../errors.js';
import type { ProjectionDb } from '../projections/db.js';
import { search } from './search.js';
import type { SearchHit } from './views.js';

/**
 * Sessions that touched a file or hit an error, found through the full-text index: a
 * path becomes a phrase of its components (the tokenizer splits on `/` and `.`), an
 * error message a phrase of its first line's words, falling back to all of its words.
 */
export interface RelatedSession {
  session_id: string;
  title: string;
  tool: string | null;
  cwd: string | null;
  last_seen: string | null;
  matches: number;
  /** The best-ranked hit's text; matched terms wrapped in « ». */
  snippet: string;
}

export interface RelatedOptions {
  filePath?: string;
  errorText?: string;
  limit?: number;
  sessionIds?: readonly string[];
  excludeSession?: string;
}

function words(s: string, max: number): string[] {
  return (s.match(/[\p{L}\p{N}_]+/gu) ?? []).slice(0, max);
}

function phrase(ws: string[]): string {
  return ws.length ? `"${ws.join(' ')}"` : '';
}

function queries(o: RelatedOptions): string[] {
  if (o.filePath) {
    const ws = words(o.filePath, 12);
    // Also the last two components alone: absolute and relative spellings of one path both match.
    const tail = words(o.filePath.split(/[\\/]/).slice(-2).join('/'), 6);
    return [phrase(ws), phrase(tail)].filter((q, i, a) => q && a.indexOf(q) === i);
  }
  if (o.errorText) {
    const line =
      o.errorText
        .split('\n')
        .map((l) => l.trim())
        .find(Boolean) ?? '';
    const ws = words(line, 12);
    return [
      phrase(ws),
      words(line, 8)
        .map((w) => `"${w}"`)
        .join(' '),
    ].filter((q, i, a) => q && a.indexOf(q) === i);
  }
  throw new SfsError('USAGE', 'give a file path or an error text to look for');
}

export function findRelatedSessions(db: ProjectionDb, o: RelatedOptions): RelatedSession[] {
  const limit = Math.max(1, Math.min(o.limit ?? 10, 100));
  const bySession = new Map<string, RelatedSession & { score: number }>();
  for (const q of queries(o)) {
    if (bySession.size >= limit) break;
    let hits: SearchHit[];
    try {
      hits = search(db, { query: q, raw: true, limit: 500, sessionIds: o.sessionIds });
    } catch (err) {
      if (err instanceof SfsError && err.code === 'USAGE') continue;
      throw err;
    }
    for (const h of hits) {
      if (h.session_id === o.excludeSession) continue;
      const cur = bySession.get(h.session_id);
      if (cur) {
        cur.matches++;
        cur.score += h.score;
        if (h.timestamp && (!cur.last_seen || h.timestamp > cur.last_seen)) cur.last_seen = h.timestamp;
        continue;
      }
      bySession.set(h.session_id, {
        session_id: h.session_id,
        title: h.title,
        tool: h.tool,
        cwd: h.cwd,
        last_seen: h.timestamp,
        matches: 1,
        snippet: h.snippet.replace(/\u0002/g, '«').replace(/\u0003/g, '»'),
        score: h.score,
      });
    }
  }
  return [...bySession.values()]
    .sort((a, b) => b.matches - a.matches || b.score - a.score || (a.session_id < b.session_id ? -1 : 1))
    .slice(0, limit)
    .map(({ score: _score, ...r }) => r);
}
