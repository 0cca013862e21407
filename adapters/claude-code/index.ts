import path from 'node:path';
import { type AdapterEnv, type CaptureSource, type ReadOptions, type ToolAdapter, probeInstallation } from '../../engine/adapter-kit.js';
import { fileRole, titleSidecar } from './file-role.js';
import { claudeProjectDirs, claudeSourceFor, listClaudeSources } from './locate.js';

export const adapter: ToolAdapter = {
  tool: 'claude-code',
  displayName: 'Claude Code',
  storeDirs: (env: AdapterEnv) => claudeProjectDirs(env),
  listSources: (env: AdapterEnv) => listClaudeSources(env),
  sourceFor: (changedPath: string, env: AdapterEnv) => claudeSourceFor(changedPath, env),
  // The reader is loaded on the first source that changed: a pass that finds nothing new never parses its code.
  read: async (source: CaptureSource, cursor: unknown, _env: AdapterEnv, opts?: ReadOptions) => (await import('./read.js')).read(source, cursor, opts),
  // A sub-agent's title may come from the .meta.json beside it, a session's from its custom-title.json.
  stampPaths: (source: CaptureSource) => {
    const role = fileRole(source.path);
    return [source.path, role.agentId ? source.path.replace(/\.jsonl$/, '.meta.json') : titleSidecar(source.path, role.stem)];
  },
  newestTested: '2.1.332',
  // The native installer links `claude` to `…/claude/versions/<version>`; npm installs have a package.json.
  installation: (env: AdapterEnv) =>
    probeInstallation(env, {
      bins: ['claude'],
      packages: ['@anthropic-ai/claude-code'],
      // Files only Claude Code writes in its config folder (sfs writes projects/ and ~/.claude.json itself).
      traces: claudeProjectDirs(env).flatMap((d) => [path.join(path.dirname(d), 'history.jsonl'), path.join(path.dirname(d), '.credentials.json')]),
    }),
};

export default adapter;
