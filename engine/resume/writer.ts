import type { AdapterEnv } from '../capture/contract.js';
import type { PreparedSession, ResumeTarget } from './types.js';

/**
 * What a target adapter implements to resume a session natively (adapters/<tool>/write*.ts).
 * The engine defines the shape; the CLI joins it to the mapping. Writers only create new
 * files (and, for Codex, one index row); they never change an existing session.
 */
export interface WriteOptions {
  /** The directory the tool will run in; native stores key sessions by it. */
  cwd: string;
  /** Model to record for the session (the tool may still use its own default). */
  model: string | null;
  title: string | null;
  now: Date;
}

export interface WrittenSession {
  tool: ResumeTarget;
  /** The tool's own id for the new session (what its resume flag takes). */
  nativeId: string;
  /** The transcript file capture reads. */
  path: string;
  /** Every file created or changed. */
  files: string[];
  cwd: string;
  records: number;
}

export interface LaunchSpec {
  command: string;
  args: string[];
  cwd: string;
}

export interface SessionWriter {
  readonly tool: ResumeTarget;
  readonly displayName: string;
  /** The executable the launch runs, and how to get it. */
  readonly binary: string;
  readonly installHint: string;
  write(session: PreparedSession, o: WriteOptions, env: AdapterEnv): Promise<WrittenSession>;
  /** Interactive resume of the written session. */
  launch(w: WrittenSession, o: { model?: string | null }): LaunchSpec;
}
