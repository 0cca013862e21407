import type { ResumeTarget, SessionWriter } from '../engine/adapter-kit.js';
import { claudeWriter } from './claude-code/write-session.js';
import { codexWriter } from './codex/write-rollout.js';
import { copilotWriter } from './copilot/write-events.js';
import { geminiWriter } from './gemini/write-session.js';
import { kiloWriter } from './kilo-code/write-session.js';
import { openCodeWriter } from './opencode/write-session.js';

/** The native-session writers of the resumable tools. */
export const WRITERS: Record<ResumeTarget, SessionWriter> = {
  'claude-code': claudeWriter,
  codex: codexWriter,
  gemini: geminiWriter,
  copilot: copilotWriter,
  'kilo-code': kiloWriter,
  opencode: openCodeWriter,
};
