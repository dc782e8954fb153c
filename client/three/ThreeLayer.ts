/**
 * What the night view offers a layer's drawing (client/layers/<id>/three/) and asks of it. The view
 * makes a layer's drawing when the layer is first on (see twin/LayerDrawings.ts), calls its
 * `update` every animation frame, shows and hides it with the layer, asks it about clicks, and
 * destroys it with the view; the drawing adds its own objects to the scene and frees only those.
 * Scene coordinates: x east, y up, z south, metres, the city origin at 0.
 */
import type { PerspectiveCamera, Scene, Vector3 } from 'three';
import type { LayerDrawing } from '../twin/LayerDrawings.ts';
import type { LiveConnection } from '../twin/live/LiveConnection.ts';
import type { Telemetry } from '../twin/telemetry.ts';
import type { TwinStore } from '../twin/TwinStore.ts';
import type { BuildingRecord, CityInfo, LayerPick } from '../twin/types.ts';

/** Where a click landed, for a layer's own picking: CSS pixels from the canvas's top-left. */
export interface PickQuery {
  x: number;
  y: number;
  /** The canvas's size, CSS pixels. */
  width: number;
  height: number;
  camera: PerspectiveCamera;
}

/** A layer's answer to a click: what it hit and how far from the camera. */
export interface LayerHit {
  /** Metres from the camera to the hit point. */
  distance: number;
  /** CSS pixels from the cursor to the thing's outline; 0 when the cursor is on it. Nearer the cursor wins. */
  offPx: number;
  /** Between hits both under the cursor the lower rank wins (a vehicle over its road). */
  rank: number;
  pick: LayerPick;
}

/** What a click at a point picks: a building, something of a layer, or nothing. */
export type ScenePick = { kind: 'building'; record: BuildingRecord } | { kind: 'layer'; pick: LayerPick } | null;

/**
 * What changed in a drawing since the last frame: nothing; only objects on DYNAMIC_LAYER (they are
 * drawn over a cached picture of the still city while the camera rests, and, when frames are slow,
 * at most every other frame's time); or the still picture itself (everything is drawn again).
 */
export type Redraw = 'none' | 'moving' | 'all';

/** What a layer's night-view drawing is given. */
export interface ThreeLayerView {
  /** Where the drawing adds its objects (its `destroy` removes them). */
  scene: Scene;
  city: CityInfo;
  store: TwinStore;
  live: LiveConnection;
  telemetry: Telemetry;
  /** The CSS-pixel position (from the page's top-left) of a scene point, or null when behind the camera or off screen. */
  screenOf(point: Vector3): { x: number; y: number } | null;
  /** What a click at (clientX, clientY) would pick, among the buildings and every layer. */
  pickAt(clientX: number, clientY: number): ScenePick;
  /** Asks for the picture to be drawn again after a change `update` did not report. */
  invalidate(): void;
}

/** A layer's drawing in the night view. */
export interface ThreeLayerDrawing extends LayerDrawing {
  /** Once per animation frame, before the view decides whether to draw. */
  update(camera: PerspectiveCamera): Redraw;
  /** What it has under (or near) a click. */
  pick?(query: PickQuery): LayerHit[];
}

export type ThreeLayerFactory = (view: ThreeLayerView) => ThreeLayerDrawing;

/** A layer as the night view sees it: its id and, when it draws there, how to load its drawing (with Three.js). */
export interface ThreeLayerSource {
  readonly id: string;
  readonly three?: () => Promise<ThreeLayerFactory>;
}
