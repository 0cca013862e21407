import { sql, type Transaction } from 'kysely';
import type { RelayDb } from './db/schema.js';
import { RelayError } from './errors.js';

/** Body bytes an account's pushes may store on the relay unless RelayOptions.quotaBytes says otherwise: 10 GiB. */
export const DEFAULT_QUOTA_BYTES = 10 * 1024 ** 3;

/**
 * Stored bytes per account: a running total of the event body bytes its pushes stored (in every
 * space they went into), kept in accounts.stored_bytes and updated in the push's own transaction,
 * so the total and the data never disagree and concurrent pushes of one account are counted one
 * after another (the account row is locked to commit). Charging and the push's frontier are one
 * statement (one round trip): the frontier moves to `upTo` and the account's total grows by `bytes`.
 */
export async function chargeQuotaAndAdvance(
  tx: Transaction<RelayDb>,
  accountId: string,
  bytes: number,
  quotaBytes: number,
  stream: { space: string; origin: string; upTo: number },
): Promise<void> {
  const r = await sql<{ stored_bytes: string | null }>`
    with charged as (update accounts set stored_bytes = stored_bytes + ${bytes} where id = ${accountId} and ${bytes}::bigint > 0 returning stored_bytes)
    update streams set frontier = ${stream.upTo} where space_id = ${stream.space} and origin = ${stream.origin}
    returning (select stored_bytes from charged) as stored_bytes`.execute(tx);
  const stored = r.rows[0]?.stored_bytes;
  if (bytes <= 0 || stored === null || stored === undefined) return;
  const total = Number(stored);
  if (total <= quotaBytes) return;
  const used = total - bytes;
  // Thrown inside the transaction: nothing of the push is stored.
  throw new RelayError(
    'QUOTA',
    `storage quota reached: this account stores ${formatBytes(used)} of its ${formatBytes(quotaBytes)} on the relay, and this push needs ${formatBytes(bytes)} more`,
    { used, quota: quotaBytes },
  );
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}
