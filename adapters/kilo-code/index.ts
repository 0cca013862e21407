import path from 'node:path';
import type { ToolAdapter } from '../../engine/capture/contract.js';
import { makeClineFamilyAdapter } from '../cline-family/make-adapter.js';
import { kiloTaskRoots } from './locate.js';

/**
 * Kilo Code (VS Code extension, a Roo fork): Roo's task layout with its own index
 * `task_history.json` beside tasks/, and several historical names for the UI timeline.
 */
export const adapter: ToolAdapter = makeClineFamilyAdapter({
  tool: 'kilo-code',
  displayName: 'Kilo Code',
  taskRoots: kiloTaskRoots,
  task: {
    uiFileNames: ['ui_messages.json', 'cline_messages.json', 'uiMessages.json', 'claude_messages.json'],
    historyFiles: (taskDir) => [path.join(taskDir, 'history_item.json'), path.join(taskDir, '..', '..', 'task_history.json'), path.join(taskDir, '..', '_index.json')],
  },
});
