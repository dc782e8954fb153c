/**
 * What the big screen shows, for the run the page's stream plays: the leaders' dashboard polled
 * from `GET /api/runs/:id/dashboard` (about every 5 s; sooner after a reconnect or a run switch,
 * slower while the server does not answer), and the instant figures of the header from the stream's
 * summaries (traffic, air, flood) and the emergency layer's state (incidents, alerts). Bounded for
 * days: one of each summary, the trends cut to 24 hours, the alerts capped by LiveIncidents.
 * Framework-free; React reads it through `subscribe` and `version`.
 */
import { AirSummary } from '../../../server/protocol/AirSummary.ts';
import { Dashboard, type TrendPoint } from '../../../server/protocol/Dashboard.ts';
import { FloodSummary } from '../../../server/protocol/FloodSummary.ts';
import { TrafficSummary } from '../../../server/protocol/TrafficSummary.ts';
import { LiveIncidents } from '../../layers/incidents/LiveIncidents.ts';
import { fetchJson } from '../../twin/http.ts';
import type { LiveConnection } from '../../twin/live/LiveConnection.ts';
import { VersionedState } from '../../twin/live/VersionedState.ts';

/** How often the dashboard is asked for while the server answers. */
export const POLL_MS = 5000;
/** The longest wait between tries while it does not. */
const POLL_MAX_MS = 30_000;
/** The trends keep at most this much sim time, and at most this many points. */
const TREND_SPAN_MS = 24 * 3_600_000;
const TREND_POINTS_MAX = 600;

/** Keeps the last 24 hours (sim time) of a trend, at most TREND_POINTS_MAX points. */
export function lastDay(points: readonly TrendPoint[]): TrendPoint[] {
  if (points.length === 0) return [];
  const from = points[points.length - 1].simTimeMs - TREND_SPAN_MS;
  const kept = points.filter((p) => p.simTimeMs >= from);
  return kept.length > TREND_POINTS_MAX ? kept.slice(-TREND_POINTS_MAX) : kept;
}

export class ScreenFeed extends VersionedState {
  dashboard: Dashboard | null = null;
  /** Why the last poll failed (the server's message), or null after a success. */
  dashboardError: string | null = null;
  traffic: TrafficSummary | null = null;
  air: AirSummary | null = null;
  flood: FloodSummary | null = null;
  /** Incidents, shelters and hospitals with their places, and the alerts heard (capped). */
  readonly incidents: LiveIncidents;
  /** Polls made and answered, for the tests. */
  readonly stats = { polls: 0, answered: 0 };
  private timer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;
  private polling = false;
  private disposed = false;
  private readonly stops: (() => void)[] = [];

  constructor(
    private readonly live: LiveConnection,
    private readonly getJson: (url: string) => Promise<unknown> = (url) => fetchJson(url),
  ) {
    super('ScreenFeed');
    this.incidents = new LiveIncidents();
  }

  /** Hears the stream and starts polling; returns the stop (also `dispose`). */
  start(): () => void {
    const { live } = this;
    this.stops.push(
      live.onRunMessage('traffic', (raw) => this.accept(TrafficSummary, raw, 'traffic', (s) => (this.traffic = s))),
      live.onRunMessage('air', (raw) => this.accept(AirSummary, raw, 'air', (s) => (this.air = s))),
      live.onRunMessage('flood', (raw) => this.accept(FloodSummary, raw, 'flood', (s) => (this.flood = s))),
      this.incidents.connect(live),
      this.incidents.subscribe(() => this.changed()),
      live.onRunSwitch(() => {
        this.dashboard = null;
        this.traffic = null;
        this.air = null;
        this.flood = null;
        this.changed();
        this.pollSoon();
      }),
      // Back after a network cut or a server restart: ask at once rather than at the backed-off pace.
      live.onConnect(() => this.pollSoon()),
    );
    this.pollSoon();
    return () => this.dispose();
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    for (const stop of this.stops.splice(0)) stop();
  }

  /** Polls now (or as soon as the poll under way is answered). */
  pollSoon(): void {
    this.failures = 0;
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.disposed) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.poll();
    }, delayMs);
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    const runId = this.live.store.getState().runId;
    this.stats.polls++;
    try {
      const raw = await this.getJson(`/api/runs/${encodeURIComponent(runId)}/dashboard`);
      if (this.disposed || runId !== this.live.store.getState().runId) return;
      const dashboard = this.validated(Dashboard, raw, 'dashboard');
      if (dashboard) {
        this.stats.answered++;
        this.dashboard = { ...dashboard, trends: trimTrends(dashboard.trends) };
        this.dashboardError = null;
        this.failures = 0;
        this.changed();
      }
    } catch (err) {
      this.failures++;
      const message = (err as Error).message;
      if (message !== this.dashboardError) {
        this.dashboardError = message;
        this.changed();
      }
    } finally {
      this.polling = false;
      // 5 s while it answers; 10, 20, 30 s while it does not (a reconnect asks at once).
      this.schedule(Math.min(POLL_MAX_MS, POLL_MS * 2 ** Math.min(this.failures, 3)));
    }
  }
}

function trimTrends(trends: Dashboard['trends']): Dashboard['trends'] {
  return Object.fromEntries(Object.entries(trends).map(([key, points]) => [key, lastDay(points)])) as Dashboard['trends'];
}
