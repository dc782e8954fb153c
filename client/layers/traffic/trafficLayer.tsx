/**
 * The traffic layer (实时路况): link frames and city summaries from the stream (LiveTraffic), the
 * traffic and what-if panels, the road and vehicle inspector, the congestion legend, and roads
 * coloured by congestion with the vehicles in both views (globe/, three/, loaded with their view).
 */
import { exposeOnLive } from '../exposeOnLive.ts';
import type { Layer, LayerPanelProps } from '../Layer.ts';
import { LiveTraffic } from './LiveTraffic.ts';
import { TrafficInspector } from './panels/TrafficInspector.tsx';
import { TrafficPanel } from './panels/TrafficPanel.tsx';
import { WhatIfDraftStore } from './panels/whatIfDraft.ts';
import { WhatIfPanel } from './panels/WhatIfPanel.tsx';
import { TrafficLegend } from './TrafficLegend.tsx';
import { TRAFFIC } from './trafficPick.ts';

/** A traffic layer with its own state: one per page. */
export function createTrafficLayer(): Layer {
  const traffic = new LiveTraffic();
  // The what-if changes gathered from the road inspector, shown in the what-if panel.
  const draft = new WhatIfDraftStore();
  return {
    id: TRAFFIC,
    titleKey: 'layers.traffic',
    defaultOn: true,
    connect: (live) => {
      const stop = traffic.connect(live);
      // The browser tests read link frames on window.__twin.live.traffic.
      const removeHook = exposeOnLive({ traffic });
      return () => {
        removeHook();
        stop();
      };
    },
    Legend: TrafficLegend,
    panels: [
      function TrafficLayerPanel(props: LayerPanelProps) {
        return <TrafficPanel {...props} traffic={traffic} />;
      },
      function TrafficWhatIfPanel({ live }: LayerPanelProps) {
        return <WhatIfPanel live={live} traffic={traffic} draft={draft} />;
      },
    ],
    Inspector: function TrafficLayerInspector(props: LayerPanelProps) {
      return <TrafficInspector {...props} draft={draft} />;
    },
    globe: () => import('./globe/globeTraffic.ts').then((m) => (view) => m.globeTraffic(view, traffic)),
    three: () => import('./three/nightTraffic.ts').then((m) => (view) => m.nightTraffic(view, traffic)),
  };
}
