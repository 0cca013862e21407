import { encode } from './codec.js';
import { K } from './keys.js';

/**
 * Index entries written once per batch instead of once per event, which halves the
 * keys an append writes:
 *
 *   o!<origin>!<firstSeq>   → [firstPos, count]  a run: seqs firstSeq.. map to positions firstPos..
 *   s!<session>!<firstPos>  → [pos, pos, …]      the session's events in this batch
 *
 * Runs are contiguous in both seq and position; a batch that interleaves origins
 * simply writes more runs.
 */
export type IdentityRun = [firstPos: number, count: number];

export class BatchIndex {
  private readonly runs: Array<{ origin: string; firstSeq: number; firstPos: number; count: number }> = [];
  private readonly sessions = new Map<string, number[]>();

  add(origin: string, seq: number, pos: number, session: string | null): void {
    const last = this.runs[this.runs.length - 1];
    if (last && last.origin === origin && last.firstSeq + last.count === seq && last.firstPos + last.count === pos) last.count++;
    else this.runs.push({ origin, firstSeq: seq, firstPos: pos, count: 1 });
    if (session) {
      const list = this.sessions.get(session);
      if (list) list.push(pos);
      else this.sessions.set(session, [pos]);
    }
  }

  ops(): Array<{ type: 'put'; key: string; value: Uint8Array }> {
    const out: Array<{ type: 'put'; key: string; value: Uint8Array }> = [];
    for (const r of this.runs) out.push({ type: 'put', key: K.identity(r.origin, r.firstSeq), value: encode([r.firstPos, r.count] satisfies IdentityRun) });
    for (const [session, positions] of this.sessions) out.push({ type: 'put', key: K.sessionEvent(session, positions[0]!), value: encode(positions) });
    return out;
  }
}
