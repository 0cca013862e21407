import { isDeepStrictEqual } from 'node:util';
import { SfsError } from '../errors.js';
import type { EventLog } from '../log/event-log.js';
import type { AnyStoredEvent } from '../model/events.js';
import type { RelayApi } from './api.js';
import { fromWire } from './protocol.js';

const MESSAGE_TYPES = new Set(['messages.captured', 'message.revised']);

/**
 * Which of these sessions the relay holds in full, so that this store may drop its copy
 * (storage prune) and fetch it again later: every message event this store has a body for is
 * on the relay with the same body. Not the push frontier alone: events an autosync filter left
 * out count as pushed without being sent, and DLP may have stored a redacted copy, so a
 * session is compared event by event with what the relay gives back.
 */
export async function sessionsHeldByRelay(log: EventLog, api: RelayApi, sessions: string[]): Promise<Set<string>> {
  const held = new Set<string>();
  for (const session of sessions) {
    const local = (await readSession(log, session)).filter((e) => MESSAGE_TYPES.has(e.type) && e.body !== null);
    let remote: Map<string, unknown>;
    try {
      const { events } = await api.sessionEvents(session);
      remote = new Map(events.map((w) => [`${w[0]}:${w[1]}`, fromWire(w).body]));
    } catch (err) {
      if (err instanceof SfsError && err.code === 'NOT_FOUND') continue; // not on the relay at all
      throw err;
    }
    if (local.every((e) => isDeepStrictEqual(remote.get(`${e.origin}:${e.seq}`), e.body))) held.add(session);
  }
  return held;
}

async function readSession(log: EventLog, session: string): Promise<AnyStoredEvent[]> {
  const out: AnyStoredEvent[] = [];
  for (let after = 0; ;) {
    const page = await log.readSession(session, after, 1000);
    if (!page.length) return out;
    out.push(...page);
    after = page[page.length - 1]!.pos;
  }
}
