import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createObjectState, type ObjectState } from '../../../server/protocol/ObjectState.ts';
import type { Engine, EngineContext, InjectResult } from '../../../server/sim/Engine.ts';
import { RoadWalkerEngine } from '../../../server/sim/engines/RoadWalkerEngine.ts';
import type { Rng } from '../../../server/sim/random.ts';
import { Run, type RunOptions, type TimelineInject } from '../../../server/sim/Run.ts';
import { gridCity } from './gridCity.ts';
import { hashObjectState, updateHash } from './hashObjectState.ts';

/** A tiny engine whose one object's x is the sum of random draws times a factor that injects set. */
class CounterEngine implements Engine {
  readonly injects = ['counter.factor'];
  private rng!: Rng;
  private state = createObjectState(1);
  factor = 1;
  /** Sim times at which an inject arrived, to check when injects land. */
  readonly injectTimes: number[] = [];
  readonly publishes: Engine['publishes'];
  constructor(readonly name = 'counter') {
    this.publishes = [{ id: `${name}.objects`, kind: 'objects' }];
  }
  init(ctx: EngineContext): void {
    this.rng = ctx.rng;
    this.state.count = 1;
    this.state.id[0] = 1;
  }
  step(): void {
    this.state.x[0] += this.rng.int(1, 10) * this.factor;
  }
  snapshot(): unknown {
    return { x: this.state.x[0], factor: this.factor, rng: this.rng.getState() };
  }
  restore(s: unknown): void {
    const snap = s as { x: number; factor: number; rng: number };
    this.state.x[0] = snap.x;
    this.factor = snap.factor;
    this.rng.setState(snap.rng);
  }
  applyInject(_kind: string, params: unknown, simTimeMs: number): InjectResult {
    const factor = (params as { factor?: unknown }).factor;
    if (typeof factor !== 'number') return { ok: false, code: 'bad_inject_params', message: `counter.factor: factor: expected number, got ${JSON.stringify(factor)}` };
    this.factor = factor;
    this.injectTimes.push(simTimeMs);
    return { ok: true };
  }
  output(): ObjectState {
    return this.state;
  }
  dispose(): void {}
}

const MIN = 60_000;
const city = gridCity();

function counterRun(options: Partial<RunOptions> = {}): { run: Run; engine: CounterEngine } {
  const run = new Run({ city, seed: 1, startEpochMs: Date.parse('2026-03-16T07:00:00+08:00'), durationMs: 20 * MIN, checkpointEveryMs: MIN, ...options });
  const engine = new CounterEngine();
  run.register(engine);
  return { run, engine };
}

function walkerRun(seed: number, timeline: RunOptions['timeline'] = []): Run {
  const run = new Run({ city, seed, startEpochMs: 0, durationMs: 15 * MIN, checkpointEveryMs: MIN, timeline });
  run.register(new RoadWalkerEngine(), { vehicles: 120, meanTripSeconds: 60 });
  return run;
}

describe('Run', () => {
  it('refuses a second engine with the same name', () => {
    const { run } = counterRun();
    expect(() => run.register(new CounterEngine())).toThrow(/engine "counter" is already registered/);
  });

  it('refuses two engines handling the same inject kind, and registration after the start', () => {
    const { run } = counterRun();
    expect(() => run.register(new CounterEngine('other'))).toThrow(/inject kind "counter.factor" is handled by both/);
    run.stepOnce();
    expect(() => run.register(new RoadWalkerEngine())).toThrow(/after the run has started/);
  });

  it('throws at start when the timeline names a kind no engine handles', () => {
    const { run } = counterRun({ timeline: [{ atMs: 0, kind: 'nobody.handles', params: {} }] });
    expect(() => run.stepOnce()).toThrow(/no registered engine handles inject kind "nobody.handles"/);
  });

  it('advances by wall time at the current speed only while playing', () => {
    const { run } = counterRun();
    expect(run.advance(1000).steps).toBe(0);
    run.play();
    run.setSpeed(60);
    expect(run.advance(1000)).toEqual({ steps: 600, capped: false, seeking: false });
    expect(run.status().timeMs).toBe(MIN);
    run.pause();
    expect(run.advance(5000).steps).toBe(0);
    expect(run.status().timeMs).toBe(MIN);
  });

  it('stops at the end, says so once, and will not play past it', () => {
    const { run } = counterRun({ durationMs: MIN });
    run.play();
    run.setSpeed('max');
    run.advance(0);
    expect(run.status()).toMatchObject({ timeMs: MIN, ended: true, playing: false });
    expect(run.drainEvents()).toEqual([{ type: 'ended', timeMs: MIN }]);
    expect(run.stepOnce()).toBe(false);
    expect(run.play()).toMatchObject({ ok: false, code: 'run_ended' });
  });

  it('rejects a bad speed and keeps the old one', () => {
    const { run } = counterRun();
    expect(run.setSpeed(0.4)).toMatchObject({ ok: false, code: 'bad_speed' });
    expect(run.setSpeed(4000)).toMatchObject({ ok: false, code: 'bad_speed' });
    expect(run.status().speed).toBe(1);
  });

  it('rejects a seek before the start or after the end', () => {
    const { run } = counterRun();
    for (const t of [-1, 20 * MIN + 1, Number.NaN]) {
      const result = run.seek(t);
      expect(result).toMatchObject({ ok: false, code: 'seek_out_of_range' });
      if (!result.ok) expect(result.message).toContain(String(t));
    }
    expect(run.seek(20 * MIN)).toEqual({ ok: true });
    expect(run.status().ended).toBe(true);
  });

  it('applies timeline injects when the clock reaches them, and again after a seek back', () => {
    const { run, engine } = counterRun({ timeline: [{ atMs: 3 * MIN + 500, kind: 'counter.factor', params: { factor: 0 } }] });
    while (run.status().timeMs < 3 * MIN + 400) run.stepOnce();
    expect(engine.factor).toBe(1);
    run.stepOnce();
    expect(engine.factor).toBe(0);
    expect(engine.injectTimes).toEqual([3 * MIN + 500]);
    expect(run.drainEvents()).toEqual([{ type: 'inject', timeMs: 3 * MIN + 500, kind: 'counter.factor', params: { factor: 0 }, source: 'timeline', result: { ok: true } }]);
    run.seek(10 * MIN);
    const x = run.objects().x[0];
    run.seek(2 * MIN);
    expect(engine.factor).toBe(1);
    while (run.status().timeMs < 10 * MIN) run.stepOnce();
    expect(engine.factor).toBe(0);
    expect(run.objects().x[0]).toBe(x);
    expect(engine.injectTimes).toEqual([3 * MIN + 500, 3 * MIN + 500]);
    // Seeking itself reports nothing; stepping on reports the inject again as it lands.
    expect(run.drainEvents().map((e) => e.type)).toEqual(['inject']);
  });

  it('keeps a live inject in the timeline so a seek back replays it', () => {
    const straight = counterRun();
    const live = counterRun();
    for (const r of [straight, live]) r.run.seek(4 * MIN);
    expect(live.run.inject('counter.factor', { factor: 3 })).toEqual({ ok: true });
    // The run that saw the inject live and one that had it planned from the start must agree.
    const planned = counterRun({ timeline: [{ atMs: 4 * MIN, kind: 'counter.factor', params: { factor: 3 } }] });
    live.run.seek(9 * MIN);
    planned.run.seek(9 * MIN);
    const x = live.run.objects().x[0];
    expect(planned.run.objects().x[0]).toBe(x);
    live.run.seek(MIN);
    live.run.seek(9 * MIN);
    expect(live.run.objects().x[0]).toBe(x);
    expect(live.run.injects()).toEqual([{ atMs: 4 * MIN, kind: 'counter.factor', params: { factor: 3 }, source: 'live', applied: true }]);
    straight.run.seek(9 * MIN);
    expect(straight.run.objects().x[0]).not.toBe(x);
  });

  it('starts a fork with its changes made at its start, listed as planned, and seeks inside it from that start', () => {
    const factor = (f: number) => ({ kind: 'counter.factor', params: { factor: f } });
    const source = counterRun();
    source.run.seek(3 * MIN);
    source.run.inject('counter.factor', { factor: 2 });
    source.run.seek(5 * MIN + 300);
    const point = source.run.forkPoint();
    expect(point.timeMs).toBe(5 * MIN);

    const fork = counterRun();
    expect(fork.run.startFrom(point, [{ atMs: 5 * MIN, ...factor(3) }, { atMs: 8 * MIN, ...factor(0) }])).toEqual({ ok: true });
    expect(fork.run.status().timeMs).toBe(5 * MIN);
    expect(fork.engine.factor).toBe(3);
    expect(fork.run.drainEvents()).toEqual([{ type: 'inject', timeMs: 5 * MIN, ...factor(3), source: 'timeline', result: { ok: true } }]);
    expect(fork.run.injects()).toEqual([
      { atMs: 3 * MIN, ...factor(2), source: 'timeline', applied: true },
      { atMs: 5 * MIN, ...factor(3), source: 'timeline', applied: true },
      { atMs: 8 * MIN, ...factor(0), source: 'timeline', applied: false },
    ]);
    const atStart = fork.run.objects().x[0];

    // The same history planned from time 0 gives the same states.
    const planned = counterRun({ timeline: [{ atMs: 3 * MIN, ...factor(2) }, { atMs: 5 * MIN, ...factor(3) }, { atMs: 8 * MIN, ...factor(0) }] });
    planned.run.seek(10 * MIN);
    fork.run.seek(10 * MIN);
    expect(fork.run.objects().x[0]).toBe(planned.run.objects().x[0]);

    // Back to the start: restored at once from the fork's own checkpoint (no re-simulation from 0, no inject made again).
    const injectTimes = [...fork.engine.injectTimes];
    expect(fork.run.requestSeek(5 * MIN)).toEqual({ ok: true });
    expect(fork.run.status()).toMatchObject({ timeMs: 5 * MIN, seekingToMs: null });
    expect(fork.run.objects().x[0]).toBe(atStart);
    expect(fork.engine.factor).toBe(3);
    expect(fork.engine.injectTimes).toEqual(injectTimes);
    // A seek back before the fork re-simulates from 0 and comes to the same states again.
    fork.run.seek(2 * MIN);
    fork.run.seek(5 * MIN);
    expect(fork.run.objects().x[0]).toBe(atStart);
  });

  it("carries a fork's history and changes into a fork of it, so seeks before either start agree", () => {
    const factor = (f: number) => ({ kind: 'counter.factor', params: { factor: f } });
    const source = counterRun();
    source.run.seek(3 * MIN);
    source.run.inject('counter.factor', { factor: 2 });
    source.run.seek(5 * MIN);
    const fork = counterRun();
    expect(fork.run.startFrom(source.run.forkPoint(), [{ atMs: 5 * MIN, ...factor(3) }, { atMs: 9 * MIN, ...factor(4) }])).toEqual({ ok: true });
    fork.run.seek(7 * MIN);

    const second = counterRun();
    expect(second.run.startFrom(fork.run.forkPoint())).toEqual({ ok: true });
    expect(second.run.injects().map((e) => [e.atMs, e.params])).toEqual([
      [3 * MIN, { factor: 2 }],
      [5 * MIN, { factor: 3 }],
      [9 * MIN, { factor: 4 }],
    ]);
    // Back before both starts and on again: re-simulated from 0 with the same history as the fork.
    second.run.seek(2 * MIN);
    second.run.seek(10 * MIN);
    fork.run.seek(10 * MIN);
    expect(second.run.objects().x[0]).toBe(fork.run.objects().x[0]);
  });

  it('answers a fork\'s bad change naming the field and value, and leaves the run as it was', () => {
    const source = counterRun();
    source.run.seek(5 * MIN);
    const point = source.run.forkPoint();
    const { run, engine } = counterRun();
    const x = run.objects().x[0];
    const bad = (changes: TimelineInject[]) => {
      const result = run.startFrom(point, changes);
      expect(run.status().timeMs).toBe(0);
      expect(run.objects().x[0]).toBe(x);
      expect(run.injects()).toEqual([]);
      return result;
    };
    const good = { atMs: 5 * MIN, kind: 'counter.factor', params: { factor: 3 } };
    expect(bad([good, { ...good, kind: 'nobody.handles' }])).toMatchObject({ ok: false, code: 'unknown_inject', message: expect.stringContaining('changes[1].kind: no engine of this run handles inject kind "nobody.handles"') });
    expect(bad([{ ...good, atMs: -5 }])).toMatchObject({ ok: false, code: 'bad_request', message: expect.stringContaining('changes[0].atMs: must be an integer from 0 to 1200000 ms, got -5') });
    expect(bad([good, { ...good, params: { factor: 'x' } }])).toMatchObject({ ok: false, code: 'bad_inject_params', message: expect.stringContaining('changes[1].params (counter.factor): counter.factor: factor: expected number, got "x"') });
    expect(engine.factor).toBe(1);
    // Nothing was half made: the same run still forks.
    expect(run.startFrom(point, [good])).toEqual({ ok: true });
    expect(engine.factor).toBe(3);
  });

  it('answers a live inject of an unknown kind or with bad params without changing the run', () => {
    const { run } = counterRun();
    expect(run.inject('nobody.handles', {})).toMatchObject({ ok: false, code: 'unknown_inject' });
    expect(run.inject('counter.factor', { factor: 'x' })).toMatchObject({ ok: false, code: 'bad_inject_params' });
    expect(run.injects()).toEqual([]);
  });

  it('re-simulates a requested seek within each advance budget, even while paused', () => {
    const straight = walkerRun(4);
    straight.seek(9 * MIN);
    const run = walkerRun(4);
    run.seek(9 * MIN);
    expect(run.requestSeek(2 * MIN)).toEqual({ ok: true });
    run.drainEvents();
    expect(run.requestSeek(8 * MIN + 300)).toEqual({ ok: true });
    expect(run.status()).toMatchObject({ timeMs: 8 * MIN, seekingToMs: 8 * MIN + 300 });
    expect(run.inject('road_walker.speed_factor', { factor: 0.5 })).toMatchObject({ ok: false, code: 'seeking' });
    expect(run.advance(0, 2)).toEqual({ steps: 2, capped: false, seeking: true });
    expect(run.advance(0, 2)).toEqual({ steps: 1, capped: false, seeking: false });
    expect(run.status()).toMatchObject({ timeMs: 8 * MIN + 300, seekingToMs: null, playing: false });
    while (run.status().timeMs < 9 * MIN) run.stepOnce();
    expect(hashObjectState(run.objects())).toBe(hashObjectState(straight.objects()));
  });

  it('gives the same state after seeking back and re-simulating as a straight run', () => {
    const straight = walkerRun(11);
    for (let t = 0; t < 10 * MIN; t += 100) straight.stepOnce();
    const expected = hashObjectState(straight.objects());
    const seeking = walkerRun(11);
    seeking.seek(10 * MIN);
    seeking.seek(3 * MIN + 250);
    expect(seeking.status().timeMs).toBe(3 * MIN + 200);
    while (seeking.status().timeMs < 10 * MIN) seeking.stepOnce();
    expect(hashObjectState(seeking.objects())).toBe(expected);
  });

  it('keeps runs isolated: two seeds stepped in turn give the same hashes as each alone', () => {
    const trace = (runs: Run[], steps: number): string[] => {
      const hashes = runs.map(() => createHash('sha256'));
      for (let i = 0; i < steps; i++) {
        runs.forEach((r, k) => {
          r.stepOnce();
          updateHash(hashes[k], r.objects());
        });
      }
      return hashes.map((h) => h.digest('hex'));
    };
    const [a, b] = trace([walkerRun(1), walkerRun(2)], 1500);
    expect(trace([walkerRun(1)], 1500)).toEqual([a]);
    expect(trace([walkerRun(2)], 1500)).toEqual([b]);
    expect(a).not.toBe(b);
  });

  it("starts over without the day's live injects and makes the daily ones again, its timeline the same length each day", () => {
    const factor = (f: number) => ({ kind: 'counter.factor', params: { factor: f } });
    const live = counterRun({ timeline: [{ atMs: 2 * MIN, ...factor(5) }] });
    live.run.seek(3 * MIN);
    expect(live.run.inject('counter.factor', { factor: 2 })).toEqual({ ok: true });
    live.run.seek(4 * MIN);
    expect(live.run.inject('counter.factor', { factor: 3 }, 'daily')).toEqual({ ok: true });
    live.run.seek(20 * MIN);
    expect(live.run.status().ended).toBe(true);
    expect(live.run.injects()).toHaveLength(3);

    for (let day = 2; day <= 3; day++) {
      live.run.restart();
      expect(live.run.status()).toMatchObject({ timeMs: 0, ended: false, seekingToMs: null });
      expect(live.run.injects()).toEqual([
        { atMs: 2 * MIN, ...factor(5), source: 'timeline', applied: false },
        { atMs: 4 * MIN, ...factor(3), source: 'live', applied: false },
      ]);
      live.run.drainEvents();
      while (live.run.stepOnce());
      const injected = live.run.drainEvents().filter((e) => e.type === 'inject');
      expect(injected.map((e) => [e.timeMs, e.params])).toEqual([
        [2 * MIN, { factor: 5 }],
        [4 * MIN, { factor: 3 }],
      ]);
    }
    // The day as if only the scenario's and the daily inject had been planned.
    const planned = counterRun({ timeline: [{ atMs: 2 * MIN, ...factor(5) }, { atMs: 4 * MIN, ...factor(3) }] });
    planned.run.seek(20 * MIN);
    expect(live.run.objects().x[0]).toBe(planned.run.objects().x[0]);
  });

  it('starts over from the state before a live inject made at time 0, unless it was daily', () => {
    const fresh = counterRun();
    const x0 = fresh.run.objects().x[0];
    const live = counterRun();
    live.run.inject('counter.factor', { factor: 2 });
    live.run.seek(5 * MIN);
    live.run.restart();
    expect(live.engine.factor).toBe(1);
    expect(live.run.objects().x[0]).toBe(x0);
    expect(live.run.injects()).toEqual([]);

    live.run.inject('counter.factor', { factor: 4 }, 'daily');
    live.run.seek(5 * MIN);
    live.run.restart();
    expect(live.engine.factor).toBe(4);
    expect(live.run.injects()).toEqual([{ atMs: 0, kind: 'counter.factor', params: { factor: 4 }, source: 'live', applied: true }]);
    live.run.seek(3 * MIN);
    fresh.run.inject('counter.factor', { factor: 4 });
    fresh.run.seek(3 * MIN);
    expect(live.run.objects().x[0]).toBe(fresh.run.objects().x[0]);
  });
});
