import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { isDiskFull } from '../disk-full.js';
import { SfsError } from '../errors.js';
import { logDir, projectionsFile } from '../paths.js';
import type { Store } from '../store.js';
import { fromWire, toWire, type FoldWorkerData, type FromFoldThread, type LogCall, type LogReply, type ToFoldThread } from './fold-thread-messages.js';
import { FOLLOW_LAG_EVENTS } from './follower.js';

/**
 * The worker's file, from this module's URL as compiled (dist/engine/projections/) or bundled
 * into the CLI (dist/bin/chunks/, the same depth): the bundle leaves dist/engine/ in place.
 */
const WORKER_FILE = fileURLToPath(new URL('../../engine/projections/fold-worker.js', import.meta.url));

/**
 * At most this many events, and about this many bytes of them, are handed to the thread at a
 * time: it holds them decoded while it folds them, in a heap of its own beside this one's.
 */
const READ_EVENTS = 500;
const READ_BYTES = 4 * 1024 * 1024;

/**
 * Keeps the projections close behind the log while this process appends to it, like
 * ProjectionFollower, but folds in a worker thread (fold-worker.ts): an import captures on
 * one core and folds on the other instead of taking turns. The thread is the projections'
 * only writer while it runs (it starts at the first nudge); it reads the log through this
 * thread, which serves the reads. finish() returns once the projections reach the log's
 * head, and throws what the fold threw (a full disk is a warning, as in Store.catchUp).
 */
export class FoldThread {
  private worker: Worker | undefined;
  private exited: Promise<number> | undefined;
  private failure: { err: unknown } | null = null;
  private finished = false;

  constructor(
    private readonly store: Store,
    private readonly lag = FOLLOW_LAG_EVENTS,
    private readonly onNote: (line: string) => void = (line) => process.stderr.write(`sfs: ${line}\n`),
  ) {}

  /** Whether the worker's file is there to start (it is wherever dist/ is whole). */
  static available(): boolean {
    return existsSync(WORKER_FILE);
  }

  /** Something was appended: the thread folds once the projections are `lag` events behind. */
  nudge(): void {
    if (this.failure) return;
    this.send({ type: 'nudge' });
  }

  /** Folds everything left and ends the thread; throws what a fold threw. */
  async finish(): Promise<void> {
    if (this.worker) {
      this.send({ type: 'finish' });
      const code = await this.exited!;
      if (this.failure && !isDiskFull(this.failure.err)) throw this.failure.err;
      if (!this.failure && !this.finished)
        throw new SfsError('INTERNAL', `the fold thread ended (exit code ${code}) before the projections reached the log's head`);
    }
    // Nothing left to fold when the thread got there; a full disk is said here, once.
    await this.store.catchUp();
  }

  /** Ends the thread once the fold under way is done, ignoring its failure (when the work itself failed). */
  async settle(): Promise<void> {
    if (!this.worker) return;
    this.send({ type: 'stop' });
    await this.exited;
  }

  private send(m: ToFoldThread): void {
    this.start().postMessage(m);
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const data: FoldWorkerData = { file: projectionsFile(this.store.paths), logDir: logDir(this.store.paths), lag: this.lag };
    const w = new Worker(WORKER_FILE, { workerData: data });
    this.worker = w;
    this.exited = new Promise((resolve) => w.once('exit', resolve));
    w.on('error', (err) => (this.failure ??= { err }));
    w.on('message', (m: FromFoldThread) => {
      switch (m.type) {
        case 'call':
          void this.serve(m.id, m.call);
          break;
        case 'note':
          this.onNote(m.line);
          break;
        case 'finished':
          this.finished = true;
          break;
        case 'failed':
          this.failure ??= { err: fromWire(m.error) };
          break;
      }
    });
    return w;
  }

  /** Answers one of the thread's log reads. Events read from the files go as stored, in one buffer handed over, not copied. */
  private async serve(id: number, c: LogCall): Promise<void> {
    const w = this.worker!;
    try {
      const log = this.store.log;
      let value: LogReply;
      if (c.op === 'head') value = { head: await log.head() };
      else if (c.op === 'readSession') value = { events: await log.readSession(c.session, c.after, c.limit) };
      else {
        const limit = Math.min(c.limit, READ_EVENTS);
        const encoded = await log.readEncoded?.(c.after, limit);
        if (!encoded) value = { events: await log.read(c.after, limit) };
        else {
          // The fold reads on from where the events handed over end: fewer than asked for is fine.
          let bytes = 0;
          let n = 0;
          while (n < encoded.values.length && (n === 0 || bytes < READ_BYTES)) bytes += encoded.values[n++]!.byteLength;
          encoded.positions.length = n;
          encoded.values.length = n;
          const lengths = encoded.values.map((v) => v.byteLength);
          // Its own ArrayBuffer (never Node's shared pool), so it can be handed over.
          const data = new Uint8Array(lengths.reduce((a, b) => a + b, 0));
          let at = 0;
          for (const v of encoded.values) {
            data.set(v, at);
            at += v.byteLength;
          }
          w.postMessage({ type: 'reply', id, value: { encoded: { positions: encoded.positions, lengths, data } } } satisfies ToFoldThread, [data.buffer]);
          return;
        }
      }
      w.postMessage({ type: 'reply', id, value } satisfies ToFoldThread);
    } catch (err) {
      w.postMessage({ type: 'reply', id, error: toWire(err) } satisfies ToFoldThread);
    }
  }
}
