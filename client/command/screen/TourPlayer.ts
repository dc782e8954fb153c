/**
 * Plays a tour (server/protocol/tours.ts) on the screen in a loop: for each stop the camera flies
 * to its place, its layers are shown or hidden, a run other than the live baseline seeks to its
 * time, and its caption is what the lower third shows until the stop's seconds are up. The live
 * baseline is never seeked: it follows the wall clock, and other screens watch it. Framework-free.
 */
import type { Tour, TourStop } from '../../../server/protocol/tours.ts';
import { parseOffset } from '../../../server/scenario/parseDuration.ts';
import { cityBookmarks } from '../../twin/bookmarks.ts';
import { viewLookingAt } from '../../twin/geo.ts';
import { LIVE_RUN_ID } from '../../twin/live/LiveStore.ts';
import type { LiveConnection } from '../../twin/live/LiveConnection.ts';
import type { TwinStore } from '../../twin/TwinStore.ts';
import type { CameraView, CityInfo } from '../../twin/types.ts';

const DEG = Math.PI / 180;

/** The camera pose of a stop in `city`, or an error naming the stop's place when the city has no such place. */
export function stopView(stop: TourStop, city: CityInfo): { view: CameraView } | { error: string } {
  if (stop.camera) {
    const c = stop.camera;
    return { view: { lon: c.lon, lat: c.lat, height: c.height, heading: c.heading * DEG, pitch: c.pitch * DEG } };
  }
  if (stop.bookmark !== undefined) {
    const marks = cityBookmarks(city);
    const mark = marks.find((b) => b.id === stop.bookmark);
    return mark ? { view: mark.view } : { error: `bookmark ${JSON.stringify(stop.bookmark)}: city "${city.id}" has ${marks.map((b) => b.id).join(', ')}` };
  }
  const poi = city.pois.find((p) => p.id === stop.poi);
  if (!poi) return { error: `poi ${JSON.stringify(stop.poi)}: city "${city.id}" has no such point of interest` };
  return { view: viewLookingAt({ lon: poi.lon, lat: poi.lat, height: poi.height ?? city.origin.height }, stop.heading * DEG, stop.pitch * DEG, stop.range) };
}

export interface TourNow {
  /** The stop shown, its index, and how many there are. */
  stop: TourStop;
  index: number;
  count: number;
  /** Wall-clock ms when it started, and how long it stays. */
  startedAtMs: number;
  durationMs: number;
}

export class TourPlayer {
  private now: TourNow | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly listeners = new Set<() => void>();
  /** Stops that could not be shown, warned about once each. */
  private readonly warned = new Set<number>();
  /** Stops shown since the start, for the tests. */
  shown = 0;

  constructor(
    private readonly tour: Tour,
    private readonly city: CityInfo,
    private readonly store: TwinStore,
    private readonly live: LiveConnection,
  ) {}

  /** Starts at the first stop; returns the stop (also `dispose`). */
  start(): () => void {
    this.show(0);
    return () => this.dispose();
  }

  dispose(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** What is shown now (null before the start). */
  readonly getSnapshot = (): TourNow | null => this.now;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  private show(index: number): void {
    const { tour, city, store, live } = this;
    const stop = tour.stops[index];
    const place = stopView(stop, city);
    if ('error' in place) {
      if (!this.warned.has(index)) console.warn(`TourPlayer: tour "${tour.id}": stops[${index}]: ${place.error}; the stop is skipped`);
      this.warned.add(index);
    } else {
      store.command({ kind: 'flyTo', view: place.view, duration: tour.flySeconds });
    }
    for (const [layer, visible] of Object.entries(stop.layers)) store.setLayer(layer, visible);
    const runId = live.store.getState().runId;
    if (stop.seekTo !== undefined && runId !== LIVE_RUN_ID) void live.seek(parseOffset(stop.seekTo) ?? 0);
    this.shown++;
    // A stop whose place is missing stays briefly, so that a tour of only such stops does not spin.
    const durationMs = 'error' in place ? 1000 : stop.seconds * 1000;
    this.now = { stop, index, count: tour.stops.length, startedAtMs: Date.now(), durationMs };
    for (const listener of [...this.listeners]) listener();
    this.timer = setTimeout(() => this.show((index + 1) % tour.stops.length), durationMs);
  }
}
