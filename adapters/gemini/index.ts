import { probeInstallation, type AdapterEnv, type CaptureSource, type ReadOptions, type ReadResult, type ToolAdapter } from '../../engine/adapter-kit.js';
import { listSources, projectDirOf, sourceFor, storeDirs } from './locate.js';
import { pathFor } from '../shared/paths.js';
import { errorText } from '../shared/values.js';

/** Gemini CLI: JSONL chat recordings with `$set`/`$rewindTo` (≥ 0.39) and legacy single-JSON files. */
export const adapter: ToolAdapter = {
  tool: 'gemini',
  displayName: 'Gemini CLI',
  storeDirs,
  listSources,
  sourceFor,
  // The project's .project_root gives the session its cwd.
  stampPaths: (source: CaptureSource, env: AdapterEnv) => [
    source.path,
    pathFor(env.platform).join(projectDirOf(source.path, env.platform).projectDir, '.project_root'),
  ],
  async read(source: CaptureSource, cursor: unknown, env: AdapterEnv, opts: ReadOptions = {}): Promise<ReadResult> {
    try {
      // The readers are loaded on the first source that changed: a pass that finds nothing new never parses their code.
      if (source.path.endsWith('.jsonl')) return await (await import('./read-jsonl.js')).readJsonl(source.path, cursor, env.platform, opts.maxLineBytes);
      return await (await import('./read-json.js')).readJson(source.path, env.platform);
    } catch (err) {
      // Last resort: bad input must never throw out of read.
      return { sessions: [], cursor, problems: [{ path: source.path, message: `unexpected: ${errorText(err)}` }] };
    }
  },
  newestTested: '0.61.0',
  installation: (env: AdapterEnv) => {
    const p = pathFor(env.platform);
    const dir = storeDirs(env)[0]!;
    // Sign-in files Gemini CLI writes (Antigravity shares ~/.gemini, so the folder alone says nothing).
    return probeInstallation(env, {
      bins: ['gemini'],
      packages: ['@google/gemini-cli'],
      traces: [p.join(dir, 'oauth_creds.json'), p.join(dir, 'installation_id')],
    });
  },
};
