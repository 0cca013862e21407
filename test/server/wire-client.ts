import WebSocket from 'ws';
import { decodeFrame, encodeFrame, packBody, type ClientFrame, type RelayFrame, type WireEvent } from '../../engine/replication/protocol.js';

/** A bare protocol client for conformance tests: send frames, wait for the next matching one. */
export class WireClient {
  readonly frames: RelayFrame[] = [];
  closed: { code: number; reason: string } | undefined;
  private waiters: Array<() => void> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d: Buffer) => {
      this.frames.push(decodeFrame<RelayFrame>(d));
      this.notify();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.notify();
    });
    ws.on('error', () => undefined);
  }

  private notify(): void {
    const w = this.waiters;
    this.waiters = [];
    w.forEach((f) => f());
  }

  static async connect(url: string): Promise<WireClient> {
    const ws = new WebSocket(url.replace(/^http/, 'ws') + '/v1/sync', { maxPayload: 64 * 1024 * 1024 });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new WireClient(ws);
  }

  send(f: ClientFrame | Record<string, unknown>): void {
    this.ws.send(encodeFrame(f as ClientFrame));
  }

  /** The next frame (already received or coming) that matches; removes it. */
  async next<T extends RelayFrame['t']>(
    t: T,
    pred: (f: Extract<RelayFrame, { t: T }>) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<Extract<RelayFrame, { t: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.frames.findIndex((f) => f.t === t && pred(f as Extract<RelayFrame, { t: T }>));
      if (i >= 0) return this.frames.splice(i, 1)[0] as Extract<RelayFrame, { t: T }>;
      if (this.closed) throw new Error(`closed (${this.closed.code} ${this.closed.reason}) while waiting for ${t}; frames: ${JSON.stringify(this.frames)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timeout waiting for ${t}; frames: ${JSON.stringify(this.frames).slice(0, 500)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async waitClosed(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('socket not closed');
      await new Promise<void>((r) => {
        const t = setTimeout(r, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
    return this.closed;
  }

  async hello(token: string, origin: string) {
    this.send({ t: 'hello', versions: [1], token, origin });
    return this.next('welcome');
  }

  close(): void {
    this.ws.close();
  }
}

export function meta(origin: string, seq: number, session = 'ses_aaaaaaaa', title = `t${seq}`): WireEvent {
  return [origin, seq, 'session.meta', 1, 1_700_000_000_000 + seq, session, packBody({ title })];
}

/** The DLP context a push declares (what the real client always sends): scrubbed for `space` under `policy`, routed nowhere else. */
export function dlp(
  space: string,
  policy: 'warn' | 'redact' | 'block' = 'redact',
  routes: Record<string, string[]> = {},
  extra: Record<string, 'warn' | 'redact' | 'block'> = {},
) {
  return { policies: { [space]: policy, ...extra }, routes };
}
