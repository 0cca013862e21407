import path from 'node:path';
import { type AdapterEnv, type CaptureSource, type ReadOptions, type ToolAdapter, probeInstallation } from '../../engine/adapter-kit.js';
import { codexHome, codexSourceFor, listCodexSources } from './locate.js';

export const adapter: ToolAdapter = {
  tool: 'codex',
  displayName: 'Codex CLI',
  storeDirs: (env: AdapterEnv) => [codexHome(env)],
  listSources: (env: AdapterEnv) => listCodexSources(env),
  sourceFor: (changedPath: string, env: AdapterEnv) => codexSourceFor(changedPath, env),
  // The reader (parser, zstd) is loaded on the first source that changed: a pass that finds nothing new never parses its code.
  read: async (source: CaptureSource, cursor: unknown, env: AdapterEnv, opts?: ReadOptions) => (await import('./read.js')).read(source, cursor, env, opts),
  // A /rename in session_index.jsonl alone is picked up when the rollout next changes, as the daemon does.
  stampPaths: (source: CaptureSource) => [source.path],
  newestTested: '0.171.0',
  installation: (env: AdapterEnv) =>
    probeInstallation(env, {
      bins: ['codex'],
      packages: ['@openai/codex'],
      traces: [path.join(codexHome(env), 'auth.json'), path.join(codexHome(env), 'history.jsonl')],
    }),
};

export default adapter;
