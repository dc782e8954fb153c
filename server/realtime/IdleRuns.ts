import type { RunSession } from './RunSession.ts';

/** When a run was last watched and last not finished, wall ms. */
interface Seen {
  watchedMs: number;
  runningMs: number;
}

/**
 * Finds the runs and replays that fell idle, for the RunManager to stop: one nobody has watched
 * (no socket in its room, no HTTP read of it) for `idleMs`, or that finished (a run at its end, a
 * replay at the end of its recording) `idleMs` ago. A paused run that screens still watch stays: a
 * drill director may hold a drill for a long discussion. The live baseline never idles; a what-if
 * run still heading for its comparison time counts as watched (the comparison waits for it).
 */
export class IdleRuns {
  private readonly idleMs: number;
  private readonly seen = new Map<string, Seen>();
  /** Sockets watching a run now (attachRealtime gives Socket.IO's room sizes); none until set. */
  private watchers: (runId: string) => number = () => 0;

  constructor(idleMs: number) {
    if (!(idleMs > 0)) throw new Error(`IdleRuns: idleRunMs must be a positive number of ms, got ${idleMs}`);
    this.idleMs = idleMs;
  }

  setWatchers(count: (runId: string) => number): void {
    this.watchers = count;
  }

  /** Run `runId` was read at wall time `now`: it counts as watched then. */
  touch(runId: string, now: number): void {
    const seen = this.seen.get(runId);
    if (seen) seen.watchedMs = now;
    else this.seen.set(runId, { watchedMs: now, runningMs: now });
  }

  /** The open sessions idle at wall time `now`, each with why; forgets stopped ones. */
  due(sessions: Iterable<RunSession>, now: number): { session: RunSession; why: string }[] {
    const idle: { session: RunSession; why: string }[] = [];
    const span = `${Math.round(this.idleMs / 1000)} s`;
    for (const s of sessions) {
      if (s.stopped) {
        this.seen.delete(s.id);
        continue;
      }
      if (s.kind === 'live') continue;
      let seen = this.seen.get(s.id);
      if (!seen) this.seen.set(s.id, (seen = { watchedMs: now, runningMs: now }));
      if (s.awaited || this.watchers(s.id) > 0) seen.watchedMs = now;
      if (s.state().status !== 'finished') seen.runningMs = now;
      if (now - seen.watchedMs >= this.idleMs) idle.push({ session: s, why: `nobody watched it for ${span}` });
      else if (now - seen.runningMs >= this.idleMs) idle.push({ session: s, why: `it finished ${span} ago` });
    }
    return idle;
  }
}
