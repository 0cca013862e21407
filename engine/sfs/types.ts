import type { Message } from '../model/message.js';

/**
 * Shapes of the `.sfs` files (SessionFS format 0.1.0). The JSON Schemas in
 * `schemas/sfs/` are the authority; these types only describe what has passed them.
 * Unknown fields are kept (other implementations add their own).
 */
export const SFS_VERSION = '0.1.0';

export const SFS_FILES = {
  manifest: 'manifest.json',
  messages: 'messages.jsonl',
  workspace: 'workspace.json',
  tools: 'tools.json',
} as const;

export interface SfsSource {
  tool: string;
  tool_version?: string | null;
  sfs_converter_version?: string | null;
  original_session_id?: string | null;
  original_path?: string | null;
  interface?: string | null;
  [extra: string]: unknown;
}

export interface SfsStats {
  message_count?: number;
  turn_count?: number;
  tool_use_count?: number;
  total_input_tokens?: number;
  total_output_tokens?: number;
  estimated_cost_usd?: number | null;
  duration_ms?: number | null;
  [extra: string]: unknown;
}

export interface SfsManifest {
  sfs_version: typeof SFS_VERSION;
  session_id: string;
  title?: string | null;
  tags?: string[];
  created_at: string;
  updated_at?: string | null;
  source: SfsSource;
  model?: { provider?: string | null; model_id?: string | null; reasoning_effort?: string | null; [extra: string]: unknown } | null;
  ownership?: Record<string, unknown> | null;
  stats?: SfsStats | null;
  sync?: Record<string, unknown> | null;
  parent_session_id?: string | null;
  checkpoint_count?: number;
  sub_agents?: Array<{ agent_id: string; model?: string | null; message_count?: number; [extra: string]: unknown }>;
  metadata?: Record<string, unknown>;
  [extra: string]: unknown;
}

export interface SfsWorkspaceFile {
  path: string;
  sha256?: string | null;
  size_bytes?: number | null;
  role?: string | null;
  [extra: string]: unknown;
}

export interface SfsWorkspace {
  root_path?: string | null;
  git?: {
    remote_url?: string | null;
    branch?: string | null;
    commit_sha?: string | null;
    commit_message?: string | null;
    dirty?: boolean | null;
    diff_path?: string | null;
    [extra: string]: unknown;
  } | null;
  files?: SfsWorkspaceFile[];
  environment?: Record<string, unknown> | null;
  [extra: string]: unknown;
}

export interface SfsTools {
  shell?: Record<string, unknown> | null;
  tools_used?: string[];
  mcp_servers?: unknown[] | Record<string, unknown> | null;
  [extra: string]: unknown;
}

/** Size limits applied when reading an untrusted `.sfs` directory. */
export interface SfsLimits {
  /** manifest.json, workspace.json and tools.json, each. */
  maxJsonFileBytes: number;
  maxMessagesBytes: number;
  /** One line of messages.jsonl. */
  maxLineBytes: number;
}

export const DEFAULT_SFS_LIMITS: Readonly<SfsLimits> = Object.freeze({
  maxJsonFileBytes: 1024 * 1024,
  maxMessagesBytes: 512 * 1024 * 1024,
  maxLineBytes: 64 * 1024 * 1024,
});

export type { Message };
