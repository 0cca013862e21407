import path from 'node:path';
import type { ToolAdapter } from '../../engine/adapter-kit.js';
import { makeClineFamilyAdapter } from '../cline-family/make-adapter.js';
import { ROO_EXTENSION_ID, rooTaskRoots } from './locate.js';

/** Roo Code: Cline's task layout; each task keeps its HistoryItem in history_item.json (tasks/_index.json is a cache of them). */
export const ROO_HISTORY_FILES = (taskDir: string): string[] => [path.join(taskDir, 'history_item.json'), path.join(taskDir, '..', '_index.json')];

export const adapter: ToolAdapter = makeClineFamilyAdapter({
  tool: 'roo-code',
  displayName: 'Roo Code',
  taskRoots: rooTaskRoots,
  task: { uiFileNames: ['ui_messages.json'], historyFiles: ROO_HISTORY_FILES },
  // Only public task folders were read (README's table): no version to compare with.
  newestTested: null,
  probe: () => ({ extensions: [ROO_EXTENSION_ID] }),
});
