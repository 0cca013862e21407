import { probeInstallation, type AdapterEnv, type CaptureSource, type ReadOptions, type ReadResult, type ToolAdapter } from '../../engine/adapter-kit.js';
import { listSources, sourceFor, storeDirs } from './locate.js';
import { errorText } from '../shared/values.js';
import { pathFor } from '../shared/paths.js';

/** GitHub Copilot CLI: `session-state/<id>/events.jsonl` (append-only) + `workspace.yaml`. */
export const adapter: ToolAdapter = {
  tool: 'copilot',
  displayName: 'GitHub Copilot CLI',
  storeDirs,
  listSources,
  sourceFor,
  // The title lives in workspace.yaml beside events.jsonl (a flat <id>.jsonl has none; a missing file stamps as absent).
  stampPaths: (source: CaptureSource, env: AdapterEnv) => {
    const p = pathFor(env.platform);
    return p.basename(source.path) === 'events.jsonl' ? [source.path, p.join(p.dirname(source.path), 'workspace.yaml')] : [source.path];
  },
  async read(source: CaptureSource, cursor: unknown, env: AdapterEnv, opts: ReadOptions = {}): Promise<ReadResult> {
    try {
      // The reader is loaded on the first source that changed: a pass that finds nothing new never parses its code.
      const { readEvents } = await import('./read.js');
      return await readEvents(source.path, cursor, env.platform, opts.maxLineBytes);
    } catch (err) {
      return { sessions: [], cursor, problems: [{ path: source.path, message: `unexpected: ${errorText(err)}` }] };
    }
  },
  newestTested: '1.0.102',
  installation: (env: AdapterEnv) => {
    const p = pathFor(env.platform);
    return probeInstallation(env, {
      bins: ['copilot'],
      packages: ['@github/copilot'],
      traces: [p.join(storeDirs(env)[0]!, 'session-store.db'), p.join(storeDirs(env)[0]!, 'config.json')],
    });
  },
};
