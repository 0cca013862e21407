import { SfsError, requireCredentials, type Credentials, RelayApi, SyncClosed } from '../../engine/index.js';
import type { Ctx } from '../context.js';

/** The signed-in relay's API for a command. */
export function api(ctx: Ctx): { api: RelayApi; creds: Credentials } {
  const creds = requireCredentials(ctx.paths);
  return { api: new RelayApi(creds.relay, creds.token), creds };
}

/** Sync failures as the CLI reports them. */
export async function asCli<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    // Its code comes from the one relay-code mapping (engine/replication/relay-codes.ts), as for the HTTP API.
    if (err instanceof SyncClosed) throw new SfsError(err.code, err.message);
    throw err;
  }
}
