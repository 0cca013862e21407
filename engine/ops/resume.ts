import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { captureSource, type SourceReport } from '../capture/capture-source.js';
import type { AdapterEnv, ToolAdapter } from '../capture/contract.js';
import { SfsError } from '../errors.js';
import { capturedSessionId } from '../ids.js';
import { prepareForTarget } from '../resume/prepare.js';
import { mapDirectory, remapDirectory, remapMessages, type PathRemap } from '../resume/remap-paths.js';
import { loadSourceSession } from '../resume/source.js';
import { isResumeTarget, RESUME_TARGETS, type MappingReport, type ResumeTarget } from '../resume/types.js';
import type { SessionWriter, WrittenSession } from '../resume/writer.js';
import type { ResumeRules } from '../rules/compile.js';
import type { ProjectionDb } from '../projections/db.js';
import type { Store } from '../store.js';

/**
 * Resume a stored session natively in another (or the same) tool: map it, write the
 * tool's own session files, record the lineage, and capture the written file at once.
 *
 * Lineage: the `session.resumed` event goes to the session id capture derives from
 * (target tool, new native id). When capture — now, or the daemon later — reads the
 * written file and what the tool appends to it, it lands in that same session, which
 * says which session and message it continues. Nothing is written into the native
 * file for this; Codex rollouts also name `sessionfs` as their originator.
 */
export interface ResumeRequest {
  sessionId: string;
  /** Target tool; defaults to the session's own tool when that is resumable. */
  target?: string;
  /** Directory to run the tool in; defaults to the session's cwd, else its place under `pathMap`, else `fallbackCwd`. */
  project?: string;
  fallbackCwd: string;
  /** Where checkouts moved to on this machine (`paths.map`): OLD root → NEW root. */
  pathMap?: Readonly<Record<string, string>>;
  /** Keeps OLD → NEW for the next resume of the project (called when `project` moved the session's directory). */
  recordMapping?(from: string, to: string): void;
  model?: string | null;
  maxTokens?: number;
  env: AdapterEnv;
  writerFor(target: ResumeTarget): SessionWriter;
  adapterFor(target: ResumeTarget): ToolAdapter;
  /** Runs in the chosen project directory before the session is written (the CLI writes the target's rules file there). */
  beforeWrite?(projectDir: string, target: ResumeTarget): ResumeRules | null;
  now?: Date;
}

export interface ResumeResult {
  source: string;
  session: string;
  target: ResumeTarget;
  written: WrittenSession;
  /** Set when the session's directory does not exist here and `fallbackCwd` was used. */
  projectFallback: string | null;
  /** The session's directory moved: its paths in the history were rewritten (`replaced` of them); `recorded` when the mapping was added to `paths.map`. */
  remap: (PathRemap & { replaced: number; recorded: boolean }) | null;
  report: MappingReport;
  messages: number;
  capture: SourceReport;
  /** What `beforeWrite` did to the project's rules file; null when there is none or no rules. */
  rules: ResumeRules | null;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export function chooseTarget(sourceTool: string, requested: string | undefined): ResumeTarget {
  if (requested) {
    if (!isResumeTarget(requested)) throw new SfsError('USAGE', `cannot resume in "${requested}"; choose one of ${RESUME_TARGETS.join(', ')}`);
    return requested;
  }
  if (isResumeTarget(sourceTool)) return sourceTool;
  throw new SfsError('USAGE', `${sourceTool} sessions are capture-only; choose where to resume with --in ${RESUME_TARGETS.join('|')}`);
}

export interface ChosenProject {
  dir: string;
  /** The session's directory, when it does not exist here and the fallback was used. */
  fallback: string | null;
  /** How the session's paths map to this machine, when its directory moved (`--project` or `paths.map`). */
  remap: PathRemap | null;
  /** The mapping came from `--project`, not from `paths.map`: worth recording. */
  fromRequest: boolean;
}

export function chooseProject(
  requested: string | undefined,
  sessionCwd: string | null,
  fallback: string,
  pathMap: Readonly<Record<string, string>> = {},
): ChosenProject {
  const cwd = sessionCwd && path.isAbsolute(sessionCwd) ? path.resolve(sessionCwd) : null;
  if (requested) {
    const dir = path.resolve(requested);
    if (!isDir(dir)) throw new SfsError('NOT_FOUND', `project directory ${dir} does not exist`);
    // A session's directory is never the filesystem root's parent of everything: map only a real move.
    const moved = cwd && cwd !== dir && cwd !== path.parse(cwd).root;
    return { dir, fallback: null, remap: moved ? { from: cwd, to: dir } : null, fromRequest: !!moved };
  }
  if (cwd && existsSync(cwd) && isDir(cwd)) return { dir: cwd, fallback: null, remap: null, fromRequest: false };
  const mapped = cwd ? mapDirectory(cwd, pathMap) : null;
  if (mapped && isDir(remapDirectory(cwd!, mapped))) return { dir: remapDirectory(cwd!, mapped), fallback: null, remap: mapped, fromRequest: false };
  return { dir: path.resolve(fallback), fallback: sessionCwd ?? '(unknown)', remap: null, fromRequest: false };
}

/** The session mapped for its target, in the directory chosen for it: what resume and a native copy write. */
function prepareNative(db: ProjectionDb, r: Omit<ResumeRequest, 'beforeWrite' | 'recordMapping' | 'adapterFor'>) {
  const src = loadSourceSession(db, r.sessionId);
  const target = chooseTarget(src.tool, r.target);
  const project = chooseProject(r.project, src.cwd, r.fallbackCwd, r.pathMap);
  const prepared = prepareForTarget(src, target, { maxTokens: r.maxTokens, model: r.model ?? null });
  let remap: ResumeResult['remap'] = null;
  if (project.remap) {
    const { messages, replaced } = remapMessages(prepared.messages, project.remap);
    prepared.messages = messages;
    remap = { ...project.remap, replaced, recorded: false };
  }
  if (!prepared.messages.some((m) => m.role === 'user' || m.role === 'assistant')) {
    throw new SfsError('INVALID_INPUT', `session ${src.id} has no conversation to resume (only harness or empty messages)`);
  }
  return { src, target, project, prepared, remap };
}

/**
 * The native files of a session for a tool, written under `r.env.home` (a scratch home, for a
 * download) and nothing else: no lineage event, no capture, no rules file — the store is unchanged.
 */
export async function writeNativeCopy(db: ProjectionDb, r: Omit<ResumeRequest, 'beforeWrite' | 'recordMapping' | 'adapterFor'>): Promise<WrittenSession> {
  const { src, target, project, prepared } = prepareNative(db, r);
  return r.writerFor(target).write(prepared, { cwd: project.dir, model: prepared.model, title: src.title, now: r.now ?? new Date() }, r.env);
}

export async function resumeInto(store: Store, r: ResumeRequest): Promise<ResumeResult> {
  const db = await store.view();
  const { src, target, project, prepared, remap } = prepareNative(db, r);
  const rules = r.beforeWrite?.(project.dir, target) ?? null;
  const now = r.now ?? new Date();
  const written = await r.writerFor(target).write(prepared, { cwd: project.dir, model: prepared.model, title: src.title, now }, r.env);
  const session = capturedSessionId(target, written.nativeId);
  await store.log.append({
    events: [
      {
        type: 'session.resumed',
        session,
        body: {
          from_session: src.id,
          at_msg: prepared.atMsg,
          target_tool: target,
          native_id: written.nativeId,
          native_path: written.path,
          cwd: project.dir,
          messages_written: prepared.messages.length,
          created_at: now.toISOString(),
        },
      },
    ],
  });
  if (remap && project.fromRequest && r.recordMapping && r.pathMap?.[remap.from] !== remap.to) {
    r.recordMapping(remap.from, remap.to);
    remap.recorded = true;
  }
  const adapter = r.adapterFor(target);
  const source = adapter.sourceFor(written.path, r.env) ?? { path: written.path, style: 'append' as const };
  const capture = await captureSource(store, adapter, source, r.env);
  return {
    source: src.id,
    session,
    target,
    written,
    projectFallback: project.fallback,
    remap,
    report: prepared.report,
    messages: prepared.messages.length,
    capture,
    rules,
  };
}
