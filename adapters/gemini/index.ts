import type { AdapterEnv, CaptureSource, ReadOptions, ReadResult, ToolAdapter } from '../../engine/adapter-kit.js';
import { listSources, sourceFor, storeDirs } from './locate.js';
import { readJson } from './read-json.js';
import { readJsonl } from './read-jsonl.js';
import { errorText } from '../shared/values.js';

/** Gemini CLI: JSONL chat recordings with `$set`/`$rewindTo` (≥ 0.39) and legacy single-JSON files. */
export const adapter: ToolAdapter = {
  tool: 'gemini',
  displayName: 'Gemini CLI',
  storeDirs,
  listSources,
  sourceFor,
  async read(source: CaptureSource, cursor: unknown, env: AdapterEnv, opts: ReadOptions = {}): Promise<ReadResult> {
    try {
      if (source.path.endsWith('.jsonl')) return await readJsonl(source.path, cursor, env.platform, opts.maxLineBytes);
      return await readJson(source.path, env.platform);
    } catch (err) {
      // Last resort: bad input must never throw out of read.
      return { sessions: [], cursor, problems: [{ path: source.path, message: `unexpected: ${errorText(err)}` }] };
    }
  },
};
