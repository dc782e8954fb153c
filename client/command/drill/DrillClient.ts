/**
 * The client end of a drill: follows a drill session over the live connection's socket (the
 * `drill` event), keeps its state, the director's view, the timeline and the messages received as
 * one snapshot for React (useSyncExternalStore), and sends the director's and operators' requests.
 * `followDirector` makes a screen mirror the director; `leadFromStore` makes the director's screen
 * lead. Knows nothing of Cesium, Three or React.
 */
import type { Ack } from '../../../server/protocol/controls.ts';
import type { DirectorView, DrillAck, DrillAction, DrillEvent, DrillState, Recipient, TimelineEntry } from '../../../server/protocol/drills.ts';
import type { ProtocolError } from '../../../server/protocol/ProtocolError.ts';
import { fetchJson } from '../../twin/http.ts';
import type { LiveConnection } from '../../twin/live/LiveConnection.ts';
import type { TwinState, TwinStore } from '../../twin/TwinStore.ts';
import { BASE_LAYERS } from '../../twin/TwinStore.ts';
import type { BuildingRecord, LayerPick } from '../../twin/types.ts';

export type DrillMessage = Extract<DrillEvent, { type: 'message' }>['item'];
export type SequencedView = DirectorView & { seq: number };

export interface DrillSnapshot {
  state: DrillState | null;
  view: SequencedView | null;
  timeline: TimelineEntry[];
  messages: DrillMessage[];
  error: { code: string; message: string } | null;
}

/** At most this many director views a second go to the server; the last one of a burst always goes. */
export const VIEW_INTERVAL_MS = 100;

const EMPTY: DrillSnapshot = { state: null, view: null, timeline: [], messages: [], error: null };

/** One drill as this client follows it. */
export class DrillClient {
  readonly drillId: string;
  private readonly live: LiveConnection;
  private snapshot: DrillSnapshot = EMPTY;
  private readonly listeners = new Set<() => void>();
  private stops: (() => void)[] = [];
  private lastViewSentMs = -Infinity;
  private pendingView: DirectorView | null = null;
  private viewTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(live: LiveConnection, drillId: string) {
    this.live = live;
    this.drillId = drillId;
  }

  /** Follows the drill now (when connected) and again on every reconnect: the follow ack carries the state, view and timeline. */
  start(): void {
    if (this.stops.length > 0) return;
    this.stops = [this.live.onSocketEvent('drill', (event) => this.onEvent(event as DrillEvent)), this.live.onConnect(() => void this.follow())];
    if (this.live.connected) void this.follow();
  }

  /** Stops following (tells the server when connected) and drops a view not yet sent. */
  dispose(): void {
    for (const stop of this.stops) stop();
    this.stops = [];
    if (this.viewTimer !== null) clearTimeout(this.viewTimer);
    this.viewTimer = null;
    this.pendingView = null;
    if (this.live.connected) void this.live.request('drill', { op: 'unfollow', drillId: this.drillId });
  }

  getSnapshot = (): DrillSnapshot => this.snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** Director: starts a new session, pauses, freezes, resumes or ends the drill (`speed` with start or resume). */
  control(control: 'start' | 'pause' | 'freeze' | 'resume' | 'end', speed?: number): Promise<boolean> {
    return this.send({ op: 'control', drillId: this.drillId, control, ...(speed === undefined ? {} : { speed }) });
  }

  /**
   * Director: what every follower shows. The first change after a quiet spell goes at once; within
   * VIEW_INTERVAL_MS of the last one it waits for the interval's end, and only the latest goes.
   */
  setView(view: DirectorView): void {
    this.pendingView = view;
    if (this.viewTimer !== null) return;
    const wait = this.lastViewSentMs + VIEW_INTERVAL_MS - Date.now();
    if (wait <= 0) this.flushView();
    else this.viewTimer = setTimeout(() => this.flushView(), wait);
  }

  /** Director: an ad-hoc inject to a department (or the director's own log), with or without an engine inject on the run. */
  adhoc(to: Recipient, message: string, inject?: { kind: string; params: Record<string, unknown> }): Promise<boolean> {
    return this.send({ op: 'adhoc', drillId: this.drillId, to, message, ...(inject ? { inject } : {}) });
  }

  /** Operator (or director): an action in the twin, answering MSEL item `mselId` when given (else the server matches one). */
  act(action: DrillAction, mselId?: string): Promise<boolean> {
    return this.send({ op: 'act', drillId: this.drillId, action, ...(mselId ? { mselId } : {}) });
  }

  private flushView(): void {
    this.viewTimer = null;
    const view = this.pendingView;
    if (!view) return;
    this.pendingView = null;
    this.lastViewSentMs = Date.now();
    void this.send({ op: 'view', drillId: this.drillId, view: { ...view, sentAt: Date.now() } });
  }

  private async follow(): Promise<void> {
    const ack = await this.live.request('drill', { op: 'follow', drillId: this.drillId });
    const answer = this.answer(ack);
    if (!answer) return;
    // The follow ack is the whole truth of the session now: it replaces what was heard before.
    const sessionChanged = answer.state?.sessionId !== this.snapshot.state?.sessionId;
    this.update({
      state: answer.state,
      view: answer.view,
      timeline: answer.timeline,
      messages: sessionChanged ? [] : this.snapshot.messages,
      error: null,
    });
  }

  private async send(request: Record<string, unknown>): Promise<boolean> {
    const answer = this.answer(await this.live.request('drill', request));
    if (!answer) return false;
    const patch: Partial<DrillSnapshot> = { error: null };
    if (answer.state) Object.assign(patch, this.statePatch(answer.state));
    const known = patch.view !== undefined ? patch.view : this.snapshot.view;
    if (answer.view && (!known || answer.view.seq > known.seq)) patch.view = answer.view;
    this.update(patch);
    return true;
  }

  /** The ack's result, or null with the error in the snapshot. */
  private answer(raw: unknown): DrillAck | null {
    const ack = raw as Ack<DrillAck> | null;
    if (!ack || typeof ack !== 'object' || typeof ack.ok !== 'boolean') {
      this.update({ error: { code: 'bad_ack', message: 'DrillClient: the server answered with an unexpected ack' } });
      return null;
    }
    if (!ack.ok) {
      this.update({ error: ack.error as ProtocolError });
      return null;
    }
    return ack.result;
  }

  /**
   * A new state; a new session forgets the last one's view, timeline and messages. Making a big
   * scenario's run can outlast the ack's wait: a `timeout` is answered by the new session's arrival.
   */
  private statePatch(state: DrillState): Partial<DrillSnapshot> {
    if (state.sessionId === this.snapshot.state?.sessionId) return { state };
    const error = this.snapshot.error?.code === 'timeout' ? null : this.snapshot.error;
    return { state, view: state.view, timeline: [], messages: [], error };
  }

  private onEvent(event: DrillEvent): void {
    if (!event || typeof event !== 'object') return;
    const drillId = event.type === 'state' ? event.state.drillId : event.drillId;
    if (drillId !== this.drillId) return;
    const s = this.snapshot;
    switch (event.type) {
      case 'state':
        this.update(this.statePatch(event.state));
        break;
      case 'view':
        if (!s.view || event.view.seq > s.view.seq) this.update({ view: event.view });
        break;
      case 'timeline': {
        if (s.timeline.some((e) => e.seq === event.entry.seq)) return;
        const timeline = [...s.timeline, event.entry];
        if (timeline.length > 1 && timeline[timeline.length - 2].seq > event.entry.seq) timeline.sort((a, b) => a.seq - b.seq);
        this.update({ timeline });
        break;
      }
      case 'message':
        if (s.messages.some((m) => m.id === event.item.id && m.simTimeMs === event.item.simTimeMs)) return;
        this.update({ messages: [...s.messages, event.item] });
        break;
    }
  }

  private update(patch: Partial<DrillSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const listener of [...this.listeners]) listener();
  }
}

export interface FollowOptions {
  /** A building's record by id (default: GET /api/cities/:city/buildings/:id); null keeps the selection as it is. */
  fetchBuilding?: (cityId: string, id: string) => Promise<BuildingRecord | null>;
}

const FLY_SECONDS = 0.8;

/**
 * Makes this screen mirror the director: the stream switches to the drill's run; the camera flies
 * to the director's (jumps on the first view after joining or reconnecting), layers and selection
 * follow. Records `lastApplied = { seq, atMs }` on `window.__twin.drill` (tests, bench). Returns the stop.
 */
export function followDirector(client: DrillClient, live: LiveConnection, store: TwinStore, options: FollowOptions = {}): () => void {
  const fetchBuilding = options.fetchBuilding ?? defaultFetchBuilding;
  let appliedSeq = -1;
  let appliedSession: string | null = null;
  let jumpNext = true;
  let buildingAsked: string | null = null;
  const hooks = drillHooks();

  function apply(): void {
    const { state, view } = client.getSnapshot();
    if (!state) return;
    if (live.store.getState().runId !== state.runId) live.switchRun(state.runId);
    if (state.sessionId !== appliedSession) {
      appliedSession = state.sessionId;
      appliedSeq = -1;
      jumpNext = true;
    }
    if (!view || view.seq <= appliedSeq) return;
    appliedSeq = view.seq;
    if (view.camera) {
      // The store's camera too: a view not yet made (the city or the renderer still loading) starts
      // where the store's camera is and never hears a command given before it was there.
      store.setCamera(view.camera);
      store.command({ kind: 'flyTo', view: view.camera, duration: jumpNext ? 0 : FLY_SECONDS });
      jumpNext = false;
    }
    applyLayers(store, view.layers);
    applySelection(view.selection);
    if (hooks) hooks.lastApplied = { seq: view.seq, atMs: Date.now() };
  }

  function applySelection(selection: DirectorView['selection']): void {
    const now = store.getState();
    if (!selection) {
      if (now.selection) store.select(null);
      if (now.layerPick) store.pickLayer(null);
      buildingAsked = null;
    } else if (selection.kind === 'layer') {
      buildingAsked = null;
      store.pickLayer(selection.pick ? ({ ...selection.pick, layer: selection.layer } as LayerPick) : { layer: selection.layer, kind: 'item', id: selection.id });
    } else if (now.selection?.id !== selection.id && buildingAsked !== selection.id && now.city) {
      const id = selection.id;
      buildingAsked = id;
      void fetchBuilding(now.city.id, id).then((record) => {
        // A later view may have moved on while the record was on its way.
        if (record && buildingAsked === id) store.select(record);
      });
    }
  }

  const stops = [
    client.subscribe(apply),
    live.onConnect(() => {
      jumpNext = true;
      appliedSeq = -1;
    }),
  ];
  apply();
  return () => {
    for (const stop of stops) stop();
  };
}

/**
 * Makes the director's screen lead: its camera (as the view reports it), layers and selection go
 * to the followers through `client.setView` (throttled there). Returns the stop.
 */
export function leadFromStore(client: DrillClient, store: TwinStore): () => void {
  const send = (state: TwinState): void => client.setView(viewOf(state));
  send(store.getState());
  return store.subscribe((state, previous) => {
    if (state.camera !== previous.camera || state.layers !== previous.layers || state.selection !== previous.selection || state.layerPick !== previous.layerPick) send(state);
  });
}

/** The director view of a twin state. */
export function viewOf(state: TwinState): DirectorView {
  const { overlays, poiKinds: _poiKinds, ...base } = state.layers;
  const layers: Record<string, boolean> = { ...overlays, ...base };
  let selection: DirectorView['selection'] = null;
  if (state.selection) selection = { kind: 'building', id: state.selection.id };
  else if (state.layerPick) {
    const pick = state.layerPick;
    const label = pick.id ?? Object.entries(pick).find(([k]) => k !== 'layer' && k !== 'kind')?.[1] ?? pick.kind;
    selection = { kind: 'layer', layer: pick.layer, id: String(label).slice(0, 128), pick: { ...pick } };
  }
  return { camera: state.camera, layers, selection };
}

function applyLayers(store: TwinStore, layers: Record<string, boolean>): void {
  for (const [layer, shown] of Object.entries(layers)) {
    const now = store.getState().layers;
    const current = (BASE_LAYERS as readonly string[]).includes(layer) ? now[layer as (typeof BASE_LAYERS)[number]] : (now.overlays[layer] ?? false);
    if (current !== shown) store.setLayer(layer, shown);
  }
}

async function defaultFetchBuilding(cityId: string, id: string): Promise<BuildingRecord | null> {
  try {
    const body = (await fetchJson(`/api/cities/${encodeURIComponent(cityId)}/buildings/${encodeURIComponent(id)}`)) as BuildingRecord;
    return { id: body.id, name: body.name, height: body.height, floors: body.floors, use: body.use, district: body.district, grid: body.grid };
  } catch {
    // A building the director's city has and this one lacks: keep the selection as it is.
    return null;
  }
}

/** `window.__twin.drill` when the page has test hooks (created on first use). */
function drillHooks(): { lastApplied?: { seq: number; atMs: number } } | null {
  if (typeof window === 'undefined') return null;
  const twin = window.__twin as (Record<string, unknown> & object) | undefined;
  if (!twin) return null;
  twin.drill ??= {};
  return twin.drill as { lastApplied?: { seq: number; atMs: number } };
}
