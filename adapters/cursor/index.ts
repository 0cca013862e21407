import { readdirSync, statSync } from 'node:fs';
import { probeInstallation, type AdapterEnv, type CaptureSource, type ReadResult, type ToolAdapter } from '../../engine/adapter-kit.js';
import path from 'node:path';
import { listTranscripts, readTranscript, transcriptSourceFor } from './agent-transcripts.js';
import { CURSOR_DB_NAME as DB_NAME, cursorDotDir, cursorStoreDirs, cursorUserDir } from './locate.js';

/**
 * Cursor IDE: SQLite `state.vscdb` files, read-only and rewrite-style. The global DB holds
 * every modern conversation; each workspace DB may hold older inline conversations. One
 * DB yields many sessions. Cursor Agent transcripts (`~/.cursor/projects/…/agent-transcripts/
 * *.jsonl`) are append-style sources of one session each (agent-transcripts.ts).
 */
function dbSources(env: AdapterEnv): string[] {
  const [globalDir, workspaceDir] = cursorStoreDirs(env) as [string, string];
  const out = [path.join(globalDir, DB_NAME)];
  try {
    for (const d of readdirSync(workspaceDir).sort()) out.push(path.join(workspaceDir, d, DB_NAME));
  } catch {
    // no workspace DBs
  }
  return out;
}

export const adapter: ToolAdapter = {
  tool: 'cursor',
  displayName: 'Cursor',
  storeDirs: cursorStoreDirs,
  async listSources(env) {
    const out: CaptureSource[] = [];
    for (const p of dbSources(env)) {
      try {
        if (statSync(p).isFile()) out.push({ path: p, style: 'rewrite' });
      } catch {
        // not there
      }
    }
    for (const p of listTranscripts(env)) out.push({ path: p, style: 'append' });
    return out;
  },
  sourceFor(changedPath, env) {
    const transcript = transcriptSourceFor(changedPath, env);
    if (transcript) return transcript;
    const [globalDir, workspaceDir] = cursorStoreDirs(env) as [string, string];
    const abs = path.resolve(changedPath);
    const dir = path.dirname(abs);
    const base = path.basename(abs);
    const isDbFile = base === DB_NAME || base === `${DB_NAME}-wal` || base === `${DB_NAME}-shm`;
    if (isDbFile && dir === path.resolve(globalDir)) return { path: path.join(dir, DB_NAME), style: 'rewrite' };
    if ((isDbFile || base === 'workspace.json') && path.dirname(dir) === path.resolve(workspaceDir)) return { path: path.join(dir, DB_NAME), style: 'rewrite' };
    return null;
  },
  // A database and its -wal (and workspace.json, the folder it belongs to); a transcript also
  // reads a CLI store.db found by searching, so it is always read.
  stampPaths: (source) => (source.path.endsWith('.jsonl') ? null : [source.path, `${source.path}-wal`, path.join(path.dirname(source.path), 'workspace.json')]),
  async read(source, cursor, env, opts): Promise<ReadResult> {
    if (source.path.endsWith('.jsonl')) return readTranscript(source, cursor, env, opts);
    // The database reader is loaded on the first database that changed: a pass that finds nothing new never parses its code.
    return (await import('./read-db.js')).readDatabase(source, cursor);
  },
  // Cursor's editor is an app (no version on disk sfs can read cheaply); the Cursor Agent CLI
  // installs as `…/cursor-agent/versions/<version>/`, which is not a semantic version.
  newestTested: null,
  installation: (env) =>
    probeInstallation(env, {
      bins: ['cursor-agent'],
      traces: [path.join(cursorUserDir(env), 'settings.json'), path.join(cursorDotDir(env), 'cli-config.json')],
    }),
};
