import path from 'node:path';
import { probeInstallation, type ToolAdapter } from '../../engine/adapter-kit.js';
import { makeClineFamilyAdapter } from '../cline-family/make-adapter.js';
import { dataDir, dbSourceFor, dbSources } from '../opencode-family/app.js';
import { readStoreDb } from '../opencode-family/sqlite-store.js';
import { KILO_CLI, KILO_EXTENSION_IDS, kiloTaskRoots } from './locate.js';

/**
 * Kilo Code (VS Code extension, a Roo fork): Roo's task layout with its own index
 * `task_history.json` beside tasks/, and several historical names for the UI timeline.
 */
const extension: ToolAdapter = makeClineFamilyAdapter({
  tool: 'kilo-code',
  displayName: 'Kilo Code',
  taskRoots: kiloTaskRoots,
  task: {
    uiFileNames: ['ui_messages.json', 'cline_messages.json', 'uiMessages.json', 'claude_messages.json'],
    historyFiles: (taskDir) => [
      path.join(taskDir, 'history_item.json'),
      path.join(taskDir, '..', '..', 'task_history.json'),
      path.join(taskDir, '..', '_index.json'),
    ],
  },
  newestTested: null,
  probe: () => ({ extensions: KILO_EXTENSION_IDS }),
});

/** Both Kilo stores: the extension's task folders and the Kilo CLI's SQLite database (the OpenCode family's store). */
export const adapter: ToolAdapter = {
  tool: 'kilo-code',
  displayName: 'Kilo Code',
  storeDirs: (env) => [...new Set([...extension.storeDirs(env), dataDir(KILO_CLI, env)])],
  listSources: async (env) => [...(await extension.listSources(env)), ...dbSources(KILO_CLI, env)],
  sourceFor: (changedPath, env) => dbSourceFor(KILO_CLI, changedPath, env) ?? extension.sourceFor(changedPath, env),
  stampPaths: (source, env) => (source.path.endsWith('.db') ? [source.path, `${source.path}-wal`] : (extension.stampPaths?.(source, env) ?? null)),
  read: (source, cursor, env, opts) => (source.path.endsWith('.db') ? readStoreDb(KILO_CLI, source, cursor) : extension.read(source, cursor, env, opts)),
  // The Kilo CLI's version (the extension's releases are numbered apart and were not run here).
  newestTested: '7.7.7',
  installation: (env) => {
    const cli = probeInstallation(env, { bins: ['kilo'], packages: ['@kilocode/cli'] });
    return cli.binary ? cli : { ...extension.installation(env), version: null, versionFrom: null };
  },
};
