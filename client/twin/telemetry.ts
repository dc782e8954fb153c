/**
 * What the views report about themselves (tileset loads, renders) for the test hooks on
 * `window.__twin` and for the benchmark: counters and timestamped events, no renderer types.
 */
import type { CameraView, LonLatHeight } from './types.ts';

export type ViewName = 'cesium' | 'three';

export interface TwinEvent {
  view: ViewName;
  type: string;
  /** performance.now() when it happened, milliseconds. */
  at: number;
  detail?: Record<string, unknown>;
}

/** What the active view offers tests: where a point lands on screen. */
export interface ViewProbe {
  view: ViewName;
  /** CSS pixels from the page's top-left, or null when the point is behind the camera. */
  project(point: LonLatHeight): { x: number; y: number } | null;
  /** Where the view's camera is now (mid-flight too): what the screen shows, not what the store last heard. */
  camera(): CameraView;
  /** True when the camera is still and every visible tile has loaded. */
  idle(): boolean;
}

export interface Telemetry {
  events: TwinEvent[];
  counters: Record<string, number>;
  probe: ViewProbe | null;
  emit(view: ViewName, type: string, detail?: Record<string, unknown>): void;
  count(name: string, by?: number): void;
  /** Calls `listener` for every later event; returns the function that stops it. */
  subscribe(listener: (event: TwinEvent) => void): () => void;
}

/** Creates an empty telemetry record. */
export function createTelemetry(): Telemetry {
  const listeners = new Set<(event: TwinEvent) => void>();
  const telemetry: Telemetry = {
    events: [],
    counters: {},
    probe: null,
    emit(view, type, detail) {
      const event: TwinEvent = { view, type, at: performance.now(), detail };
      // Bounded: a long session must not grow without end.
      if (telemetry.events.length > 2000) telemetry.events.splice(0, 1000);
      telemetry.events.push(event);
      for (const listener of [...listeners]) listener(event);
    },
    count(name, by = 1) {
      telemetry.counters[name] = (telemetry.counters[name] ?? 0) + by;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
  return telemetry;
}
