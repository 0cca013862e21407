import Database from 'better-sqlite3';
import { randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  assertRegularFileSync,
  SfsError,
  type AdapterEnv,
  type ImageBlock,
  type Message,
  type PreparedSession,
  type ResumeTarget,
  type SessionWriter,
  type ToolResultBlock,
  type WriteOptions,
  type WrittenSession,
} from '../../engine/adapter-kit.js';
import { base64Image, imagePlaceholder, objectInput, resultText } from '../shared/blocks.js';
import { targetDbFile, type OpenCodeApp } from './app.js';
import { IdMaker } from './ids.js';
import { projectFor } from './project.js';

/**
 * Writes a native session into an OpenCode-family database (OpenCode, the Kilo CLI): one
 * `session` row, a `message` row per turn and a `part` row per block, shaped as OpenCode
 * 1.18.33 and Kilo 7.7.7 write them (fixtures). A user turn is one user message (text
 * parts, images as `file` parts with a data URL); an assistant turn is one assistant
 * message whose tool parts carry their results (`state.status` completed or error), as the
 * tools record a step. Only new rows are inserted, in one immediate transaction, and only
 * into columns the database has; a database another process holds locked is refused
 * (TARGET_BUSY) rather than waited on or forced.
 */
export interface OpenCodeTarget extends OpenCodeApp {
  target: ResumeTarget;
  binary: string;
  installHint: string;
  /** The agent the tool runs by default (`build` in OpenCode, `code` in Kilo). */
  agent: string;
  /** The version whose resume of a written session was verified (recorded on the session). */
  verifiedVersion: string;
}

type Obj = Record<string, unknown>;
interface Row {
  table: 'message' | 'part';
  id: string;
  messageId?: string;
  time: number;
  data: Obj;
}

const WORDS = ['brave', 'calm', 'eager', 'gentle', 'quiet', 'swift', 'tidy', 'witty'];
const NOUNS = ['cabin', 'comet', 'harbor', 'lagoon', 'meadow', 'river', 'summit', 'wizard'];

function userText(m: Message): string {
  return m.content
    .filter((b) => b.type === 'text')
    .map((b) => (b as { text: string }).text)
    .join('\n\n');
}

/**
 * Times for the messages: their own when they increase, else one millisecond after the
 * previous, and all before `now` so the tool's next message sorts after them.
 */
function messageTimes(msgs: Message[], now: number): number[] {
  const out: number[] = [];
  let prev = 0;
  msgs.forEach((m, i) => {
    const latest = now - (msgs.length - i) * 10;
    const own = m.timestamp ? Date.parse(m.timestamp) : NaN;
    const t = Math.min(Math.max(Number.isFinite(own) ? own : prev + 1, prev + 1), latest);
    out.push(Math.max(t, prev + 1));
    prev = out[out.length - 1]!;
  });
  return out;
}

/** The message and part rows of the session (no tool message: results go on their call's part). */
export function openCodeRows(t: OpenCodeTarget, p: PreparedSession, o: WriteOptions, ids: IdMaker): Row[] {
  const rows: Row[] = [];
  const msgs = p.messages;
  const times = messageTimes(msgs, o.now.getTime());
  const sameTool = p.source.tool === t.tool;
  let lastUser: string | null = null;
  for (let i = 0; i < msgs.length; i++) {
    const m = msgs[i]!;
    if (m.role === 'tool') continue;
    const at = times[i]!;
    // Ids encode their time in 48 bits, which wrap every 2.2 years, and the Kilo CLI orders a
    // session by id: ids are minted just before `now` (in message order) so that the history
    // sorts before everything the tool adds, whatever the recorded times.
    const idAt = o.now.getTime() - 1000 - (msgs.length - i);
    const id = ids.make('msg', idAt);
    const parts: Obj[] = [];
    if (m.role === 'user') {
      let n = 0;
      for (const b of m.content) {
        if (b.type === 'text') parts.push({ type: 'text', text: (b as { text: string }).text });
        else if (b.type === 'image') {
          const img = base64Image(b as ImageBlock);
          if (img)
            parts.push({
              type: 'file',
              mime: img.mediaType,
              url: `data:${img.mediaType};base64,${img.data}`,
              filename: `image-${++n}.${img.mediaType.split('/')[1] ?? 'png'}`,
            });
          else parts.push({ type: 'text', text: imagePlaceholder(b as ImageBlock) });
        }
      }
      rows.push({ table: 'message', id, time: at, data: { role: 'user', time: { created: at }, agent: t.agent } });
      lastUser = id;
    } else {
      const next = msgs[i + 1];
      const results = new Map<string, ToolResultBlock>();
      if (next?.role === 'tool') for (const r of next.content as ToolResultBlock[]) results.set(r.tool_use_id, r);
      const end = (times[i + 1] ?? at + 1) - 1;
      let calls = 0;
      for (const b of m.content) {
        if (b.type === 'text') parts.push({ type: 'text', text: (b as { text: string }).text, time: { start: at, end: at } });
        else if (b.type === 'thinking') {
          const th = b as { text: string; signature?: string | null };
          // prepare() keeps a signature only for the tool that issued it, i.e. a same-tool resume.
          const meta = sameTool && th.signature ? { metadata: { [m.provider ?? 'anthropic']: { signature: th.signature } } } : {};
          parts.push({ type: 'reasoning', text: th.text, time: { start: at, end: at }, ...meta });
        } else if (b.type === 'tool_use') {
          calls++;
          const u = b as { tool_use_id: string; name: string; input: unknown };
          const r = results.get(u.tool_use_id)!;
          const output = resultText(r);
          const time = { start: at, end: Math.max(at, end) };
          const input = objectInput(u.input);
          const state = r.is_error
            ? { status: 'error', input, error: output, time }
            : { status: 'completed', input, output, metadata: {}, title: u.name, time };
          parts.push({ type: 'tool', tool: u.name, callID: u.tool_use_id, state });
        }
      }
      const finish = calls ? 'tool-calls' : 'stop';
      rows.push({
        table: 'message',
        id,
        time: at,
        data: {
          parentID: lastUser,
          role: 'assistant',
          mode: t.agent,
          agent: t.agent,
          path: { cwd: o.cwd, root: o.cwd },
          cost: 0,
          tokens: { input: 0, output: 0, reasoning: 0, cache: { read: 0, write: 0 } },
          modelID: m.model ?? p.source.model ?? 'unknown',
          providerID: m.provider ?? p.source.provider ?? p.source.tool,
          time: { created: at, completed: Math.max(at, end) },
          finish,
        },
      });
      parts.unshift({ type: 'step-start' });
      parts.push({ type: 'step-finish', reason: finish, tokens: { input: 0, output: 0, reasoning: 0, cache: { read: 0, write: 0 } }, cost: 0 });
    }
    for (const part of parts) rows.push({ table: 'part', id: ids.make('prt', idAt), messageId: id, time: at, data: part });
  }
  return rows;
}

function columnsOf(db: Database.Database, table: string): Map<string, { notnull: boolean; hasDefault: boolean }> {
  const out = new Map<string, { notnull: boolean; hasDefault: boolean }>();
  for (const c of db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string; notnull: number; dflt_value: unknown; pk: number }>)
    out.set(c.name, { notnull: c.notnull === 1 && c.pk === 0, hasDefault: c.dflt_value !== null });
  return out;
}

/** Inserts the columns the table has; refuses when it requires one we do not know (a newer schema). */
function insert(db: Database.Database, table: string, values: Obj, file: string): void {
  const cols = columnsOf(db, table);
  const missing = [...cols].filter(([name, c]) => c.notnull && !c.hasDefault && !(name in values)).map(([n]) => n);
  if (missing.length)
    throw new SfsError(
      'INVALID_INPUT',
      `${file}: table ${table} requires columns this version of SessionFS does not know (${missing.join(', ')}); not writing`,
    );
  const names = Object.keys(values).filter((k) => cols.has(k));
  db.prepare(`INSERT INTO ${table} (${names.map((n) => `"${n}"`).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`).run(
    ...names.map((n) => values[n] ?? null),
  );
}

const isBusy = (e: unknown) => /^SQLITE_(BUSY|LOCKED)/.test(String((e as { code?: unknown }).code ?? ''));

export function makeOpenCodeWriter(t: OpenCodeTarget): SessionWriter {
  return {
    tool: t.target,
    displayName: t.displayName,
    binary: t.binary,
    installHint: t.installHint,
    async write(p: PreparedSession, o: WriteOptions, env: AdapterEnv): Promise<WrittenSession> {
      const file = targetDbFile(t, env);
      if (!existsSync(file))
        throw new SfsError('NOT_FOUND', `${t.displayName} has no session database at ${file} yet; run \`${t.binary}\` once, then resume again`, { path: file });
      assertRegularFileSync(file); // better-sqlite3 would block opening a FIFO
      let db: Database.Database;
      try {
        db = new Database(file, { fileMustExist: true, timeout: 2000 });
      } catch (e) {
        if (isBusy(e)) throw busy(t, file, e);
        throw e;
      }
      try {
        const missing = ['session', 'message', 'part', 'project'].filter(
          (x) => !db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(x),
        );
        if (missing.length)
          throw new SfsError('INVALID_INPUT', `${file} is not a ${t.displayName} session database (no ${missing.join(', ')} table); not writing`);
        const ids = new IdMaker();
        const now = o.now.getTime();
        const rows = openCodeRows(t, p, o, ids);
        const sessionId = ids.make('ses', now, true);
        const first = p.messages.find((m) => m.role === 'user');
        const title = (o.title ?? (first ? userText(first) : '') ?? '').trim().slice(0, 100) || 'Resumed session';
        const model = o.model && p.source.tool === t.tool && p.source.provider ? JSON.stringify({ id: o.model, providerID: p.source.provider }) : null;
        db.transaction(() => {
          const project = projectFor(db, o.cwd, t.name);
          if (!project.exists)
            insert(
              db,
              'project',
              { id: project.id, worktree: project.worktree, vcs: project.vcs, sandboxes: '[]', time_created: now, time_updated: now },
              file,
            );
          insert(
            db,
            'session',
            {
              id: sessionId,
              project_id: project.id,
              slug: `${WORDS[randomInt(WORDS.length)]}-${NOUNS[randomInt(NOUNS.length)]}`,
              directory: o.cwd,
              path: '',
              title,
              version: t.verifiedVersion,
              agent: t.agent,
              model,
              time_created: now,
              time_updated: now,
            },
            file,
          );
          for (const r of rows) {
            const base = { id: r.id, session_id: sessionId, time_created: r.time, time_updated: r.time, data: JSON.stringify(r.data) };
            insert(db, r.table, r.table === 'part' ? { ...base, message_id: r.messageId } : base, file);
          }
        }).immediate();
        return { tool: t.target, nativeId: sessionId, path: file, files: [file], cwd: o.cwd, records: rows.length + 1 };
      } catch (e) {
        if (isBusy(e)) throw busy(t, file, e);
        throw e;
      } finally {
        db.close();
      }
    },
    launch: (w, o) => ({ command: t.binary, args: ['--session', w.nativeId, ...(o.model && o.model.includes('/') ? ['--model', o.model] : [])], cwd: w.cwd }),
  };
}

function busy(t: OpenCodeTarget, file: string, e: unknown): SfsError {
  return new SfsError(
    'TARGET_BUSY',
    `${t.displayName} holds its database ${file} locked (${(e as Error).message}); close ${t.displayName} and resume again`,
    { path: file },
    { cause: e },
  );
}
