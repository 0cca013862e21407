import { ProjectionFollower } from '../projections/follower.js';
import type { Store } from '../store.js';
import { captureAll, type CaptureAllOptions, type CaptureAllResult } from './capture-all.js';
import type { AdapterEnv, ToolAdapter } from './contract.js';

/**
 * `sfs import --from/--all`: captureAll, with the projections folded along the way in the
 * same process (every FOLLOW_LAG_EVENTS events) and caught up before it returns, so the
 * import is searchable when it ends and the next command has nothing left to fold. A pass
 * that read no source appended nothing and leaves the projections alone. (Folding in a
 * worker thread was tried: 9 % faster at 20,000 sessions for +100 MB peak, over the 300 MB
 * goal, so the fold stays in this thread.)
 */
export async function importAll(store: Store, adapters: readonly ToolAdapter[], env: AdapterEnv, opts: CaptureAllOptions = {}): Promise<CaptureAllResult> {
  const follower = new ProjectionFollower(store);
  let result: CaptureAllResult;
  try {
    result = await captureAll(store, adapters, env, {
      ...opts,
      onSource: (report, done, total) => {
        follower.nudge();
        opts.onSource?.(report, done, total);
      },
    });
  } catch (err) {
    await follower.settle();
    throw err;
  }
  // Nothing read, nothing appended by this pass: the projections are left as they are (the next
  // command folds whatever another process appended), and SQLite is not even opened.
  if (result.totals.read > 0) await follower.finish();
  return result;
}
