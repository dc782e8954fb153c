/**
 * The incidents layer (应急事件): emergency summaries and alerts from the stream (LiveIncidents),
 * the incidents panel and the alert toasts, the legend, and in both views (globe/, three/, loaded
 * with their view) each incident's marker, fires' flames and smoke, threat, evacuation and
 * shelter-in-place zones, the units with their routes and ETAs, shelters and hospitals.
 */
import { exposeOnLive } from '../exposeOnLive.ts';
import type { Layer, LayerPanelProps } from '../Layer.ts';
import { INCIDENTS } from './incidentPick.ts';
import { IncidentsLegend } from './IncidentsLegend.tsx';
import { LiveIncidents } from './LiveIncidents.ts';
import { AlertToasts } from './panels/AlertToasts.tsx';
import { IncidentPanel } from './panels/IncidentPanel.tsx';

/** An incidents layer with its own state: one per page. */
export function createIncidentsLayer(): Layer {
  const incidents = new LiveIncidents();
  return {
    id: INCIDENTS,
    titleKey: 'layers.incidents',
    defaultOn: true,
    connect: (live) => {
      const stop = incidents.connect(live);
      // The browser tests read the summary and the alerts on window.__twin.live.incidents.
      const removeHook = exposeOnLive({ incidents });
      return () => {
        removeHook();
        stop();
      };
    },
    Legend: IncidentsLegend,
    panels: [
      function IncidentsAlerts() {
        return <AlertToasts incidents={incidents} />;
      },
      function IncidentsPanel(props: LayerPanelProps) {
        return <IncidentPanel {...props} incidents={incidents} />;
      },
    ],
    globe: () => import('./globe/globeIncidents.ts').then((m) => (view) => m.globeIncidents(view, incidents)),
    three: () => import('./three/nightIncidents.ts').then((m) => (view) => m.nightIncidents(view, incidents)),
  };
}
