import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimiter, rateLimit } from '../../../server/http/rateLimit.ts';
import { serveApp, type Served } from './serveApp.ts';

/** A limiter on a clock the test moves. */
function limiterAt(options: { ratePerS: number; burst: number; maxKeys?: number }) {
  const clock = { ms: 0 };
  return { clock, limiter: new RateLimiter({ ...options, now: () => clock.ms }) };
}

describe('RateLimiter', () => {
  it('allows a burst, then the rate, and says when to come back', () => {
    const { clock, limiter } = limiterAt({ ratePerS: 2, burst: 5 });
    for (let i = 0; i < 5; i++) expect(limiter.take('a')).toEqual({ ok: true });
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterS: 1 });
    clock.ms += 499;
    expect(limiter.take('a').ok).toBe(false);
    clock.ms += 1;
    expect(limiter.take('a')).toEqual({ ok: true });
    expect(limiter.take('a').ok).toBe(false);
    // A long rest refills to the burst, not beyond.
    clock.ms += 60_000;
    for (let i = 0; i < 5; i++) expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('a').ok).toBe(false);
  });

  it('keeps keys apart and charges costs', () => {
    const { clock, limiter } = limiterAt({ ratePerS: 0.1, burst: 10 });
    expect(limiter.take('a', 10)).toEqual({ ok: true });
    expect(limiter.take('b', 4)).toEqual({ ok: true });
    // 'a' is empty: 3 tokens at 0.1/s take 30 s.
    expect(limiter.take('a', 3)).toEqual({ ok: false, retryAfterS: 30 });
    clock.ms += 30_000;
    expect(limiter.take('a', 3)).toEqual({ ok: true });
    expect(limiter.take('b', 6)).toEqual({ ok: true });
    expect(() => limiter.take('a', 11)).toThrow('RateLimiter: cost must be in (0, 10], got 11');
  });

  it('forgets the longest idle keys beyond maxKeys, never one in use', () => {
    const { clock, limiter } = limiterAt({ ratePerS: 0.001, burst: 1, maxKeys: 3 });
    expect(limiter.take('busy').ok).toBe(true);
    for (let i = 0; i < 10_000; i++) {
      clock.ms += 1;
      limiter.take(`flood-${i}`);
      // Used every other request, 'busy' stays among the three most recent and stays limited.
      if (i % 2 === 1) expect(limiter.take('busy').ok).toBe(false);
    }
    expect(limiter.size).toBe(3);
    // Once idle behind three newer keys it is forgotten and starts full.
    for (const key of ['x', 'y', 'z']) limiter.take(key);
    expect(limiter.take('busy').ok).toBe(true);
  });

  it('refuses settings that make no limit', () => {
    expect(() => new RateLimiter({ ratePerS: 0, burst: 5 })).toThrow('RateLimiter: ratePerS must be a positive number, got 0');
    expect(() => new RateLimiter({ ratePerS: 1, burst: 0.5 })).toThrow('RateLimiter: burst must be at least 1, got 0.5');
    expect(() => new RateLimiter({ ratePerS: 1, burst: 1, maxKeys: 0 })).toThrow('RateLimiter: maxKeys must be a positive integer, got 0');
  });
});

describe('rateLimit', () => {
  const { clock, limiter } = limiterAt({ ratePerS: 0.25, burst: 2 });
  let served: Served;
  let reached = 0;
  beforeAll(async () => {
    const app = new Koa();
    app.use(rateLimit(limiter, (ctx) => ctx.get('X-Who'), 'POST /api/session'));
    app.use((ctx) => {
      reached++;
      ctx.body = { ok: true };
    });
    served = await serveApp(app);
  });
  afterAll(() => served.close());

  it('answers 429 with Retry-After once a key is over its limit, and lets others through', async () => {
    expect((await served.send('POST', '/', { 'X-Who': 'a' })).status).toBe(200);
    expect((await served.send('POST', '/', { 'X-Who': 'a' })).status).toBe(200);
    const refused = await served.send('POST', '/', { 'X-Who': 'a' });
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('4');
    expect(refused.headers['cache-control']).toBe('no-store');
    expect(refused.json()).toEqual({ error: { code: 'rate_limited', message: 'POST /api/session: too many requests; try again in 4 s' } });
    expect(reached).toBe(2);
    expect((await served.send('POST', '/', { 'X-Who': 'b' })).status).toBe(200);
    clock.ms += 4000;
    expect((await served.send('POST', '/', { 'X-Who': 'a' })).status).toBe(200);
    expect(reached).toBe(4);
  });
});
