import type { ToolAdapter, ToolName } from '../engine/adapter-kit.js';
import { adapter as claudeCode } from './claude-code/index.js';
import { adapter as codex } from './codex/index.js';
import { adapter as gemini } from './gemini/index.js';
import { adapter as copilot } from './copilot/index.js';
import { adapter as cursor } from './cursor/index.js';
import { adapter as amp } from './amp/index.js';
import { adapter as cline } from './cline/index.js';
import { adapter as rooCode } from './roo-code/index.js';
import { adapter as kiloCode } from './kilo-code/index.js';
import { adapter as openCode } from './opencode/index.js';
import { adapter as antigravity } from './antigravity/index.js';

/** Every capture adapter, in the order tools are listed to users. */
export const ADAPTERS: readonly ToolAdapter[] = [claudeCode, codex, gemini, copilot, cursor, amp, cline, rooCode, kiloCode, openCode, antigravity];

export function adapterFor(tool: string): ToolAdapter | undefined {
  return ADAPTERS.find((a) => a.tool === tool);
}

export type { ToolName };
