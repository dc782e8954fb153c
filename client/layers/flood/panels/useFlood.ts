/** React binding of the flood layer's summary. */
import { useSyncExternalStore } from 'react';
import type { FloodSummary } from '../../../../server/protocol/FloodSummary.ts';
import type { LiveFlood } from '../LiveFlood.ts';

/** The joined run's latest flood summary (null before the first, or for a run without the flood engine). */
export function useFloodSummary(flood: LiveFlood): FloodSummary | null {
  return useSyncExternalStore(flood.subscribe, () => flood.summary);
}
