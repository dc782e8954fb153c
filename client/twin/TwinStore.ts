/**
 * The twin's state that both views show: city, selection, layers, bookmarks, camera and clock.
 * Framework-free: views and panels read getState() and subscribe(); nothing here knows Cesium or Three.
 */
import type { LiveState, LiveStore } from './live/LiveStore.ts';
import { POI_KINDS } from './types.ts';
import type { BuildingRecord, CameraView, CityInfo, ColorBy, ExtraTileset, LayerPick, PoiKind, SavedView } from './types.ts';
import { StateListeners } from './stateListeners.ts';
import { parseTilesetInput, placedBounds, viewOfBounds, type NativeBounds } from './tilesetPlacement.ts';

export interface LayerState {
  buildings: boolean;
  ground: boolean;
  pois: boolean;
  poiKinds: Record<PoiKind, boolean>;
  districts: boolean;
  grid: boolean;
  /** The registered layers (client/layers: traffic, air, …) by id: true when on; an id not here is off. */
  overlays: Readonly<Record<string, boolean>>;
}

/** The city's own layers, always there; every other name `setLayer` is given is a registered layer's id. */
export const BASE_LAYERS = ['buildings', 'ground', 'pois', 'districts', 'grid'] as const;
export type BaseLayer = (typeof BASE_LAYERS)[number];
const isBaseLayer = (name: string): name is BaseLayer => (BASE_LAYERS as readonly string[]).includes(name);

/** A request for the active view's camera; `seq` grows with every request so a repeat is seen. */
export type CameraCommand =
  | { seq: number; kind: 'flyTo'; view: CameraView; /** seconds; 0 jumps */ duration?: number }
  | { seq: number; kind: 'home' | 'zoomIn' | 'zoomOut' | 'resetNorth' };

/** A camera request as callers make it, before it gets its sequence number. */
export type CameraRequest =
  | { kind: 'flyTo'; view: CameraView; duration?: number }
  | { kind: 'home' | 'zoomIn' | 'zoomOut' | 'resetNorth' };

export interface TwinState {
  city: CityInfo | null;
  cityError: string | null;
  selection: BuildingRecord | null;
  /** What of a layer (a road, a vehicle, …) was clicked last; a building selection and a layer pick exclude each other. */
  layerPick: LayerPick | null;
  layers: LayerState;
  colorBy: ColorBy;
  tilesets: ExtraTileset[];
  savedViews: SavedView[];
  /** The last camera pose a view reported; the other view starts there. */
  camera: CameraView | null;
  cameraCommand: CameraCommand | null;
  /**
   * The clock the header shows and the sun follows, epoch milliseconds: the joined run's sim time
   * while one is followed (see followRunClock), else a fixed daytime hour.
   */
  time: number;
  /** Where `time` comes from: `run` while it follows a run's clock, `scene` for the fixed hour. */
  timeSource: 'scene' | 'run';
}

/** Where saved views persist: localStorage in the browser, a Map in tests. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const SAVED_VIEWS_KEY = 'yingcheng-twin.savedViews';

/** 10:30 Beijing time on the summer solstice of 2025: a bright sun from the south-east. */
export const DEFAULT_TIME = Date.UTC(2025, 5, 21, 2, 30);

export type Listener = (state: TwinState, previous: TwinState) => void;

export interface TwinStore {
  getState(): TwinState;
  /** Calls `listener` after every change; returns the function that stops it. */
  subscribe(listener: Listener): () => void;
  setCity(city: CityInfo): void;
  setCityError(message: string): void;
  select(record: BuildingRecord | null): void;
  /** Shows what of a layer was clicked in its inspector (null clears); clears the building selection. */
  pickLayer(pick: LayerPick | null): void;
  /** Shows or hides one of the city's own layers (BASE_LAYERS) or, by its id, a registered layer. */
  setLayer(layer: string, visible: boolean): void;
  setPoiKind(kind: PoiKind, visible: boolean): void;
  setColorBy(colorBy: ColorBy): void;
  /**
   * Adds a tileset by URL, optionally placed (`URL@lon,lat[,height[,headingDeg[,scale]]]`, see
   * tilesetPlacement.ts; a bad placement is kept as the entry's placementError); returns an error
   * key for a URL that is not http(s) or relative.
   */
  addTileset(input: string): string | null;
  removeTileset(id: string): void;
  /** Records whether the active view could load an added tileset (shown in the layer panel); ready clears its failures. */
  setTilesetStatus(id: string, status: 'ready' | 'failed', error?: string): void;
  /** Changes what the user or a view sets of an added tileset: shown, placement (undefined: where its file says), bounds read. */
  updateTileset(id: string, patch: Partial<Pick<ExtraTileset, 'visible' | 'placement' | 'bounds'>>): void;
  /**
   * An added tileset's root is in, with its bounding sphere as its file puts it (ECEF): it is ready,
   * its bounds are kept (for placing it), and the active view flies to where it stands.
   */
  tilesetLoaded(id: string, bounds: NativeBounds): void;
  /** Counts a tile of an added tileset that the active view could not load, by reason (tileFailure.ts). */
  countTileFailure(id: string, reason: string): void;
  saveView(name: string, view: CameraView): SavedView;
  deleteView(id: string): void;
  setCamera(view: CameraView): void;
  /** Asks the active view to move its camera. */
  command(request: CameraRequest): void;
  /** Shows a run's clock (epoch milliseconds), or with null the fixed scene clock again. */
  setRunTime(epochMs: number | null): void;
}

function readSavedViews(storage: KeyValueStorage | null): SavedView[] {
  if (!storage) return [];
  try {
    const raw = storage.getItem(SAVED_VIEWS_KEY);
    if (!raw) return [];
    const parsed: unknown = JSON.parse(raw);
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (v): v is SavedView =>
        typeof v === 'object' && v !== null && typeof v.id === 'string' && typeof v.name === 'string' &&
        typeof v.view === 'object' && v.view !== null &&
        ['lon', 'lat', 'height', 'heading', 'pitch'].every((k) => Number.isFinite(v.view[k])),
    );
  } catch {
    // A corrupt entry (edited by hand, another version) must not stop the app: start with none.
    return [];
  }
}

/** Normalises a tileset URL typed by a user, or returns null when it is not one we can fetch. */
export function normaliseTilesetUrl(input: string): string | null {
  const url = input.trim();
  if (url === '') return null;
  if (url.startsWith('/') || url.startsWith('./')) return url;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/** Two layer picks of the same thing: the same fields with the same values. */
function samePick(a: LayerPick | null, b: LayerPick | null): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/**
 * Creates a store; pass `storage` (e.g. window.localStorage) to keep saved views across visits, and
 * `overlays` for which registered layers start on.
 */
export function createTwinStore(options: { storage?: KeyValueStorage | null; time?: number; overlays?: Readonly<Record<string, boolean>> } = {}): TwinStore {
  const storage = options.storage ?? null;
  const poiKinds = Object.fromEntries(POI_KINDS.map((k) => [k, true])) as Record<PoiKind, boolean>;
  let state: TwinState = {
    city: null,
    cityError: null,
    selection: null,
    layerPick: null,
    layers: { buildings: true, ground: true, pois: true, poiKinds, districts: false, grid: false, overlays: { ...options.overlays } },
    colorBy: 'use',
    tilesets: [],
    savedViews: readSavedViews(storage),
    camera: null,
    cameraCommand: null,
    time: options.time ?? DEFAULT_TIME,
    timeSource: 'scene',
  };
  const sceneTime = state.time;
  const listeners = new StateListeners<TwinState>();
  let nextSeq = 1;
  let nextId = 1;

  function update(patch: Partial<TwinState>): void {
    const previous = state;
    state = { ...state, ...patch };
    listeners.notify(state, previous);
  }

  function persistViews(views: SavedView[]): void {
    storage?.setItem(SAVED_VIEWS_KEY, JSON.stringify(views));
  }

  return {
    getState: () => state,
    subscribe: listeners.subscribe,
    setCity: (city) => update({ city, cityError: null, selection: null, layerPick: null }),
    setCityError: (message) => update({ cityError: message }),
    select(record) {
      if (record === state.selection) return;
      if (record && state.selection && record.id === state.selection.id) return;
      update({ selection: record, layerPick: record ? null : state.layerPick });
    },
    pickLayer(pick) {
      if (samePick(pick, state.layerPick)) return;
      update({ layerPick: pick, selection: pick ? null : state.selection });
    },
    setLayer(layer, visible) {
      const layers = state.layers;
      if (isBaseLayer(layer)) update({ layers: { ...layers, [layer]: visible } });
      else if ((layers.overlays[layer] ?? false) !== visible) update({ layers: { ...layers, overlays: { ...layers.overlays, [layer]: visible } } });
    },
    setPoiKind: (kind, visible) => update({ layers: { ...state.layers, poiKinds: { ...state.layers.poiKinds, [kind]: visible } } }),
    setColorBy: (colorBy) => update({ colorBy }),
    addTileset(input) {
      const { url: typed, placement, placementError } = parseTilesetInput(input);
      const url = normaliseTilesetUrl(typed);
      if (!url) return 'invalid_url';
      if (state.tilesets.some((t) => t.url === url)) return 'duplicate_url';
      update({ tilesets: [...state.tilesets, { id: `tileset-${nextId++}`, url, visible: true, placement, placementError }] });
      return null;
    },
    removeTileset: (id) => update({ tilesets: state.tilesets.filter((t) => t.id !== id) }),
    setTilesetStatus(id, status, error) {
      if (!state.tilesets.some((t) => t.id === id)) return;
      update({ tilesets: state.tilesets.map((t) => (t.id === id ? { ...t, status, error, failures: status === 'ready' ? undefined : t.failures } : t)) });
    },
    updateTileset(id, patch) {
      if (!state.tilesets.some((t) => t.id === id)) return;
      // A placement set by hand replaces the one the link gave, and with it that one's error.
      const placed = 'placement' in patch ? { placementError: undefined } : {};
      update({ tilesets: state.tilesets.map((t) => (t.id === id ? { ...t, ...patch, ...placed } : t)) });
    },
    tilesetLoaded(id, bounds) {
      this.setTilesetStatus(id, 'ready');
      this.updateTileset(id, { bounds });
      const tileset = state.tilesets.find((t) => t.id === id);
      if (tileset) this.command({ kind: 'flyTo', view: viewOfBounds(placedBounds(bounds, tileset.placement)) });
    },
    countTileFailure(id, reason) {
      if (!state.tilesets.some((t) => t.id === id)) return;
      const add = (f: Readonly<Record<string, number>> = {}) => ({ ...f, [reason]: (f[reason] ?? 0) + 1 });
      update({ tilesets: state.tilesets.map((t) => (t.id === id ? { ...t, failures: add(t.failures) } : t)) });
    },
    saveView(name, view) {
      const saved: SavedView = { id: `view-${Date.now().toString(36)}-${nextId++}`, name: name.trim() || '—', view };
      const savedViews = [...state.savedViews, saved];
      persistViews(savedViews);
      update({ savedViews });
      return saved;
    },
    deleteView(id) {
      const savedViews = state.savedViews.filter((v) => v.id !== id);
      persistViews(savedViews);
      update({ savedViews });
    },
    setCamera: (camera) => update({ camera }),
    command: (request) => update({ cameraCommand: { ...request, seq: nextSeq++ } }),
    setRunTime(epochMs) {
      const next = epochMs === null ? { time: sceneTime, timeSource: 'scene' as const } : { time: epochMs, timeSource: 'run' as const };
      if (next.time === state.time && next.timeSource === state.timeSource) return;
      update(next);
    },
  };
}

/**
 * The joined run's clock as epoch milliseconds (its start plus the latest sim time, whole seconds),
 * or null when no run is joined or its start date is not known.
 */
export function runEpochMs(live: LiveState): number | null {
  if (!live.run) return null;
  const info = live.runs.find((r) => r.id === live.runId);
  if (!info || info.startEpochMs === null) return null;
  const simTimeMs = live.frameSimTimeMs ?? live.run.simTimeMs;
  return Math.floor((info.startEpochMs + simTimeMs) / 1000) * 1000;
}

/**
 * Keeps the store's clock on the joined run's sim time (the fixed scene clock while there is none);
 * returns the stop. Stopping leaves the clock as it is, so switching views does not flash the scene hour.
 */
export function followRunClock(store: TwinStore, live: LiveStore): () => void {
  store.setRunTime(runEpochMs(live.getState()));
  return live.subscribe((state) => store.setRunTime(runEpochMs(state)));
}
