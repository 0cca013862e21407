import { isObj, optStr } from '../shared/values.js';
/**
 * Facts from `task_metadata.json` and a task's HistoryItem (its entry in the tool's task
 * index): title, cwd, model, version, parent task, creation time.
 */

export interface TaskFacts {
  title: string | null;
  cwd: string | null;
  model: string | null;
  provider: string | null;
  toolVersion: string | null;
  parentTaskId: string | null;
  createdMs: number | null;
}

export function emptyFacts(): TaskFacts {
  return { title: null, cwd: null, model: null, provider: null, toolVersion: null, parentTaskId: null, createdMs: null };
}

export function factsFromHistoryItem(item: unknown, into: TaskFacts): void {
  if (!isObj(item)) return;
  into.title ??= optStr(item.task);
  into.cwd ??= optStr(item.cwdOnTaskInitialization) ?? optStr(item.workspace);
  into.model ??= optStr(item.modelId);
  into.parentTaskId ??= optStr(item.parentTaskId);
  if (into.createdMs === null && typeof item.ts === 'number') into.createdMs = item.ts;
}

export function factsFromTaskMetadata(meta: unknown, into: TaskFacts): void {
  if (!isObj(meta)) return;
  const usage = Array.isArray(meta.model_usage) ? meta.model_usage.filter(isObj) : [];
  const lastModel = usage[usage.length - 1];
  if (lastModel) {
    into.model = optStr(lastModel.model_id) ?? into.model;
    into.provider = optStr(lastModel.model_provider_id) ?? into.provider;
  }
  const envs = Array.isArray(meta.environment_history) ? meta.environment_history.filter(isObj) : [];
  const lastEnv = envs[envs.length - 1];
  if (lastEnv) {
    // cline_version in Cline; forks name the key after themselves.
    const key = Object.keys(lastEnv).find((k) => k.endsWith('_version') && !['os_version', 'host_version'].includes(k));
    into.toolVersion = (key && optStr(lastEnv[key])) || into.toolVersion;
  }
}

/** Time encoded in a task id: Cline's epoch-ms ids (also `<ms>_<rand>`) and Roo's UUID v7. */
export function msFromTaskId(id: string): number | null {
  const ms = /^(\d{12,14})(?:_|$)/.exec(id);
  if (ms) return Number(ms[1]);
  const v7 = /^([0-9a-f]{8})-([0-9a-f]{4})-7[0-9a-f]{3}-/i.exec(id);
  if (v7) return parseInt(v7[1]! + v7[2]!, 16);
  return null;
}
