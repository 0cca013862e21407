import type Database from 'better-sqlite3';
import { type CaptureProblem, type CapturedSession, parseJsonBounded } from '../../engine/adapter-kit.js';
import { composerSession } from './composer.js';
import { valueText } from '../shared/sqlite.js';
import { isObj, type Raw } from '../shared/values.js';

/**
 * The modern global DB: `cursorDiskKV` rows `composerData:<id>` (one per conversation) and
 * `bubbleId:<composerId>:<bubbleId>` (one per message). Composers whose `lastUpdatedAt`
 * is unchanged since the last read are skipped; the rest are re-read whole.
 */

/** Rows whose key starts with `prefix`, through the key index (`;` sorts right after `:`). */
function rowsWithPrefix(db: Database.Database, prefix: string): { key: string; value: unknown }[] {
  const end = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
  return db.prepare('SELECT key, value FROM cursorDiskKV WHERE key >= ? AND key < ?').all(prefix, end) as { key: string; value: unknown }[];
}

function parseRow(row: { key: string; value: unknown }, dbPath: string, problems: CaptureProblem[]): Raw | null {
  const text = valueText(row.value);
  if (text === null) return null; // deleted / placeholder key
  try {
    const v = parseJsonBounded(text);
    if (isObj(v)) return v;
    problems.push({ path: dbPath, where: row.key, message: 'value is not a JSON object' });
  } catch (e) {
    problems.push({ path: dbPath, where: row.key, message: `invalid JSON: ${(e as Error).message}` });
  }
  return null;
}

export interface GlobalRead {
  sessions: CapturedSession[];
  /** composerId → lastUpdatedAt, for skipping unchanged composers next time. */
  seen: Record<string, number>;
}

export function readGlobalComposers(
  db: Database.Database,
  dbPath: string,
  prevSeen: Record<string, number>,
  cwdOf: (composerId: string) => string | null,
  problems: CaptureProblem[],
): GlobalRead {
  const composers = new Map<string, Raw>();
  for (const row of rowsWithPrefix(db, 'composerData:')) {
    const c = parseRow(row, dbPath, problems);
    if (c) composers.set(row.key.slice('composerData:'.length), c);
  }
  const parentOf = new Map<string, string>();
  for (const [id, c] of composers)
    if (Array.isArray(c.subComposerIds)) for (const child of c.subComposerIds) if (typeof child === 'string') parentOf.set(child, id);

  const out: GlobalRead = { sessions: [], seen: {} };
  for (const [id, c] of composers) {
    const updated = typeof c.lastUpdatedAt === 'number' ? c.lastUpdatedAt : null;
    if (updated !== null) out.seen[id] = updated;
    if (updated !== null && prevSeen[id] === updated) continue;
    const bubbles = new Map<string, Raw>();
    try {
      for (const row of rowsWithPrefix(db, `bubbleId:${id}:`)) {
        const b = parseRow(row, dbPath, problems);
        if (b) bubbles.set(row.key.slice(`bubbleId:${id}:`.length), b);
      }
      const session = composerSession(id, c, { dbPath, bubbles, cwd: cwdOf(id), parentId: parentOf.get(id) ?? null, problems });
      if (session.messages.length) out.sessions.push(session);
    } catch (e) {
      delete out.seen[id]; // try again next time
      problems.push({ path: dbPath, where: `composerData:${id}`, message: `cannot read composer: ${(e as Error).message}` });
    }
  }
  return out;
}
