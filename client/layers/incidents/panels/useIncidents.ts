/** React bindings of the incidents layer: its state, and the joined run's clock as people read it. */
import { useSyncExternalStore } from 'react';
import { formatSimTime } from '../../../../server/protocol/simTime.ts';
import { useLive } from '../../../panels/useLive.ts';
import type { LiveConnection } from '../../../twin/live/LiveConnection.ts';
import type { LiveIncidents } from '../LiveIncidents.ts';

/** The layer's state version: re-renders on every summary and alert. */
export function useIncidentsVersion(incidents: LiveIncidents): number {
  return useSyncExternalStore(incidents.subscribe, () => incidents.version);
}

/** Sim time (ms since the run's start) as the clock on the wall read then ("18:10"), or minutes in when the run's start is unknown. */
export function useRunClock(live: LiveConnection): (simTimeMs: number) => string {
  const startEpochMs = useLive(live.store, (s) => s.runs.find((r) => r.id === s.runId)?.startEpochMs ?? null);
  return (ms) => (startEpochMs === null ? `T+${Math.round(ms / 60_000)}′` : formatSimTime(startEpochMs + ms).slice(11, 16));
}
