import {
  openRegularFile,
  parseJsonBounded,
  probeInstallation,
  type AdapterEnv,
  type CaptureProblem,
  type CaptureSource,
  type ReadResult,
  type ToolAdapter,
} from '../../engine/adapter-kit.js';
import { listSources, sourceFor, storeDirs } from './locate.js';
import { pathFor } from '../shared/paths.js';
import { cleanStrings, errorText, isObj } from '../shared/values.js';
import { unknownTypesField, type UnknownTypes } from '../shared/unknown-types.js';

const MAX_BYTES = 512 * 1024 * 1024;

/** Amp: one JSON document per thread, rewritten whole, so every read parses the whole file. */
export const adapter: ToolAdapter = {
  tool: 'amp',
  displayName: 'Amp',
  storeDirs,
  listSources,
  sourceFor,
  stampPaths: (source: CaptureSource) => [source.path],
  async read(source: CaptureSource, _cursor: unknown, env: AdapterEnv): Promise<ReadResult> {
    const file = source.path;
    const problems: CaptureProblem[] = [];
    try {
      const { fh, st } = await openRegularFile(file);
      let doc: unknown;
      try {
        if (st.size > MAX_BYTES) throw new Error(`file of ${st.size} bytes is too large`);
        doc = parseJsonBounded((await fh.readFile()).toString('utf8'));
      } finally {
        await fh.close().catch(() => undefined);
      }
      if (!isObj(doc)) return { sessions: [], cursor: null, problems: [{ path: file, message: 'thread is not a JSON object' }] };
      const stem = pathFor(env.platform)
        .basename(file)
        .replace(/\.json$/, '');
      const unknown: UnknownTypes = {};
      // The thread reader is loaded on the first thread that changed: a pass that finds nothing new never parses its code.
      const { threadToSession } = await import('./thread.js');
      const session = threadToSession(cleanStrings(doc), file, stem, problems, unknown);
      return {
        sessions: [session],
        cursor: { v: typeof doc.v === 'number' ? doc.v : null, size: st.size, mtimeMs: st.mtimeMs },
        problems,
        ...unknownTypesField(unknown),
      };
    } catch (err) {
      return { sessions: [], cursor: null, problems: [{ path: file, message: `cannot read: ${errorText(err)}` }] };
    }
  },
  // No Amp client was ever run here: the thread format is from public examples (README's table).
  newestTested: null,
  installation: (env: AdapterEnv) => {
    const p = pathFor(env.platform);
    const data = p.dirname(storeDirs(env)[0]!);
    return probeInstallation(env, {
      bins: ['amp'],
      packages: ['@sourcegraph/amp'],
      extensions: ['sourcegraph.amp'],
      // Amp's data folder (sign-in secrets, settings cache) exists even when threads live on the server.
      traces: [data],
    });
  },
};
