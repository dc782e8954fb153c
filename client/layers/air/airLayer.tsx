/**
 * The air layer (环境监测): grids and air summaries from the stream (LiveAir), the air panel, the
 * point and station inspector, the AQI legend with the heat map's choice (AirDisplay), and in
 * both views (globe/, three/, loaded with their view) the heat map on the terrain, the stations
 * with their AQI, the wind moving and a release's contours.
 */
import { exposeOnLive } from '../exposeOnLive.ts';
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
      // The browser tests read the grids on window.__twin.live.air and choose the heat map's layer on window.__twin.live.airDisplay.
      const removeHook = exposeOnLive({ air, airDisplay: display });
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
