import { createServer, type Server, type Socket } from 'node:net';
import { unlinkSync } from 'node:fs';
import { toSfsError } from '../errors.js';
import type { EventLog } from './event-log.js';
import { readFrames, writeFrame } from './frames.js';

/** Wire protocol version; a guest refuses an owner that speaks another. */
export const LOG_PROTOCOL_VERSION = 3;

export interface Request {
  id: number;
  op: string;
  args: unknown[];
}
export interface Response {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: { code: string; message: string; details?: Record<string, unknown> };
}

const OPS = new Set([
  'info',
  'head',
  'append',
  'ingest',
  'read',
  'readOrigin',
  'readSession',
  'hasSession',
  'getCursor',
  'getCursors',
  'purge',
  'evict',
  'evictedSessions',
]);

/**
 * Serves the owner's log to guest processes over a unix socket. close() stops taking
 * connections, lets requests under way finish, then drops the guests so they can take
 * over the store.
 */
export class LogServer {
  private readonly sockets = new Set<Socket>();
  private inFlight = 0;
  private idle: (() => void) | undefined;
  private closing = false;

  private constructor(
    private readonly server: Server,
    private readonly path: string,
  ) {}

  static async listen(log: EventLog, path: string): Promise<LogServer> {
    // The caller holds the LevelDB lock, so a socket file left here is stale.
    try {
      unlinkSync(path);
    } catch {}
    const server = createServer();
    const ls = new LogServer(server, path);
    server.on('connection', (socket) => ls.accept(log, socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return ls;
  }

  private accept(log: EventLog, socket: Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    writeFrame(socket, { hello: LOG_PROTOCOL_VERSION });
    readFrames(socket, (frame) => void this.handle(log, socket, frame as Request));
  }

  private async handle(log: EventLog, socket: Socket, req: Request): Promise<void> {
    this.inFlight++;
    let res: Response;
    try {
      if (this.closing) throw Object.assign(new Error('owner is closing'), { code: 'STORE_BUSY' });
      if (!OPS.has(req.op)) throw new Error(`unknown op ${req.op}`);
      const fn = (log as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[req.op]!;
      res = { id: req.id, ok: true, result: await fn.apply(log, req.args) };
    } catch (err) {
      const e = toSfsError(err);
      const code = (err as { code?: string }).code === 'STORE_BUSY' ? 'STORE_BUSY' : e.code;
      res = { id: req.id, ok: false, error: { code, message: e.message, ...(e.details ? { details: e.details } : {}) } };
    }
    if (!socket.destroyed) writeFrame(socket, res);
    this.inFlight--;
    if (this.inFlight === 0 && this.idle) this.idle();
  }

  async close(): Promise<void> {
    this.closing = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.idle = resolve));
    for (const s of this.sockets) s.end();
    for (const s of this.sockets) s.destroy();
    await closed;
    try {
      unlinkSync(this.path);
    } catch {}
  }
}
