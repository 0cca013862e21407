import type { ForeignEvent } from '../log/event-log.js';
import type { Attribution } from '../model/events.js';
import { fromWire, type Author, type WireEvent } from './protocol.js';

/** Where pulled events came from: the space, and whether it is the account's personal space. */
export interface PulledFrom {
  space: string;
  space_name: string | null;
  personal: boolean;
}

/** The log cursor that records which account this store syncs as (written at every connect). */
export const ACCOUNT_CURSOR = 'sync:account';

/** Stands for an origin the relay named no author for: never taken for our own. */
const UNKNOWN: Author = { account: 'unknown', username: 'unknown', device: null };

/**
 * Marks the events of other accounts with who wrote them and the space they came through, so
 * the fold keeps them out of our own view of a session unless we shared it there (DESIGN §13).
 * Our own account's events stay unmarked, like events captured here. A relay that names no
 * authors at all (older than attribution) leaves every event unmarked.
 */
export function attribute(
  events: ForeignEvent[],
  authors: Record<string, Author> | undefined,
  ownAccount: string,
  from: PulledFrom | ((i: number) => PulledFrom),
): ForeignEvent[] {
  if (!authors) return events;
  return events.map((e, i) => {
    const a = Object.hasOwn(authors, e.origin) ? authors[e.origin]! : UNKNOWN;
    if (a.account === ownAccount) return e;
    const src = typeof from === 'function' ? from(i) : from;
    const attr: Attribution = {
      account: String(a.account),
      username: String(a.username),
      device: a.device == null ? null : String(a.device),
      space: src.space,
      space_name: src.space_name,
      personal: src.personal,
    };
    return { ...e, attr };
  });
}

/** The answer of GET /v1/sessions/:id/events (sfs pull, pull-handoff). */
export interface FetchedSession {
  events: WireEvent[];
  sources?: Array<{ space: string; space_name: string; personal: boolean }>;
  authors?: Record<string, Author>;
  account?: { id: string; username: string };
}

/** A fetched session's events, attributed as a pull frame's would be. */
export function attributeFetched(res: FetchedSession): ForeignEvent[] {
  const events = res.events.map(fromWire);
  if (!res.authors || !res.account || !res.sources) return events;
  const sources = res.sources;
  return attribute(events, res.authors, res.account.id, (i) => sources[i] ?? { space: 'unknown', space_name: null, personal: false });
}
