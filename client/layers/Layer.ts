/**
 * A layer of the twin — traffic now; air, flood, fire, zones and responders next — with everything
 * of it in one folder, client/layers/<id>/: its state from the live stream, its panels, and its
 * drawing in each view. The app lists the layers once (app/layers.ts); the layer panel, the
 * right-hand column and both views iterate that list and never name a layer. Each view states what
 * it gives a drawing and asks of it (globe/GlobeLayer.ts, three/ThreeLayer.ts), so the views import
 * nothing from here.
 */
import type { ComponentType } from 'react';
import type { GlobeLayerFactory } from '../globe/GlobeLayer.ts';
import type { ThreeLayerFactory } from '../three/ThreeLayer.ts';
import type { LiveConnection } from '../twin/live/LiveConnection.ts';
import type { TwinStore } from '../twin/TwinStore.ts';

/** What a layer's panels and inspector are given. */
export interface LayerPanelProps {
  store: TwinStore;
  live: LiveConnection;
}

export interface Layer {
  /** Its id: in `?layers=`, in the store's `layers.overlays` and in its picks' `layer`. */
  readonly id: string;
  /** The i18n key of its name in the layer panel. */
  readonly titleKey: string;
  /** Whether it is on when the page opens without `?layers=`. */
  readonly defaultOn: boolean;
  /**
   * Feeds its state from the live stream (`live.onRunMessage`, `live.onRunSwitch`), whether it is
   * on or not (its panels show figures either way); returns the function that stops it.
   */
  connect(live: LiveConnection): () => void;
  /** Shown under its toggle in the layer panel while it is on (a legend). */
  readonly Legend?: ComponentType;
  /** Its panels in the right-hand column, in order; each renders nothing while it has nothing to show. */
  readonly panels?: readonly ComponentType<LayerPanelProps>[];
  /** Shown in place of the info panel while one of its things is picked (`store.layerPick.layer` is its id). */
  readonly Inspector?: ComponentType<LayerPanelProps>;
  /** Loads its drawing on the globe: a dynamic import, so its Cesium code loads with the globe view. */
  readonly globe?: () => Promise<GlobeLayerFactory>;
  /** Loads its drawing in the night view: a dynamic import, so its Three.js code loads with that view. */
  readonly three?: () => Promise<ThreeLayerFactory>;
}
