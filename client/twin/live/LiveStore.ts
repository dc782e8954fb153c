/**
 * What the panels show about the live stream: connection, joined run and its clock, the run list,
 * whether this user may control runs, and the last refused control. Framework-free, like TwinStore.
 */
import type { ProtocolError } from '../../../server/protocol/ProtocolError.ts';
import type { RunStateEvent } from '../../../server/protocol/events.ts';
import type { RunInfo } from './runList.ts';
import { StateListeners } from '../stateListeners.ts';

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

export interface LiveState {
  connection: ConnectionStatus;
  /** Why the server refused or dropped us (e.g. a protocol version mismatch), for the status tooltip. */
  connectionError: string | null;
  /** Wall-clock epoch ms of the last data when the stream is stale (no frame for > 3 s, or disconnected); else null. */
  staleSinceMs: number | null;
  /** The run whose frames we show. */
  runId: string;
  /** The joined run's last known state. */
  run: RunStateEvent | null;
  /** Sim time of the latest frame, ms since the run's start. */
  frameSimTimeMs: number | null;
  runs: RunInfo[];
  runsError: string | null;
  /** False for viewers (`?role=viewer`): the timeline shows the clock but no controls. */
  canControl: boolean;
  /** The last control the server refused (or that timed out); cleared by the next success. */
  controlError: ProtocolError | null;
}

export type LiveListener = (state: LiveState, previous: LiveState) => void;

export interface LiveStore {
  getState(): LiveState;
  /** Calls `listener` after every change; returns the function that stops it. */
  subscribe(listener: LiveListener): () => void;
  update(patch: Partial<LiveState>): void;
}

/** The run every client joins first: the always-on baseline. */
export const LIVE_RUN_ID = 'live';

/** Creates a live store; `canControl` false hides the run controls. */
export function createLiveStore(options: { runId?: string; canControl?: boolean } = {}): LiveStore {
  let state: LiveState = {
    connection: 'connecting',
    connectionError: null,
    staleSinceMs: null,
    runId: options.runId ?? LIVE_RUN_ID,
    run: null,
    frameSimTimeMs: null,
    runs: [],
    runsError: null,
    canControl: options.canControl ?? true,
    controlError: null,
  };
  const listeners = new StateListeners<LiveState>();
  return {
    getState: () => state,
    subscribe: listeners.subscribe,
    update(patch) {
      let changed = false;
      for (const key of Object.keys(patch) as (keyof LiveState)[]) {
        if (!Object.is(patch[key], state[key])) changed = true;
      }
      if (!changed) return;
      const previous = state;
      state = { ...state, ...patch };
      listeners.notify(state, previous);
    },
  };
}
