/**
 * The incidents layer's state: for the joined run, the latest emergency summary (incidents with
 * their zones, units, casualties and timeline; evacuations, shelters, hospitals) and the alerts
 * heard (an incident started, its level raised, a rainstorm warning), fed from the live stream by
 * `connect` and cleared on a run switch. Framework-free; views read `summary` when `version`
 * moved, panels and the toasts subscribe.
 */
import { EmergencySummary } from '../../../server/protocol/EmergencySummary.ts';
import type { AlertEvent } from '../../../server/protocol/events.ts';
import type { LiveConnection } from '../../twin/live/LiveConnection.ts';
import { VersionedState } from '../../twin/live/VersionedState.ts';

/** An alert as heard: the event and when it arrived (wall clock, ms). */
export interface HeardAlert {
  event: AlertEvent;
  heardAtMs: number;
}

/** Alerts kept, newest last. */
const ALERTS_KEPT = 20;

export class LiveIncidents extends VersionedState {
  /** The latest summary, or null (before the first, or for a run without the emergency engine). */
  summary: EmergencySummary | null = null;
  /** The alerts heard since the run was joined, oldest first. */
  alerts: HeardAlert[] = [];

  /** `now` is the wall clock (fake in tests). */
  constructor(private readonly now: () => number = () => Date.now()) {
    super('LiveIncidents');
  }

  /** Hears the joined run's emergency summaries and alerts from `live`, and forgets them on a run switch; returns the stop. */
  connect(live: LiveConnection): () => void {
    const stops = [
      live.onRunMessage('emergency', (raw) => this.applySummary(raw)),
      live.onRunEvent((event) => {
        if (event.type === 'alert') this.applyAlert(event);
      }),
      live.onRunSwitch(() => this.clear()),
    ];
    return () => stops.forEach((stop) => stop());
  }

  /** Applies an emergency summary; false (counted) when it does not validate. */
  applySummary(raw: unknown): boolean {
    return this.accept(EmergencySummary, raw, 'summary', (summary) => (this.summary = summary));
  }

  /** Keeps an alert (validated with the other events by the connection); the same alert twice is kept once. */
  applyAlert(event: AlertEvent): void {
    if (this.alerts.some((a) => a.event.alertId === event.alertId && a.event.simTimeMs === event.simTimeMs)) return;
    this.alerts = [...this.alerts, { event, heardAtMs: this.now() }].slice(-ALERTS_KEPT);
    this.changed();
  }

  /** Forgets everything (on switching runs). */
  clear(): void {
    this.summary = null;
    this.alerts = [];
    this.changed();
  }
}
