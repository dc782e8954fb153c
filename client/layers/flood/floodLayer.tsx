/**
 * The flood layer (城市内涝): the water depth grid and flood summaries from the stream (LiveFlood),
 * the flood panel, the depth legend, and in both views (globe/, three/, loaded with their view) the
 * water on the terrain. Roads closed by water are the traffic layer's to draw (link frames).
 */
import { exposeOnLive } from '../exposeOnLive.ts';
import type { Layer, LayerPanelProps } from '../Layer.ts';
import { FloodLegend } from './FloodLegend.tsx';
import { LiveFlood } from './LiveFlood.ts';
import { FloodPanel } from './panels/FloodPanel.tsx';

/** The flood layer's id: in `?layers=` and the store's `layers.overlays`. */
export const FLOOD = 'flood';

/** A flood layer with its own state: one per page. */
export function createFloodLayer(): Layer {
  const flood = new LiveFlood();
  return {
    id: FLOOD,
    titleKey: 'layers.flood',
    // Off until asked for: most runs have no flood engine, and water is shown where a drill wants it.
    defaultOn: false,
    connect: (live) => {
      const stop = flood.connect(live);
      // The browser tests read the depth grid and the summary on window.__twin.live.flood.
      const removeHook = exposeOnLive({ flood });
      return () => {
        removeHook();
        stop();
      };
    },
    Legend: FloodLegend,
    panels: [
      function FloodLayerPanel({ store }: LayerPanelProps) {
        return <FloodPanel store={store} flood={flood} />;
      },
    ],
    globe: () => import('./globe/globeFlood.ts').then((m) => (view) => m.globeFlood(view, flood)),
    three: () => import('./three/nightFlood.ts').then((m) => (view) => m.nightFlood(view, flood)),
  };
}
