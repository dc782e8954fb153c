/**
 * What the globe view offers a layer's drawing (client/layers/<id>/globe/) and asks of it. The view
 * makes a layer's drawing once the city's first picture is in and the layer is first on (see
 * twin/LayerDrawings.ts), shows and hides it with the layer, asks it about clicks, and destroys it
 * with the view; the drawing adds its own primitives to the scene and removes only those.
 */
import type { Cartesian2, Viewer } from 'cesium';
import type { FrameCost } from '../twin/frameCost.ts';
import type { LayerDrawing } from '../twin/LayerDrawings.ts';
import type { LiveConnection } from '../twin/live/LiveConnection.ts';
import type { Telemetry } from '../twin/telemetry.ts';
import type { TwinStore } from '../twin/TwinStore.ts';
import type { CityInfo, LayerPick } from '../twin/types.ts';

/** What a layer's globe drawing is given. */
export interface GlobeLayerView {
  /** The view draws only on request (requestRenderMode): a drawing that changed calls `viewer.scene.requestRender()`. */
  viewer: Viewer;
  city: CityInfo;
  store: TwinStore;
  live: LiveConnection;
  telemetry: Telemetry;
  /**
   * What the view's frames cost (null until measured): what moves every frame asks for a frame at
   * most as often as `allowsObjectFrame` says while frames are slow.
   */
  frameCost(): FrameCost | null;
}

/** A layer's drawing on the globe. */
export interface GlobeLayerDrawing extends LayerDrawing {
  /**
   * What a click picks of this drawing, else null: `picked` is what `scene.pick` found nearest the
   * click (asked of each layer in turn, after the buildings), `position` where the click was (canvas
   * pixels), for a layer whose things are not primitives of their own (a point of a field). A drawing
   * that covers the ground should not be pickable itself, or it would hide the things under it.
   */
  pick?(picked: unknown, position: Cartesian2): LayerPick | null;
  /** True while it is still making what it draws: the view does not count as idle meanwhile. */
  busy?(): boolean;
}

export type GlobeLayerFactory = (view: GlobeLayerView) => GlobeLayerDrawing;

/** A layer as the globe view sees it: its id and, when it draws on the globe, how to load its drawing (with Cesium). */
export interface GlobeLayerSource {
  readonly id: string;
  readonly globe?: () => Promise<GlobeLayerFactory>;
}
