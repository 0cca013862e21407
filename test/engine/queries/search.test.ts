import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { LocalLog } from '../../../engine/log/local-log.js';
import { Projections } from '../../../engine/projections/projections.js';
import type { ProjectionDb } from '../../../engine/projections/db.js';
import { RANK_CAP, search, toFtsQuery, type SearchOptions } from '../../../engine/queries/search.js';
import { SfsError } from '../../../engine/errors.js';
import { tempDir } from '../../helpers/tmp.js';

/**
 * search() takes its hits from the top of FTS5's order and joins, filters and widens from
 * there. Checked here against the plain definition: every match scored, joined, filtered,
 * sorted, cut to the limit.
 */

const at = (m: number) => new Date(Date.UTC(2026, 0, 1, 0, m)).toISOString();

interface Spec {
  id: string;
  tool: string;
  cwd: string;
  title: string;
  texts: string[];
  deleted?: boolean;
}

async function store(t: TestContext, specs: Spec[]): Promise<ProjectionDb> {
  const dir = tempDir(t);
  const log = await LocalLog.open(join(dir, 'log'));
  const p = new Projections(join(dir, 'p.sqlite'), log);
  t.after(async () => {
    p.close();
    await log.close();
  });
  let minute = 0;
  for (const s of specs) {
    const created = at(minute);
    await log.append({
      events: [{ type: 'session.discovered', session: s.id, body: { tool: s.tool, created_at: created, via: 'capture', title: s.title, cwd: s.cwd } } as never],
    });
    for (let i = 0; i < s.texts.length; i += 200) {
      const messages = s.texts.slice(i, i + 200).map((text, j) => ({
        msg_id: `${s.id}-${i + j}`,
        parent_msg_id: null,
        role: (i + j) % 2 ? 'assistant' : 'user',
        content: [{ type: 'text', text }],
        timestamp: at(++minute),
      }));
      await log.append({ events: [{ type: 'messages.captured', session: s.id, body: { messages } } as never] });
    }
    if (s.deleted) await log.append({ events: [{ type: 'session.deleted', session: s.id, body: {} } as never] });
  }
  await p.catchUp();
  return p.db;
}

interface Hit {
  kind: string;
  session_id: string;
  msg_id: string | null;
  score: number;
  snippet: string;
}

/** The definition: every match, scored by bm25, joined, filtered and sorted in JavaScript. */
function reference(db: ProjectionDb, o: SearchOptions, order: 'score' | 'newest'): Hit[] {
  const rows = db
    .prepare(
      `SELECT f.r, f.score, f.snip, m.msg_id, m.role, m.ts, se.id AS session_id, se.tool, se.cwd, se.created_at, se.updated_at, se.deleted
       FROM (SELECT rowid AS r, bm25(search) AS score, snippet(search, 0, char(2), char(3), '…', 16) AS snip FROM search WHERE search MATCH ?) f
       LEFT JOIN messages m ON m.rowid = f.r JOIN sessions se ON se.rowid = IIF(f.r > 0, m.session, -f.r)`,
    )
    .all(o.raw ? o.query : toFtsQuery(o.query)) as Array<Record<string, any>>;
  const kept = rows.filter((r) => {
    if (r.deleted || (o.tool && r.tool !== o.tool)) return false;
    if (o.directories && !o.directories.some((d) => r.cwd === d || r.cwd.startsWith(d + '/'))) return false;
    if (r.r > 0) return (!o.since || r.ts >= o.since) && (!o.until || r.ts < o.until) && (!o.role || r.role === o.role);
    const last = r.updated_at ?? r.created_at;
    const first = r.created_at ?? r.updated_at;
    return !o.role && (!o.since || last >= o.since) && (!o.until || first < o.until);
  });
  const hit = (r: Record<string, any>): Hit => ({
    kind: r.r > 0 ? 'message' : 'session',
    session_id: r.session_id,
    msg_id: r.r > 0 ? r.msg_id : null,
    score: -r.score,
    snippet: r.snip,
  });
  const limit = o.limit ?? 20;
  if (order === 'newest') {
    const messages = kept.filter((r) => r.r > 0).sort((a, b) => b.r - a.r);
    const sessions = kept.filter((r) => r.r < 0).sort((a, b) => a.score - b.score);
    return [...messages, ...sessions].slice(0, limit).map((r) => ({ ...hit(r), score: r.r > 0 ? -0 : -r.score }));
  }
  return kept
    .map(hit)
    .sort((a, b) => b.score - a.score || (a.session_id < b.session_id ? -1 : 1))
    .slice(0, limit);
}

const shape = (hits: Hit[]) => hits.map((h) => ({ kind: h.kind, session_id: h.session_id, msg_id: h.msg_id, score: h.score, snippet: h.snippet }));

/** Distinct lengths give distinct bm25 scores, so the order (and the cut) is the same either way. */
const filler = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`).join(' ');

test('ranked search equals the plain definition, through filters that drop the best matches', async (t) => {
  const db = await store(t, [
    // The shortest, best-scoring "alpha" messages are in a deleted session: the first cap finds only them.
    {
      id: 'ses_deleted0',
      tool: 'codex',
      cwd: '/srv/a',
      title: 'alpha gone',
      texts: Array.from({ length: 30 }, (_, i) => `alpha ${filler(i % 3)}`),
      deleted: true,
    },
    {
      id: 'ses_codex000',
      tool: 'codex',
      cwd: '/srv/a',
      title: 'alpha notes',
      texts: Array.from({ length: 40 }, (_, i) => `alpha ${i % 4 ? '' : 'beta'} ${filler(5 + i)}`),
    },
    {
      id: 'ses_claude00',
      tool: 'claude-code',
      cwd: '/srv/b/x',
      title: 'beta plans',
      texts: Array.from({ length: 450 }, (_, i) => `${i % 3 ? 'alpha' : 'gamma'} beta ${filler(50 + i)}`),
    },
    { id: 'ses_gemini00', tool: 'gemini-cli', cwd: '/srv/bb', title: 'alpha in the title only', texts: [`delta ${filler(3)}`] },
  ]);
  const cases: SearchOptions[] = [
    { query: 'alpha' },
    { query: 'alpha', limit: 5 },
    { query: 'alpha', limit: 300 },
    { query: 'beta' },
    { query: 'alpha beta' },
    { query: 'title' },
    { query: 'alpha', tool: 'claude-code' },
    { query: 'alpha', tool: 'codex', limit: 3 },
    { query: 'alpha', directories: ['/srv/b'] },
    { query: 'alpha', directories: ['/srv/a', '/srv/bb'] },
    { query: 'alpha', since: at(300) },
    { query: 'alpha', until: at(60) },
    { query: 'alpha', role: 'assistant', limit: 7 },
    { query: 'beta', role: 'user', tool: 'codex' },
    { query: 'alpha OR delta', raw: true, limit: 50 },
    { query: 'nothing-matches-this' },
  ];
  for (const o of cases) {
    assert.deepEqual(shape(search(db, o)), shape(reference(db, o, 'score')), JSON.stringify(o));
  }
  // The first cap (the limit) holds only the deleted session's hits: the rest come from the second pass.
  assert.ok(search(db, { query: 'alpha' }).every((h) => h.session_id !== 'ses_deleted0'));
  assert.equal(search(db, { query: 'alpha' }).length, 20);
  assert.throws(
    () => search(db, { query: 'alpha AND (', raw: true }),
    (e: unknown) => e instanceof SfsError && e.code === 'USAGE',
  );
});

test(`past ${RANK_CAP} matches the newest messages win, then the best session documents`, async (t) => {
  const db = await store(t, [
    {
      id: 'ses_common00',
      tool: 'codex',
      cwd: '/srv/a',
      title: 'common title',
      texts: Array.from({ length: RANK_CAP + 50 }, (_, i) => `common ${filler(i % 7)}`),
    },
    { id: 'ses_other000', tool: 'claude-code', cwd: '/srv/b', title: 'other common', texts: ['common here too', 'and not here'] },
  ]);
  for (const o of [
    { query: 'common' },
    { query: 'common', limit: 3 },
    { query: 'common', tool: 'codex' },
    { query: 'common', role: 'assistant', limit: 30 },
    { query: 'common', tool: 'claude-code' }, // one message hit, then the session document
  ] as SearchOptions[]) {
    assert.deepEqual(shape(search(db, o)), shape(reference(db, o, 'newest')), JSON.stringify(o));
  }
});
