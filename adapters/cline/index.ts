import path from 'node:path';
import type { ToolAdapter } from '../../engine/adapter-kit.js';
import { makeClineFamilyAdapter } from '../cline-family/make-adapter.js';
import { clineDataDir, clineTaskRoots } from './locate.js';
import { readSdkSession } from './sdk-session.js';

/** Cline: classic extension task folders plus the SDK session store in ~/.cline/data/sessions. */
export const adapter: ToolAdapter = makeClineFamilyAdapter({
  tool: 'cline',
  displayName: 'Cline',
  taskRoots: clineTaskRoots,
  task: {
    uiFileNames: ['ui_messages.json', 'claude_messages.json', 'cline_messages.json'],
    // The task index lives beside tasks/: <root>/state/taskHistory.json.
    historyFiles: (taskDir) => [path.join(taskDir, '..', '..', 'state', 'taskHistory.json')],
  },
  extra: [{ folder: 'sessions', roots: (env) => [clineDataDir(env)], read: (dir, cursor) => readSdkSession(dir, cursor) }],
  // The CLI's version; the extension numbers its releases apart, so only the CLI is compared.
  newestTested: '3.0.65',
  probe: () => ({ bins: ['cline'], packages: ['cline'] }),
});
