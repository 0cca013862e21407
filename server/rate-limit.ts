/**
 * Token buckets keyed by API token: the relay refuses work beyond `rate` per second (with
 * bursts up to `burst`). Per process: behind a load balancer each relay limits on its own.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    readonly rate: number,
    readonly burst: number,
  ) {}

  take(key: string, cost = 1): boolean {
    const now = Date.now();
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.rate);
    b.at = now;
    this.buckets.set(key, b);
    if (this.buckets.size > 100_000) this.buckets.clear(); // bounded memory under a flood of keys
    if (b.tokens < cost) return false;
    b.tokens -= cost;
    return true;
  }
}
