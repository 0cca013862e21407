import { parentPort, workerData } from 'node:worker_threads';
import { SfsError } from '../errors.js';
import { decodeStoredEvent } from '../log/event-codec.js';
import type { EventLog } from '../log/event-log.js';
import { readHeadMarker } from '../log/head-marker.js';
import type { AnyStoredEvent } from '../model/events.js';
import { fromWire, toWire, type FoldWorkerData, type FromFoldThread, type LogCall, type LogReply, type ToFoldThread } from './fold-thread-messages.js';
import { Projections } from './projections.js';

/**
 * The import's fold thread (see fold-thread.ts): folds the log into the projections while the
 * main thread captures, on the machine's other core. It is the only writer of the projections
 * for the import, and reads the log through the main thread, which holds it.
 */
const port = parentPort!;
const data = workerData as FoldWorkerData;
const post = (m: FromFoldThread) => port.postMessage(m);

let nextId = 1;
const waiting = new Map<number, { resolve: (v: LogReply) => void; reject: (e: Error) => void }>();

function call(c: LogCall): Promise<LogReply> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    post({ type: 'call', id, call: c });
  });
}

/** The log as far as the projections use it, through the main thread. */
const unsupported = (): never => {
  throw new SfsError('INTERNAL', 'the fold thread only reads the log');
};
const log: EventLog = {
  role: 'guest',
  headHint: () => readHeadMarker(data.logDir),
  head: async () => ((await call({ op: 'head' })) as { head: number }).head,
  read: async (after, limit) => eventsOf(await call({ op: 'read', after, limit })),
  readSession: async (session, after, limit) => eventsOf(await call({ op: 'readSession', session, after, limit })),
  info: unsupported,
  append: unsupported,
  ingest: unsupported,
  readOrigin: unsupported,
  hasSession: unsupported,
  getCursor: unsupported,
  getCursors: unsupported,
  purge: unsupported,
  evict: unsupported,
  evictedSessions: unsupported,
  close: async () => undefined,
};

function eventsOf(reply: LogReply): AnyStoredEvent[] {
  if ('events' in reply) return reply.events;
  if (!('encoded' in reply)) throw new SfsError('INTERNAL', 'the fold thread expected events');
  const { positions, lengths, data: bytes } = reply.encoded;
  const out: AnyStoredEvent[] = [];
  let at = 0;
  for (let i = 0; i < positions.length; i++) {
    out.push(decodeStoredEvent(positions[i]!, bytes.subarray(at, at + lengths[i]!)));
    at += lengths[i]!;
  }
  return out;
}

let projections: Projections | undefined;
let running: Promise<void> | null = null;
let failed = false;

function fail(err: unknown): void {
  if (failed) return;
  failed = true;
  post({ type: 'failed', error: toWire(err) });
}

function nudge(): void {
  if (running || failed) return;
  running = (async () => {
    try {
      projections ??= new Projections(data.file, log, { onNote: (line) => post({ type: 'note', line }) });
      await projections.catchUp(undefined, data.lag);
    } catch (err) {
      fail(err);
    }
  })().finally(() => (running = null));
}

async function end(foldAll: boolean): Promise<void> {
  await running;
  if (foldAll && !failed) {
    try {
      projections ??= new Projections(data.file, log, { onNote: (line) => post({ type: 'note', line }) });
      await projections.catchUp();
      post({ type: 'finished' });
    } catch (err) {
      fail(err);
    }
  }
  projections?.close();
  port.close();
}

port.on('message', (m: ToFoldThread) => {
  switch (m.type) {
    case 'reply': {
      const w = waiting.get(m.id);
      waiting.delete(m.id);
      if (m.error) w?.reject(fromWire(m.error));
      else w?.resolve(m.value!);
      break;
    }
    case 'nudge':
      nudge();
      break;
    case 'finish':
      void end(true);
      break;
    case 'stop':
      void end(false);
      break;
  }
});
