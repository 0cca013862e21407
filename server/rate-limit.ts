import { sql, type Kysely } from 'kysely';
import type { RelayDb } from './db/schema.js';

/**
 * Per-token (or per-IP) request limits that hold across every relay process sharing the
 * database. Time is cut into fixed windows of `burst / rate` seconds (at least 1 s), aligned
 * on the epoch so all processes agree, and each key may spend `burst` units per window: on
 * average `rate` per second, at most `burst` at once (twice that across a window boundary).
 *
 * The budget lives in `rate_windows` (key, window) → units handed out. A process does not go
 * to the database for every frame: it reserves a slice of the window's budget with one
 * conditional upsert (never past the limit), spends it locally, and reserves again when it
 * runs out. The sum of all reservations never exceeds the limit, so the limit holds exactly
 * across processes; what a process reserved and did not spend is simply lost when the window
 * ends (the limit errs on the strict side, by at most a slice per process).
 */
export class RateLimiter {
  readonly windowMs: number;
  readonly limit: number;
  /** Units reserved per round trip: a sixteenth of the window's budget. */
  private readonly slice: number;
  /** Reserved and not yet spent, per key, for the window `at`. */
  private readonly local = new Map<string, { at: number; left: number; exhausted: boolean }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly db: Kysely<RelayDb>,
    readonly rate: number,
    readonly burst: number,
  ) {
    this.windowMs = Math.max(1000, Math.round((burst / rate) * 1000));
    this.limit = Math.max(1, Math.floor(burst));
    this.slice = Math.max(1, Math.floor(this.limit / 16));
    // Old windows are deleted now and then by whichever process gets there.
    this.sweeper = setInterval(() => void this.sweep().catch(() => undefined), Math.max(60_000, this.windowMs * 4));
    this.sweeper.unref();
  }

  /** Spends `cost` units of the key's budget in the current window; false when it is spent. */
  async take(key: string, cost = 1): Promise<boolean> {
    const units = Math.max(1, Math.ceil(cost));
    if (units > this.limit) return false;
    const at = Math.floor(Date.now() / this.windowMs) * this.windowMs;
    let b = this.local.get(key);
    if (!b || b.at !== at) {
      b = { at, left: 0, exhausted: false };
      this.local.set(key, b);
      if (this.local.size > 100_000) this.prune(at);
    }
    if (b.left >= units) {
      b.left -= units;
      return true;
    }
    // A refusal from the database holds for the rest of the window: other processes cannot give budget back.
    if (b.exhausted) return false;
    const want = units - b.left;
    const got = (await this.reserve(key, at, Math.min(this.limit, Math.max(want, this.slice)))) || (await this.reserve(key, at, want));
    if (b !== this.local.get(key)) return got > 0; // the window turned meanwhile
    if (!got) {
      b.exhausted = true;
      return false;
    }
    b.left += got - units;
    return true;
  }

  /** Whether the key's budget for the current window is spent (here or by any process), without spending any. */
  async spent(key: string): Promise<boolean> {
    const at = Math.floor(Date.now() / this.windowMs) * this.windowMs;
    const b = this.local.get(key);
    if (b && b.at === at && b.left > 0) return false;
    if (b && b.at === at && b.exhausted) return true;
    const row = await this.db
      .selectFrom('rate_windows')
      .select('used')
      .where('key', '=', key)
      .where('window_start', '=', String(at) as never)
      .executeTakeFirst();
    return !!row && Number(row.used) >= this.limit;
  }

  /** Reserves n units of the window's budget if that many are left; returns n or 0. */
  private async reserve(key: string, at: number, n: number): Promise<number> {
    const r = await sql<{ used: string }>`
      insert into rate_windows (key, window_start, used) values (${key}, ${at}, ${n})
      on conflict (key, window_start) do update set used = rate_windows.used + excluded.used
      where rate_windows.used + excluded.used <= ${this.limit}
      returning used`.execute(this.db);
    return r.rows.length ? n : 0;
  }

  private prune(at: number): void {
    for (const [k, v] of this.local) if (v.at !== at) this.local.delete(k);
    if (this.local.size > 100_000) this.local.clear(); // bounded memory under a flood of keys
  }

  private async sweep(): Promise<void> {
    const before = Math.floor(Date.now() / this.windowMs) * this.windowMs - this.windowMs;
    await this.db
      .deleteFrom('rate_windows')
      .where('window_start', '<', String(before) as never)
      .execute();
  }

  close(): void {
    clearInterval(this.sweeper);
  }
}
