import path from 'node:path';
import {
  probeInstallation,
  type AdapterEnv,
  type CaptureSource,
  type InstallationProbe,
  type ReadResult,
  type ToolAdapter,
  type ToolName,
} from '../../engine/adapter-kit.js';
import { childDirs, folderSourceFor } from './sources.js';
import { readTaskFolder, type TaskFolderOptions } from './task-folder.js';

/**
 * A Cline-family adapter: task folders `<root>/tasks/<id>/` under each store root. A tool
 * with another kind of session folder (Cline's SDK `sessions/`) adds it through `extra`.
 */
export interface ExtraFolderKind {
  /** Folder under a root that holds one sub-directory per session. */
  folder: string;
  /** Roots that have this folder. */
  roots(env: AdapterEnv): string[];
  read(dir: string, cursor: unknown, env: AdapterEnv): Promise<ReadResult>;
}

export interface ClineFamilyConfig {
  tool: ToolName;
  displayName: string;
  /** Roots that hold `tasks/` (global storage folders, relocated stores). */
  taskRoots(env: AdapterEnv): string[];
  task: TaskFolderOptions;
  extra?: ExtraFolderKind[];
  /** The newest version tested (null: none was run here). */
  newestTested: string | null;
  /** Where its installed version and traces are. */
  probe(env: AdapterEnv): InstallationProbe;
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}

export function makeClineFamilyAdapter(cfg: ClineFamilyConfig): ToolAdapter {
  const extras = cfg.extra ?? [];
  const kindOf = (dir: string, env: AdapterEnv): ExtraFolderKind | null => {
    for (const x of extras) {
      // Such a folder is <root>/<folder>/<id>: a task folder (nearly every source) is turned away here, before the roots are computed.
      const parent = path.dirname(dir);
      if (path.basename(parent) !== x.folder) continue;
      // Listed sources are exactly <root>/<folder>/<id> (childDirs): compared as strings, no resolving per source.
      if (x.roots(env).some((r) => path.join(r, x.folder) === parent)) {
        const id = path.basename(dir);
        if (!id.startsWith('.') && !id.startsWith('_')) return x;
      }
      if (folderSourceFor(dir, x.roots(env), x.folder)?.path === dir) return x;
    }
    return null;
  };
  return {
    tool: cfg.tool,
    displayName: cfg.displayName,
    storeDirs: (env) => unique([...cfg.taskRoots(env), ...extras.flatMap((x) => x.roots(env))]),
    async listSources(env) {
      const out: CaptureSource[] = [];
      for (const root of unique(cfg.taskRoots(env))) out.push(...(await childDirs(env, root, 'tasks')));
      for (const x of extras) for (const root of unique(x.roots(env))) out.push(...(await childDirs(env, root, x.folder)));
      return out;
    },
    sourceFor(changedPath, env) {
      for (const x of extras) {
        const s = folderSourceFor(changedPath, x.roots(env), x.folder);
        if (s) return s;
      }
      return folderSourceFor(changedPath, cfg.taskRoots(env), 'tasks');
    },
    // A task folder's files, and the task indexes beside tasks/ that titles come from.
    stampPaths: (source, env) => (kindOf(source.path, env) ? [source.path] : [source.path, ...cfg.task.historyFiles(source.path)]),
    async read(source, cursor, env) {
      try {
        const extra = kindOf(source.path, env);
        return extra ? await extra.read(source.path, cursor, env) : await readTaskFolder(source.path, cursor, cfg.task);
      } catch (e) {
        // Last line of defence: bad input must never throw out of read.
        return { sessions: [], cursor, problems: [{ path: source.path, message: `unexpected error: ${(e as Error).message}` }] };
      }
    },
    newestTested: cfg.newestTested,
    installation: (env) => probeInstallation(env, cfg.probe(env)),
  };
}
