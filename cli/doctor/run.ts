import { type AdapterEnv, type ToolAdapter, type CheckResult, checkDisk, checkStore, type SfsPaths } from '../../engine/index.js';
import { checkDaemon } from './daemon.js';
import { checkPermissions } from './permissions.js';
import { checkTool } from './tools.js';

export interface DoctorOptions {
  fix: boolean;
  adapters: readonly ToolAdapter[];
  env: AdapterEnv;
}

/** Every check, in the order they are shown: store, tools, daemon, permissions, disk. */
export async function runDoctor(paths: SfsPaths, opts: DoctorOptions): Promise<CheckResult[]> {
  const checks: CheckResult[] = [];
  // The daemon check runs first so a stale pid file is cleared before the store is opened.
  const daemon = await checkDaemon(paths, opts);
  const store = await checkStore(paths, { fix: opts.fix });
  try {
    checks.push(store.check);
    for (const a of opts.adapters) checks.push(await checkTool(a, opts.env, store.log, store.projections?.db ?? null));
  } finally {
    await store.close();
  }
  checks.push(daemon, checkPermissions(paths), checkDisk(paths, undefined, store.check.data.disk_full === true));
  return checks;
}
