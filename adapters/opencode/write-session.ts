import type { SessionWriter } from '../../engine/adapter-kit.js';
import { makeOpenCodeWriter } from '../opencode-family/write-session.js';
import { OPENCODE } from './locate.js';

/** Resume into OpenCode: a session in its database, opened with `opencode --session <id>` (verified with 1.18.33). */
export const openCodeWriter: SessionWriter = makeOpenCodeWriter({
  ...OPENCODE,
  target: 'opencode',
  binary: 'opencode',
  installHint: 'npm install -g opencode-ai',
  agent: 'build',
  verifiedVersion: '1.18.33',
});
