/**
 * The air layer's state: for the joined run, the latest decoded grid of each layer (AQI, the six
 * pollutants, each released substance), the latest air summary, and the 24-hour AQI history
 * (fetched when the run's first summary arrives, then grown from the summaries), fed from the live
 * stream by `connect` and cleared on a run switch. Framework-free; views read `grids` when
 * `gridVersion` moved, panels subscribe.
 */
import { z } from 'zod';
import { AirSummary } from '../../../server/protocol/AirSummary.ts';
import { decodeScalarGrid, type DecodedScalarGrid } from '../../../server/protocol/ScalarGridCodec.ts';
import { fetchJson } from '../../twin/http.ts';
import type { LiveConnection } from '../../twin/live/LiveConnection.ts';
import { WATER_DEPTH_LAYER } from '../flood/floodColors.ts';

/** One point of the history: the citywide AQI and each station's, every 5 sim minutes. */
export const AirPoint = z.object({
  simTimeMs: z.number(),
  aqi: z.number(),
  stations: z.array(z.object({ id: z.string(), aqi: z.number() })),
});
export type AirPoint = z.infer<typeof AirPoint>;
const AirHistory = z.object({ history: z.array(AirPoint) });

/** The server keeps a history point every this many sim milliseconds; so does the layer as summaries come. */
export const HISTORY_EVERY_MS = 5 * 60_000;
/** At most a day of points. */
const HISTORY_MAX = 24 * 12 + 1;

export type AirListener = () => void;

export interface LiveAirOptions {
  /** GET /api/runs/:id/air (its JSON body); by default over HTTP. */
  fetchAir?: (runId: string) => Promise<unknown>;
}

export class LiveAir {
  /** The latest grid of each layer, by layer id. */
  readonly grids = new Map<string, DecodedScalarGrid>();
  /** The latest summary, or null before the first (or for a run without the environment engine). */
  summary: AirSummary | null = null;
  /** The AQI every 5 sim minutes, oldest first. */
  history: AirPoint[] = [];
  /** Bumped on every change. */
  version = 0;
  /** Bumped when a grid arrives or the grids are cleared: views redraw the heat map then. */
  gridVersion = 0;
  /** Frames and summaries refused (bad bytes, a bad schema). */
  rejected = 0;
  private readonly listeners = new Set<AirListener>();
  private readonly fetchAir: (runId: string) => Promise<unknown>;
  private live: LiveConnection | null = null;
  /** Which run the history was asked for (null: not yet); a switch forgets it. */
  private historyOf: string | null = null;
  /** Bumped on clear: a history that arrives for a run left meanwhile is dropped. */
  private generation = 0;

  constructor(options: LiveAirOptions = {}) {
    this.fetchAir = options.fetchAir ?? ((runId) => fetchJson(`/api/runs/${encodeURIComponent(runId)}/air`));
  }

  /**
   * Hears the joined run's grid frames ('grid') and air summaries ('air') from `live`, and forgets
   * them when it switches runs; returns the function that stops it.
   */
  connect(live: LiveConnection): () => void {
    this.live = live;
    const stops = [live.onRunMessage('grid', (frame) => this.applyGrid(frame)), live.onRunMessage('air', (summary) => this.applySummary(summary)), live.onRunSwitch(() => this.clear())];
    return () => {
      for (const stop of stops) stop();
      if (this.live === live) this.live = null;
    };
  }

  /** Applies a grid frame from the wire; false (and counted) when it is refused. */
  applyGrid(frame: unknown): boolean {
    const decoded = decodeScalarGrid(frame);
    if (!decoded.ok) {
      this.rejected++;
      console.warn(`LiveAir: ${decoded.error.message}`);
      return false;
    }
    // The water's depth is the flood layer's, not a substance in the air.
    if (decoded.grid.layer === WATER_DEPTH_LAYER) return true;
    this.grids.set(decoded.grid.layer, decoded.grid);
    this.gridVersion++;
    this.changed();
    return true;
  }

  /** Applies an air summary from the wire; false (and counted) when it does not validate. */
  applySummary(raw: unknown): boolean {
    const parsed = AirSummary.safeParse(raw);
    if (!parsed.success) {
      this.rejected++;
      const issue = parsed.error.issues[0];
      console.warn(`LiveAir: summary: ${issue?.path.join('.')}: ${issue?.message}`);
      return false;
    }
    const summary = parsed.data;
    const last = this.history[this.history.length - 1];
    // Back in time (a seek): the history past this point is another future's.
    if (last && summary.simTimeMs < last.simTimeMs) {
      this.history = this.history.filter((p) => p.simTimeMs <= summary.simTimeMs);
      this.historyOf = null;
    }
    this.summary = summary;
    this.addPoint(summary);
    const runId = this.live?.store.getState().runId;
    if (runId !== undefined && this.historyOf !== runId) this.loadHistory(runId);
    this.changed();
    return true;
  }

  /** The grid shown for `layer`, or the AQI grid when that layer has none (a substance of another run). */
  gridFor(layer: string): DecodedScalarGrid | null {
    return this.grids.get(layer) ?? this.grids.get('aqi') ?? null;
  }

  /** Forgets everything (on switching runs). */
  clear(): void {
    this.grids.clear();
    this.summary = null;
    this.history = [];
    this.historyOf = null;
    this.generation++;
    this.gridVersion++;
    this.changed();
  }

  /** Calls `listener` after every change; returns the function that stops it. */
  subscribe(listener: AirListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Adds a history point for `summary` when it starts a new 5-minute bucket. */
  private addPoint(summary: AirSummary): void {
    const last = this.history[this.history.length - 1];
    if (last && Math.floor(summary.simTimeMs / HISTORY_EVERY_MS) <= Math.floor(last.simTimeMs / HISTORY_EVERY_MS)) return;
    this.history = [...this.history, { simTimeMs: summary.simTimeMs, aqi: summary.aqi, stations: summary.stations.map((s) => ({ id: s.id, aqi: s.aqi })) }].slice(-HISTORY_MAX);
  }

  private loadHistory(runId: string): void {
    this.historyOf = runId;
    const generation = this.generation;
    this.fetchAir(runId).then(
      (body) => {
        if (generation !== this.generation) return;
        const parsed = AirHistory.safeParse(body);
        if (!parsed.success) {
          console.warn(`LiveAir: GET /api/runs/${runId}/air: no history in the answer`);
          return;
        }
        // The server's points, then ours past its last (summaries heard since it answered).
        const theirs = parsed.data.history;
        const end = theirs[theirs.length - 1]?.simTimeMs ?? -1;
        this.history = [...theirs, ...this.history.filter((p) => Math.floor(p.simTimeMs / HISTORY_EVERY_MS) > Math.floor(end / HISTORY_EVERY_MS))].slice(-HISTORY_MAX);
        this.changed();
      },
      (error: Error) => {
        // The chart then starts from the summaries heard; the next summary does not ask again.
        if (generation === this.generation) console.warn(`LiveAir: ${error.message}`);
      },
    );
  }

  private changed(): void {
    this.version++;
    for (const l of [...this.listeners]) l();
  }
}
