import type { Ack } from '../protocol/controls.ts';
import { formatDuration, formatOffset } from '../scenario/parseDuration.ts';
import type { Scenario } from '../scenario/Scenario.ts';
import type { TimelineInject } from '../sim/Run.ts';
import { fail, type RunControl, type RunSession } from './RunSession.ts';
import { SimSession } from './SimSession.ts';

/**
 * What the live baseline's clock follows: `wall`, the time of day in Asia/Shanghai (the scenario
 * re-dated to today, from now until midnight, then a new run each day); `scenario`, the scenario's
 * own date and time, starting over at its end (deterministic: tests and bench).
 */
export type LiveClock = 'wall' | 'scenario';

const DAY_MS = 86_400_000;
/** Asia/Shanghai is UTC+8 all year (no daylight saving since 1991). */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** Epoch ms of the Asia/Shanghai midnight at or before `epochMs`. */
export function shanghaiMidnight(epochMs: number): number {
  return Math.floor((epochMs + SHANGHAI_OFFSET_MS) / DAY_MS) * DAY_MS - SHANGHAI_OFFSET_MS;
}

/**
 * `scenario` moved to start at `epochMs` (rounded down to the minute) and to end at the next
 * Asia/Shanghai midnight. Its injects keep their time of day; those falling outside the new span
 * are left out.
 */
export function redate(scenario: Scenario, epochMs: number): Scenario {
  const startEpochMs = Math.floor(epochMs / 60_000) * 60_000;
  const midnight = shanghaiMidnight(startEpochMs);
  const durationMs = midnight + DAY_MS - startEpochMs;
  const timeline = scenario.timeline.flatMap((t) => {
    const at = scenario.startEpochMs + t.atMs - shanghaiMidnight(scenario.startEpochMs + t.atMs) - (startEpochMs - midnight);
    return at >= 0 && at <= durationMs ? [{ ...t, at: formatOffset(at), atMs: at }] : [];
  });
  const local = new Date(startEpochMs + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19);
  return { ...scenario, start: `${local}+08:00`, startEpochMs, duration: formatDuration(durationMs), durationMs, timeline };
}

/** How the baseline starts (and lists, as the live run) a day's run: the (re-dated) scenario, the daily injects to make in it, and the clock it follows. */
export type StartLive = (scenario: Scenario, timeline: TimelineInject[], followsClock: (() => number) | undefined) => Ack<SimSession>;

/** A live inject made with repeat 'daily': made again every day at its time of day (ms since local midnight). */
interface DailyInject {
  timeOfDayMs: number;
  kind: string;
  params: unknown;
}

/**
 * The always-on live baseline's clock. With the scenario's clock the run replays its scenario and
 * starts over at its end (SimSession restarts it). With the wall clock the run is the scenario
 * re-dated to the present (its engines warm up from that hour, and the day's weekday or weekend
 * travel pattern follows from the date), kept in step with the wall clock — stepping faster after
 * it fell behind, never ahead — and at midnight replaced by the next date's run, which makes the
 * 'daily' live injects again (the day's others are dropped, as a restart drops them). Pause, speed
 * and seek are refused then: the run is the present.
 */
export class LiveBaseline {
  private readonly daily: DailyInject[] = [];

  constructor(
    private readonly options: {
      scenario: Scenario;
      clock: LiveClock;
      /** Epoch ms now. */
      wallClock: () => number;
      start: StartLive;
      log: (line: string) => void;
    },
  ) {}

  /** Starts the first run: now's on the wall clock, the scenario as it is on its own. */
  start(): Ack<SimSession> {
    const o = this.options;
    return o.clock === 'wall' ? this.startDay(o.wallClock()) : o.start(o.scenario, [], undefined);
  }

  /** A refusal of a control the wall clock rules out (pause, speed, seek), else undefined. */
  refuse(control: RunControl): { ok: false; error: { code: string; message: string } } | undefined {
    if (this.options.clock !== 'wall' || (control.action !== 'pause' && control.action !== 'speed' && control.action !== 'seek')) return undefined;
    return fail('live_clock', `RunManager: the live baseline follows the wall clock (Asia/Shanghai) and cannot ${control.action === 'speed' ? 'change speed' : control.action}; start a run of scenario ${this.options.scenario.id} to do that`);
  }

  /** After a control was applied to the live run: a 'daily' inject is remembered for the next days (wall clock). */
  applied(control: RunControl, session: RunSession): void {
    if (this.options.clock !== 'wall' || control.action !== 'inject' || control.repeat !== 'daily' || !(session instanceof SimSession)) return;
    const epochMs = session.run.status().epochMs;
    this.daily.push({ timeOfDayMs: epochMs - shanghaiMidnight(epochMs), kind: control.kind, params: control.params });
  }

  /**
   * Once per manager tick, after the runs stepped: a wall-clock run that reached midnight is stopped
   * (its recording finished) and the next date's run replaces it, from midnight or, when the wall
   * clock is already past that minute (the server was stalled), from now.
   */
  tick(session: RunSession | undefined): void {
    if (this.options.clock !== 'wall' || !(session instanceof SimSession) || session.stopped) return;
    const s = session.run.status();
    if (!s.ended) return;
    session.stop();
    const made = this.startDay(Math.max(s.startEpochMs + s.durationMs, this.options.wallClock()));
    if (made.ok) made.result.announceState();
    else this.options.log(`RunManager: the live baseline could not start the next day: ${made.error.message}`);
  }

  private startDay(epochMs: number): Ack<SimSession> {
    const scenario = redate(this.options.scenario, epochMs);
    const fromMs = scenario.startEpochMs - shanghaiMidnight(scenario.startEpochMs);
    const timeline = this.daily.flatMap((d) => (d.timeOfDayMs >= fromMs ? [{ atMs: d.timeOfDayMs - fromMs, kind: d.kind, params: d.params }] : []));
    return this.options.start(scenario, timeline, this.options.wallClock);
  }
}
