/**
 * The air layer (环境监测): grids and air summaries from the stream (LiveAir), the air panel, the
 * point and station inspector, the AQI legend with the heat map's choice (AirDisplay), and in
 * both views (globe/, three/, loaded with their view) the heat map on the terrain, the stations
 * with their AQI, the wind moving and a release's contours.
 */
import type { Layer, LayerPanelProps } from '../Layer.ts';
import { AirDisplay } from './AirDisplay.ts';
import { AirLegend } from './AirLegend.tsx';
import { AIR } from './airPick.ts';
import { LiveAir } from './LiveAir.ts';
import { AirInspector } from './panels/AirInspector.tsx';
import { AirPanel } from './panels/AirPanel.tsx';

/** An air layer with its own state: one per page. */
export function createAirLayer(): Layer {
  const air = new LiveAir();
  const display = new AirDisplay();
  return {
    id: AIR,
    titleKey: 'layers.air',
    defaultOn: true,
    connect: (live) => {
      const stop = air.connect(live);
      const removeHook = exposeState(air, display);
      return () => {
        removeHook();
        stop();
      };
    },
    Legend: function AirLayerLegend() {
      return <AirLegend air={air} display={display} />;
    },
    panels: [
      function AirLayerPanel(props: LayerPanelProps) {
        return <AirPanel {...props} air={air} />;
      },
    ],
    Inspector: function AirLayerInspector(props: LayerPanelProps) {
      return <AirInspector {...props} air={air} />;
    },
    globe: () => import('./globe/globeAir.ts').then((m) => (view) => m.globeAir(view, air, display)),
    three: () => import('./three/nightAir.ts').then((m) => (view) => m.nightAir(view, air, display)),
  };
}

/** Test hook: the layer's state on window.__twin.live.air and the heat map's choice on window.__twin.live.airDisplay. */
function exposeState(air: LiveAir, display: AirDisplay): () => void {
  const live = (window.__twin as { live?: Record<string, unknown> } | undefined)?.live;
  if (!live) return () => {};
  live.air = air;
  live.airDisplay = display;
  return () => {
    if (live.air === air) delete live.air;
    if (live.airDisplay === display) delete live.airDisplay;
  };
}
