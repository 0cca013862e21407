import { probeInstallation, type AdapterEnv, type CaptureSource, type ToolAdapter } from '../../engine/adapter-kit.js';
import { pathFor } from '../shared/paths.js';
import { errorText } from '../shared/values.js';
import { appDirs, listSources, sourceFor, storeDirs } from './locate.js';

/** Antigravity (`agy` and the desktop app): the readable step log of each conversation. */
export const adapter: ToolAdapter = {
  tool: 'antigravity',
  displayName: 'Antigravity',
  storeDirs,
  listSources,
  sourceFor,
  stampPaths: (source: CaptureSource) => [source.path],
  async read(source, cursor, env, opts) {
    try {
      // The reader is loaded on the first source that changed: a pass that finds nothing new never parses its code.
      return await (await import('./read.js')).read(source, cursor, env, opts);
    } catch (err) {
      return { sessions: [], cursor, problems: [{ path: source.path, message: `unexpected: ${errorText(err)}` }] };
    }
  },
  // No Antigravity client can be installed here: the format is from public parsers (README's table).
  newestTested: null,
  installation: (env: AdapterEnv) => {
    const p = pathFor(env.platform);
    return probeInstallation(env, { bins: ['agy'], traces: appDirs(env).flatMap((d) => [p.join(d, 'history.jsonl'), p.join(d, 'settings.json')]) });
  },
};

export default adapter;
