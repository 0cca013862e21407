import { LocalLog } from '../engine/log/local-log.js';
import { logDir, resolvePaths, type SfsPaths } from '../engine/paths.js';
import { corpusEvents } from './corpus.js';

export interface CorpusShape {
  sessions: number;
  messages: number;
  /** Text bytes per message (before JSON and the occasional tool call). */
  bytes: number;
}

/** Events per append and messages per event used to fill stores (capture-like batches). */
export const PER_EVENT = 20;
export const PER_APPEND = 50;

export function benchPaths(home: string): SfsPaths {
  return resolvePaths({ SFS_HOME: home });
}

/** Appends a corpus to the log of the store at `home` (no projections). */
export async function fillLog(home: string, shape: CorpusShape): Promise<void> {
  const log = await LocalLog.open(logDir(benchPaths(home)));
  try {
    for (const group of corpusEvents({ ...shape, perEvent: PER_EVENT, perAppend: PER_APPEND })) {
      await log.append({ events: group });
    }
  } finally {
    await log.close();
  }
}
