/** A page's DrillClient for drill `drillId` on `live` (made and started with the page, disposed with it) and its snapshot. */
import { useEffect, useState, useSyncExternalStore } from 'react';
import { DrillClient, type DrillSnapshot } from '../drill/DrillClient.ts';
import type { LiveConnection } from '../../twin/live/LiveConnection.ts';

const NONE: DrillSnapshot = { state: null, view: null, timeline: [], messages: [], error: null };
const noSubscription = () => () => {};

/** The client (null until the page's effects ran) and what it knows now; `setUp` runs with the client and returns its stop. */
export function useDrill(live: LiveConnection, drillId: string, setUp?: (client: DrillClient) => () => void): { client: DrillClient | null; snapshot: DrillSnapshot } {
  const [client, setClient] = useState<DrillClient | null>(null);
  useEffect(() => {
    const made = new DrillClient(live, drillId);
    made.start();
    const stop = setUp?.(made);
    setClient(made);
    return () => {
      stop?.();
      made.dispose();
    };
    // `setUp` is fixed per page: the live connection and the drill decide when to make a client.
  }, [live, drillId]);
  const snapshot = useSyncExternalStore(client?.subscribe ?? noSubscription, client?.getSnapshot ?? (() => NONE));
  return { client, snapshot };
}

/**
 * Switches the page's stream to the drill's run whenever the drill's state names another run, and
 * reloads the run list, which the clock reads the run's start from (the run may be newer than the page).
 */
export function useDrillRun(live: LiveConnection, runId: string | null): void {
  useEffect(() => {
    if (runId === null || live.store.getState().runId === runId) return;
    live.switchRun(runId);
    void live.refreshRuns();
  }, [live, runId]);
}
