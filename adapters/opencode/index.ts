import { probeInstallation, type ToolAdapter } from '../../engine/adapter-kit.js';
import { dataDir, dbSourceFor, dbSources } from '../opencode-family/app.js';
import { jsonSessionSources, jsonSourceFor, jsonStampPaths, readJsonSession } from '../opencode-family/json-store.js';
import { readStoreDb } from '../opencode-family/sqlite-store.js';
import { OPENCODE } from './locate.js';

const isDb = (file: string) => file.endsWith('.db');

/** OpenCode: its SQLite store (≥ 1.2) and the JSON files of earlier versions, which 1.2 left in place after migrating them. */
export const adapter: ToolAdapter = {
  tool: 'opencode',
  displayName: 'OpenCode',
  storeDirs: (env) => [dataDir(OPENCODE, env)],
  listSources: async (env) => [...dbSources(OPENCODE, env), ...jsonSessionSources(OPENCODE, env)],
  sourceFor: (changedPath, env) => dbSourceFor(OPENCODE, changedPath, env) ?? jsonSourceFor(OPENCODE, changedPath, env),
  stampPaths: (source, env) => (isDb(source.path) ? [source.path, `${source.path}-wal`] : jsonStampPaths(source, env)),
  read: (source, cursor, env) => (isDb(source.path) ? readStoreDb(OPENCODE, source, cursor) : readJsonSession(OPENCODE, source, cursor, env)),
  newestTested: '1.18.33',
  installation: (env) => probeInstallation(env, { bins: ['opencode'], packages: ['opencode-ai'] }),
};
