import type { Context, Middleware } from 'koa';
import { refuse } from './refuse.ts';

export interface RateLimiterOptions {
  /** Tokens added per second to each key's bucket. */
  ratePerS: number;
  /** A bucket's size: how many requests a key may make at once after being idle. */
  burst: number;
  /** Keys remembered at most; the longest idle are forgotten beyond it (10 000). */
  maxKeys?: number;
  /** The clock, milliseconds (performance.now); tests pass their own. */
  now?: () => number;
}

export type TakeResult = { ok: true } | { ok: false; retryAfterS: number };

interface Bucket {
  tokens: number;
  atMs: number;
}

/**
 * A token bucket per key (an address, an account, a socket): `burst` requests at once, then
 * `ratePerS` a second. Memory is bounded by `maxKeys`: the map is kept in order of last use and the
 * longest idle key goes first. A forgotten key starts full again, which is what a bucket left idle
 * long enough would be; only a flood of new keys can make a limited one be forgotten early.
 */
export class RateLimiter {
  readonly ratePerS: number;
  readonly burst: number;
  readonly maxKeys: number;
  private readonly now: () => number;
  private readonly buckets = new Map<string, Bucket>();

  constructor(options: RateLimiterOptions) {
    const { ratePerS, burst, maxKeys = 10_000 } = options;
    if (!(ratePerS > 0) || !Number.isFinite(ratePerS)) throw new Error(`RateLimiter: ratePerS must be a positive number, got ${ratePerS}`);
    if (!(burst >= 1) || !Number.isFinite(burst)) throw new Error(`RateLimiter: burst must be at least 1, got ${burst}`);
    if (!Number.isInteger(maxKeys) || maxKeys < 1) throw new Error(`RateLimiter: maxKeys must be a positive integer, got ${maxKeys}`);
    this.ratePerS = ratePerS;
    this.burst = burst;
    this.maxKeys = maxKeys;
    this.now = options.now ?? (() => performance.now());
  }

  /** Keys remembered now (for tests and figures). */
  get size(): number {
    return this.buckets.size;
  }

  /** Takes `cost` tokens from `key`'s bucket, or says how many whole seconds until it could. */
  take(key: string, cost = 1): TakeResult {
    if (!(cost > 0) || cost > this.burst) throw new Error(`RateLimiter: cost must be in (0, ${this.burst}], got ${cost}`);
    const nowMs = this.now();
    const bucket = this.buckets.get(key);
    let tokens = this.burst;
    if (bucket) {
      tokens = Math.min(this.burst, bucket.tokens + (Math.max(0, nowMs - bucket.atMs) / 1000) * this.ratePerS);
      // Re-inserted below, so the map's first key is always the longest idle.
      this.buckets.delete(key);
    }
    const ok = tokens >= cost;
    if (ok) tokens -= cost;
    this.buckets.set(key, { tokens, atMs: nowMs });
    while (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value as string);
    return ok ? { ok: true } : { ok: false, retryAfterS: Math.max(1, Math.ceil((cost - tokens) / this.ratePerS)) };
  }
}

/** The refusal of a limited request, shared by HTTP answers and socket acks. */
export function rateLimitedError(where: string, retryAfterS: number): { code: 'rate_limited'; message: string } {
  return { code: 'rate_limited', message: `${where}: too many requests; try again in ${retryAfterS} s` };
}

/**
 * Koa middleware taking one token per request from `keyOf(ctx)`'s bucket; over the limit it answers
 * 429 `{error: {code: 'rate_limited', message}}` with Retry-After, and the request goes no further.
 */
export function rateLimit(limiter: RateLimiter, keyOf: (ctx: Context) => string, where: string): Middleware {
  return async function rateLimitMiddleware(ctx, next) {
    const taken = limiter.take(keyOf(ctx));
    if (!taken.ok) {
      const { code, message } = rateLimitedError(where, taken.retryAfterS);
      refuse(ctx, 429, code, message, { headers: { 'Retry-After': String(taken.retryAfterS) } });
      return;
    }
    await next();
  };
}
