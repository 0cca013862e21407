import { RelayError } from '../errors.js';
import type { RelayViews } from './relay-source.js';

// Placeholder until the server-side views (server/views/queries.ts) land: every read answers UNSUPPORTED.
const pending = (): never => {
  throw new RelayError('UNSUPPORTED', 'the server-side views are not built on this relay');
};

/** The dashboard's reads on the relay, bound to the server-side views. */
export const RELAY_VIEWS: RelayViews = { listSessions: pending, showSession: pending, messages: pending, search: pending };
