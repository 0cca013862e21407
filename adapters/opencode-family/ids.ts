import { randomInt } from 'node:crypto';

/**
 * OpenCode's identifiers (the same in the Kilo fork): `<prefix>_` + 12 hex digits of
 * (milliseconds × 4096 + a counter) kept to 48 bits + 14 random base-62 characters. Message
 * and part ids ascend with time; session ids store the bits inverted, so the newest
 * session sorts first. Checked against the ids OpenCode 1.18.33 wrote with their
 * `time_created` (fixtures/opencode).
 */
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const MASK = (1n << 48n) - 1n;

function random62(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += BASE62[randomInt(62)];
  return s;
}

export class IdMaker {
  private counter = 0;
  private last = -1;
  /** `ms` must not go backwards between calls (callers pass increasing times). */
  make(prefix: 'ses' | 'msg' | 'prt', ms: number, descending = false): string {
    if (ms !== this.last) {
      this.last = ms;
      this.counter = 0;
    }
    this.counter++;
    let v = (BigInt(ms) * 4096n + BigInt(this.counter)) & MASK;
    if (descending) v = ~v & MASK;
    return `${prefix}_${v.toString(16).padStart(12, '0')}${random62(14)}`;
  }
}
