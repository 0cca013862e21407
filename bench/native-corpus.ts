import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Native session stores for the capture benchmarks, generated from the fixture files the
 * tools wrote themselves (test/fixtures/<tool>/generated-*; public shapes for the tools
 * without generated ones). Each copy of a template gets fresh ids — every UUID is remapped
 * per copy, in file names and contents — so every copy is a distinct session to the adapter.
 */
export const FIXTURES = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** The same UUID maps to the same new one within a copy, to a different one in every other copy. */
export function remapIds(text: string, copy: number): string {
  return text.replace(UUID, (u) => u.slice(0, 24) + createHash('md5').update(`${u}:${copy}`).digest('hex').slice(0, 12));
}

interface TemplateFile {
  rel: string;
  text: string;
}

function readTree(root: string, keep: (rel: string) => boolean = () => true): TemplateFile[] {
  const out: TemplateFile[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (keep(relative(root, p))) out.push({ rel: relative(root, p), text: readFileSync(p, 'utf8') });
    }
  };
  walk(root);
  return out;
}

function writeCopy(files: TemplateFile[], destRoot: string, copy: number, extra: (s: string) => string = (s) => s): number {
  let bytes = 0;
  for (const f of files) {
    const dest = join(destRoot, extra(remapIds(f.rel, copy)));
    mkdirSync(dirname(dest), { recursive: true });
    const text = extra(remapIds(f.text, copy));
    writeFileSync(dest, text);
    bytes += Buffer.byteLength(text);
  }
  return bytes;
}

export interface ToolCorpusPlan {
  tool: string;
  /** Sessions one copy of the template holds (sub-agents count). */
  perCopy: number;
  write(home: string, copies: number): number;
}

const gen = (tool: string, sub: string) => join(FIXTURES, tool, sub);
const CLINE_CLASSIC = join(FIXTURES, 'cline/public/Dicklesworthstone-cross_agent_session_resumer/tasks/1700001234567/api_conversation_history.json');

/** A VS Code extension task folder (Roo Code, Kilo Code) with the fixture's API history. */
function vscodeTasks(extension: string, salt: string): ToolCorpusPlan {
  const api = readFileSync(CLINE_CLASSIC, 'utf8');
  return {
    tool: salt,
    perCopy: 1,
    write(home, copies) {
      let bytes = 0;
      const root = join(home, '.config/Code/User/globalStorage', extension, 'tasks');
      for (let k = 0; k < copies; k++) {
        const id = remapIds(`019a0b1c-2d3e-7f00-8000-${salt.length.toString(16).padStart(12, '0')}`, k);
        mkdirSync(join(root, id), { recursive: true });
        writeFileSync(join(root, id, 'api_conversation_history.json'), api);
        bytes += api.length;
      }
      return bytes;
    },
  };
}

export const PLANS: ToolCorpusPlan[] = [
  (() => {
    const files = readTree(gen('claude-code', 'generated-claude-code-2.1.197/dot-claude/projects/-home-dev-projects-demo-app'));
    return {
      tool: 'claude-code',
      perCopy: 4,
      write: (home: string, n: number) => sum(n, (k) => writeCopy(files, join(home, '.claude/projects', `-home-dev-projects-app${k}`), k)),
    };
  })(),
  (() => {
    const files = readTree(gen('codex', 'generated-codex-0.169.0/dot-codex/sessions'));
    return {
      tool: 'codex',
      perCopy: 4,
      write: (home: string, n: number) =>
        sum(n, (k) =>
          writeCopy(files, join(home, '.codex/sessions'), k, (s) =>
            s.replace('2026/11/24/', `2026/${String(1 + (k % 12)).padStart(2, '0')}/${String(1 + (k % 28)).padStart(2, '0')}/`),
          ),
        ),
    };
  })(),
  (() => {
    const files = readTree(gen('gemini', 'generated-gemini-cli-0.61.0/dot-gemini/tmp/demo-app'), (r) => r !== 'logs.json');
    return { tool: 'gemini', perCopy: 4, write: (home: string, n: number) => sum(n, (k) => writeCopy(files, join(home, '.gemini/tmp', `app${k}`), k)) };
  })(),
  (() => {
    const files = readTree(gen('copilot', 'generated-copilot-cli-1.0.102/dot-copilot/session-state'));
    return { tool: 'copilot', perCopy: 3, write: (home: string, n: number) => sum(n, (k) => writeCopy(files, join(home, '.copilot/session-state'), k)) };
  })(),
  {
    tool: 'cursor',
    perCopy: 1,
    write(home, copies) {
      const src = new Database(join(FIXTURES, 'cursor/public/Dicklesworthstone-cross_agent_session_resumer/state.vscdb'), { readonly: true });
      const rows = src.prepare('SELECT key, value FROM cursorDiskKV').all() as Array<{ key: string; value: string }>;
      src.close();
      const dir = join(home, '.config/Cursor/User/globalStorage');
      mkdirSync(dir, { recursive: true });
      const db = new Database(join(dir, 'state.vscdb'));
      db.exec('CREATE TABLE IF NOT EXISTS cursorDiskKV (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB)');
      const put = db.prepare('INSERT INTO cursorDiskKV(key, value) VALUES (?, ?)');
      let bytes = 0;
      db.transaction(() => {
        for (let k = 0; k < copies; k++) {
          for (const r of rows) {
            const v = r.value.replaceAll('cur-composer-001', `cur-composer-${k}`);
            put.run(r.key.replace('cur-composer-001', `cur-composer-${k}`), v);
            bytes += v.length;
          }
        }
      })();
      db.close();
      return bytes;
    },
  },
  (() => {
    const files = readTree(join(FIXTURES, 'amp/public/Dicklesworthstone-cross_agent_session_resumer'));
    return { tool: 'amp', perCopy: 2, write: (home: string, n: number) => sum(n, (k) => writeCopy(files, join(home, '.local/share/amp/threads'), k)) };
  })(),
  (() => {
    const files = readTree(gen('cline', 'generated-cline-cli-3.0.65-sdk-sessions/sessions'));
    const id = '1795493231239_9szvx';
    return {
      tool: 'cline',
      perCopy: 1,
      write: (home: string, n: number) =>
        sum(n, (k) => writeCopy(files, join(home, '.cline/data/sessions'), k, (s) => s.replaceAll(id, `${1795493231239 + k}_9szvx`))),
    };
  })(),
  vscodeTasks('rooveterinaryinc.roo-cline', 'roo-code'),
  vscodeTasks('kilocode.kilo-code', 'kilo-code'),
  {
    // One database holding every copy of the OpenCode 1.18.33 sessions, each row id suffixed per copy.
    tool: 'opencode',
    perCopy: 3,
    write(home, copies) {
      const dir = join(home, '.local/share/opencode');
      mkdirSync(dir, { recursive: true });
      const db = new Database(join(dir, 'opencode.db'));
      db.exec(`ATTACH DATABASE '${gen('opencode', 'generated-opencode-1.18.33/dot-local-share-opencode/opencode.db').replaceAll("'", "''")}' AS src`);
      const schema = db.prepare("SELECT sql FROM src.sqlite_master WHERE type = 'table' AND name IN ('project', 'session', 'message', 'part')").all() as Array<{
        sql: string;
      }>;
      for (const t of schema) db.exec(t.sql);
      db.exec('INSERT INTO project SELECT * FROM src.project');
      const cols = (db.prepare('PRAGMA src.table_info(session)').all() as Array<{ name: string }>).map((c) => c.name);
      db.transaction(() => {
        for (let k = 0; k < copies; k++) {
          db.exec(`INSERT INTO session SELECT ${cols.map((c) => (c === 'id' ? `id || 'c${k}'` : `"${c}"`)).join(', ')} FROM src.session`);
          db.exec(`INSERT INTO message SELECT id || 'c${k}', session_id || 'c${k}', time_created, time_updated, data FROM src.message`);
          db.exec(`INSERT INTO part SELECT id || 'c${k}', message_id || 'c${k}', session_id || 'c${k}', time_created, time_updated, data FROM src.part`);
        }
      })();
      // With the tool's own indexes (per-session reads by session_id): without them each session's read scans the whole table.
      const indexes = db
        .prepare("SELECT sql FROM src.sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('project', 'session', 'message', 'part')")
        .all() as Array<{ sql: string }>;
      for (const ix of indexes) db.exec(ix.sql);
      db.exec('DETACH DATABASE src');
      db.close();
      return fileBytes(join(dir, 'opencode.db'));
    },
  },
];

function sum(n: number, f: (k: number) => number): number {
  let t = 0;
  for (let k = 0; k < n; k++) t += f(k);
  return t;
}

export interface WrittenCorpus {
  perTool: Array<{ tool: string; copies: number; sessions: number; bytes: number }>;
  sessions: number;
  bytes: number;
}

/** Writes about `sessions` sessions spread evenly over the tools into `home`. */
export function writeNativeCorpus(home: string, sessions: number): WrittenCorpus {
  const each = sessions / PLANS.length;
  const perTool = PLANS.map((p) => {
    const copies = Math.max(1, Math.round(each / p.perCopy));
    return { tool: p.tool, copies, sessions: copies * p.perCopy, bytes: p.write(home, copies) };
  });
  return { perTool, sessions: perTool.reduce((n, t) => n + t.sessions, 0), bytes: perTool.reduce((n, t) => n + t.bytes, 0) };
}

export function fileBytes(p: string): number {
  return statSync(p).size;
}
