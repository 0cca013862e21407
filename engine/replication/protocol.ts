import { createRequire } from 'node:module';
import type * as Msgpackr from 'msgpackr';
import type { ForeignEvent } from '../log/event-log.js';

/**
 * The sync protocol spoken over the relay's WebSocket (`/v1/sync`). One msgpack map per
 * frame, `t` naming the message. Shared by the client (engine/replication) and the relay
 * (server/), which is the only thing the server imports from the engine besides schemas.
 *
 * Client → relay: hello, push, sub, ack.   Relay → client: welcome, pushed, events, error.
 * A connection starts with hello/welcome; anything else first is refused.
 */
export const PROTOCOL_VERSIONS = [1] as const;
export const PROTOCOL_VERSION = 1;
/** Largest frame either side accepts; a push bigger than this is refused and closes the socket. */
export const MAX_FRAME_BYTES = 8 * 1024 * 1024;
/** Events per push or pull batch. */
export const BATCH_EVENTS = 500;

/** An event on the wire: identity, envelope, and the body as msgpack bytes (null once purged). */
export type WireEvent = [origin: string, seq: number, type: string, v: number, ts: number, session: string | null, body: Uint8Array | null];

export interface SpaceInfo {
  id: string;
  name: string;
  kind: 'personal' | 'team';
  role: 'owner' | 'admin' | 'member';
  dlp_policy: DlpPolicy;
}
export type DlpPolicy = 'warn' | 'redact' | 'block';

export interface Hello {
  t: 'hello';
  versions: number[];
  token: string;
  origin: string;
  device?: string;
}
export interface Welcome {
  t: 'welcome';
  version: number;
  account: { id: string; username: string };
  spaces: SpaceInfo[];
  /** For each space, the highest seq of the client's origin the relay has taken in (its push frontier). */
  frontiers: Record<string, number>;
  /** Sessions this account shared (from any of its machines) into spaces it belongs to: session → space ids, where a push of that session is also stored. Another account's shares are not listed. */
  shares?: Record<string, string[]>;
  /**
   * Sessions this account shared that this origin must push again into a space: some of its events of the session
   * are on the relay in another space, scrubbed more loosely than the target's policy allows, so
   * the relay did not copy them. The client pushes them (lane push into that space), scrubbed for it.
   */
  backfill?: Array<{ space: string; session: string }>;
}
/** Events of the client's own origin with seq in (from, upTo]; filtered-out seqs are simply absent. */
export interface Push {
  t: 'push';
  id: number;
  space: string;
  /**
   * Absent for the live stream of the origin. A session id for a one-off push of that
   * session's events (when it starts being shared): a separate frontier, same storage.
   */
  lane?: string;
  from: number;
  upTo: number;
  events: WireEvent[];
  /**
   * The DLP context the client scrubbed this push for: the team spaces it expects each session
   * to be routed into, and the policy it assumed for each space. When present, the relay refuses
   * the push with STALE if a session would reach another space or a space's policy is stricter.
   */
  routes?: Record<string, string[]>;
  policies?: Record<string, DlpPolicy>;
  /**
   * Seqs of the events in this push in which DLP found something (sent as is under warn, or
   * redacted). Every other event had no finding, so its content is fit for any space. Absent:
   * the relay assumes every event had findings. The relay records per stored event the
   * strictest policy its content satisfies and copies it into another space only if that
   * space's policy is not stricter.
   */
  findings?: number[];
}
export interface Pushed {
  t: 'pushed';
  id: number;
  space: string;
  frontier: number;
  written: number;
}
/** Start (or restart) a live pull of a space after relay cursor `after`. */
export interface Sub {
  t: 'sub';
  space: string;
  after: number;
}
/** Who wrote the events of an origin: the relay knows every origin's account (its devices table). */
export interface Author {
  account: string;
  username: string;
  device: string | null;
}
export interface Events {
  t: 'events';
  space: string;
  /** The relay cursor after this batch; the client stores it atomically with the events. */
  cursor: number;
  events: WireEvent[];
  /** The author of every origin in `events`: the client attributes another account's events (DESIGN §13). */
  authors?: Record<string, Author>;
  /** The relay had nothing more after this batch when it read it (the client is caught up). */
  tail: boolean;
}
/** The client stored a batch up to `cursor`: the relay may send more (flow control). */
export interface Ack {
  t: 'ack';
  space: string;
  cursor: number;
}
export interface ErrorFrame {
  t: 'error';
  /** The push id or absent for connection-level errors. */
  id?: number;
  code: ProtocolErrorCode;
  message: string;
  /** For GAP and STALE: the relay's frontier, from which the client resumes. */
  frontier?: number;
  /** For STALE: the account's spaces and its own shares of the pushed sessions as they are now. */
  spaces?: SpaceInfo[];
  shares?: Record<string, string[]>;
}
/** QUOTA: the account's stored bytes would pass the relay's quota (fatal for a push: waiting does not help). */
export type ProtocolErrorCode = 'AUTH' | 'VERSION' | 'FORBIDDEN' | 'GAP' | 'STALE' | 'INVALID' | 'TOO_LARGE' | 'RATE_LIMIT' | 'QUOTA' | 'PROTOCOL' | 'INTERNAL';

export type ClientFrame = Hello | Push | Sub | Ack;
export type RelayFrame = Welcome | Pushed | Events | ErrorFrame;

// Created on first use: engine modules do nothing when imported, and msgpackr (with its native
// accelerator's probing) is ~20 ms of the start of a daemon that never syncs.
let packrInstance: Msgpackr.Packr | undefined;
function packr(): Msgpackr.Packr {
  if (packrInstance) return packrInstance;
  const { Packr } = createRequire(import.meta.url)('msgpackr') as typeof Msgpackr;
  return (packrInstance = new Packr({ useRecords: false, moreTypes: false }));
}

const STRICTNESS: Record<DlpPolicy, number> = { warn: 0, redact: 1, block: 2 };

/** The strictest of some policies (redact when none is given, the relay's default). */
export function strictestPolicy(policies: Iterable<DlpPolicy>): DlpPolicy {
  let out: DlpPolicy | undefined;
  for (const p of policies) if (out === undefined || STRICTNESS[p] > STRICTNESS[out]) out = p;
  return out ?? 'redact';
}

export function stricterThan(a: DlpPolicy, b: DlpPolicy): boolean {
  return STRICTNESS[a] > STRICTNESS[b];
}

/** A policy as a number (warn 0, redact 1, block 2): how the relay records what an event's content satisfies. */
export function policyLevel(p: DlpPolicy): number {
  return STRICTNESS[p];
}

export function encodeFrame(frame: ClientFrame | RelayFrame): Buffer {
  return packr().pack(frame);
}

export function decodeFrame<T>(data: Uint8Array): T {
  return packr().unpack(data) as T;
}

export function packBody(body: unknown): Uint8Array | null {
  return body === null || body === undefined ? null : packr().pack(body);
}

export function unpackBody(bytes: Uint8Array | null): unknown {
  return bytes === null ? null : packr().unpack(bytes);
}

export function toWire(e: ForeignEvent): WireEvent {
  return [e.origin, e.seq, e.type, e.v, e.ts, e.session, packBody(e.body)];
}

export function fromWire(w: WireEvent): ForeignEvent {
  return { origin: w[0], seq: w[1], type: w[2], v: w[3], ts: w[4], session: w[5], body: unpackBody(w[6]) };
}
