/** React bindings for the traffic panels: the joined run's summary, the road lines, polling. */
import { useEffect, useState, useSyncExternalStore } from 'react';
import type { TrafficSummary } from '../../../../server/protocol/TrafficSummary.ts';
import { enuToGeodetic, viewLookingAt } from '../../../twin/geo.ts';
import { loadRoads, type RoadNet } from '../../../twin/traffic/roads.ts';
import type { CameraView, CityInfo } from '../../../twin/types.ts';
import type { LiveTraffic } from '../LiveTraffic.ts';

/** The joined run's latest traffic summary (null before the first, or for a run without traffic). */
export function useTrafficSummary(traffic: LiveTraffic): TrafficSummary | null {
  return useSyncExternalStore(
    (listener) => traffic.subscribe(listener),
    () => traffic.summary,
  );
}

/** The city's road lines once loaded (null before, or when they failed: the panels then show no road names). */
export function useRoads(city: CityInfo | null): RoadNet | null {
  const [roads, setRoads] = useState<RoadNet | null>(null);
  useEffect(() => {
    if (!city) return;
    let alive = true;
    loadRoads(city.id).then(
      (r) => alive && setRoads(r),
      (error: Error) => console.warn(error.message),
    );
    return () => {
      alive = false;
    };
  }, [city]);
  return roads;
}

/**
 * Calls `poll(signal)` now and every `everyMs` while `key` is not null (and again when it changes);
 * an aborted or superseded poll is dropped.
 */
export function usePolling(key: string | null, everyMs: number, poll: (signal: AbortSignal) => Promise<void>): void {
  useEffect(() => {
    if (key === null) return;
    const controller = new AbortController();
    let timer = 0;
    const tick = async () => {
      try {
        await poll(controller.signal);
      } catch (error) {
        if (!controller.signal.aborted) console.warn((error as Error).message);
      }
      if (!controller.signal.aborted) timer = window.setTimeout(tick, everyMs);
    };
    void tick();
    return () => {
      controller.abort();
      window.clearTimeout(timer);
    };
    // `poll` is a fresh closure each render; the key says when to start over.
  }, [key, everyMs]);
}

/** A camera looking north-down at the middle of link k from 700 m, for "show me this road". */
export function linkView(city: CityInfo, roads: RoadNet, k: number): CameraView {
  const first = roads.starts[k];
  const last = roads.starts[k + 1] - 1;
  const mid = Math.floor((first + last) / 2);
  const p = roads.points;
  const at = enuToGeodetic(city.origin, [p[3 * mid], p[3 * mid + 1], p[3 * mid + 2]]);
  return viewLookingAt(at, 0, -0.6, 700);
}
