import type { SessionWriter } from '../../engine/adapter-kit.js';
import { makeOpenCodeWriter } from '../opencode-family/write-session.js';
import { KILO_CLI } from './locate.js';

/** Resume into the Kilo CLI: a session in its database, opened with `kilo --session <id>` (verified with 7.7.7). */
export const kiloWriter: SessionWriter = makeOpenCodeWriter({
  ...KILO_CLI,
  target: 'kilo-code',
  binary: 'kilo',
  installHint: 'npm install -g @kilocode/cli',
  agent: 'code',
  verifiedVersion: '7.7.7',
});
