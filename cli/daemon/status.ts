import { readFileSync } from 'node:fs';
import type { QuarantinedSource, ToolWarning } from '../../engine/index.js';
import { writeAtomic } from './atomic.js';
import type { DaemonFiles } from './files.js';

/** What `sfs daemon status` shows; the daemon rewrites it every few seconds. */
export interface ToolStatus {
  tool: string;
  display_name: string;
  /** auto | on | off (config `watch.<tool>`). */
  setting: string;
  watched: boolean;
  store_found: boolean;
  store_dirs: string[];
  sources_seen: number;
  sessions_captured: number;
  messages_added: number;
  last_capture_at: string | null;
  errors: number;
  /** One entry per file and kind of problem in a capture pass; `count` when there were several. */
  recent_problems: Array<{ at: string; path: string; where?: string; message: string; count?: number }>;
  queue_depth: number;
  quarantined: QuarantinedSource[];
  /** The version installed here (from its binary or files, never by running it), and the newest sfs was tested with. */
  installed_version: string | null;
  newest_tested: string | null;
  /** Records of unknown types across the tool's sources, by type. */
  unknown_records: Record<string, number>;
  /** What must not go unnoticed (engine/capture/tool-health.ts); each is also logged once. */
  warnings: ToolWarning[];
}

export interface DaemonStatus {
  pid: number;
  started_at: string;
  updated_at: string;
  phase: 'catching-up' | 'watching' | 'stopping';
  store_role: 'owner' | 'guest';
  log_file: string;
  tools: ToolStatus[];
  /** Continuous sync with the relay, when signed in (`sfs auth login`); null otherwise. */
  sync?: { state: string; relay: string; pushed: number; pulled: number; reconnects: number; lastError?: string } | null;
  /** What the daemon last read of the sign-in and the autosync mode (sync runs only when signed in and not `off`). */
  autosync?: { signed_in: boolean; mode: string };
}

export function writeStatus(files: DaemonFiles, status: DaemonStatus): void {
  writeAtomic(files.status, JSON.stringify(status, null, 2) + '\n');
}

export function readStatus(files: DaemonFiles): DaemonStatus | null {
  try {
    return JSON.parse(readFileSync(files.status, 'utf8')) as DaemonStatus;
  } catch {
    return null;
  }
}
