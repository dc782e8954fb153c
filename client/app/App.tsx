import { lazy, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BookmarkPanel } from '../panels/BookmarkPanel.tsx';
import { InfoPanel } from '../panels/InfoPanel.tsx';
import { LayerPanel } from '../panels/LayerPanel.tsx';
import { NavigationControls } from '../panels/NavigationControls.tsx';
import { TimelineBar } from '../panels/TimelineBar.tsx';
import { TrafficInspector } from '../panels/traffic/TrafficInspector.tsx';
import { TrafficPanel } from '../panels/traffic/TrafficPanel.tsx';
import { useTrafficSummary } from '../panels/traffic/useTraffic.ts';
import { WhatIfDraftStore } from '../panels/traffic/whatIfDraft.ts';
import { WhatIfPanel } from '../panels/traffic/WhatIfPanel.tsx';
import { useTwin } from '../panels/useTwin.ts';
import { LiveConnection } from '../twin/live/LiveConnection.ts';
import { createLiveStore } from '../twin/live/LiveStore.ts';
import { openSocket } from '../twin/live/openSocket.ts';
import type { Telemetry } from '../twin/telemetry.ts';
import type { TwinStore } from '../twin/TwinStore.ts';
import type { CameraView } from '../twin/types.ts';
import { Header } from './Header.tsx';
import { loadCity } from './loadCity.ts';
import { usePathname } from './router.ts';

// Each view loads its renderer only when shown: Cesium and Three.js are large.
const GlobeView = lazy(() => import('../globe/GlobeView.tsx'));
const ThreeView = lazy(() => import('../three/ThreeView.tsx'));

/** `?camera=lon,lat,height,heading,pitch` (degrees; height in metres) as a camera view, or null when malformed. */
function parseCameraParam(value: string): CameraView | null {
  const parts = value.split(',').map(Number);
  if (parts.length !== 5 || !parts.every(Number.isFinite)) return null;
  const [lon, lat, height, headingDeg, pitchDeg] = parts;
  return { lon, lat, height, heading: (headingDeg * Math.PI) / 180, pitch: (pitchDeg * Math.PI) / 180 };
}

/** The live stream for this page: `?run=` picks the run (default the live baseline), `?role=viewer` hides the controls. */
function createLive(locale: string): LiveConnection {
  const params = new URLSearchParams(window.location.search);
  const live = new LiveConnection({
    store: createLiveStore({ runId: params.get('run') ?? undefined, canControl: params.get('role') !== 'viewer' }),
    openSocket: (hello) => openSocket(hello),
    fetchRuns: async () => {
      const response = await fetch('/api/runs');
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return response.json() as Promise<unknown>;
    },
    createReplay: async (recordingId) => {
      const response = await fetch('/api/runs', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ replayOf: recordingId }) });
      const body: unknown = await response.json();
      if (!response.ok) throw new Error((body as { error?: { message?: string } }).error?.message ?? `HTTP ${response.status}`);
      return body;
    },
    locale: locale.startsWith('zh') ? 'zh-CN' : 'en',
  });
  return live;
}

/** Test hooks on window.__twin.live: the browser tests wait for objects to appear and move. */
function exposeLive(live: LiveConnection): void {
  const hooks = window.__twin as (typeof window.__twin & { live?: unknown }) | undefined;
  if (hooks) {
    hooks.live = {
      store: live.store,
      stats: live.stats,
      objects: live.objects,
      traffic: live.traffic,
      /** Interpolated positions of the first `n` objects now, local ENU metres. */
      positions: (n: number) => {
        const o = live.sample();
        return Array.from({ length: Math.min(n, o.count) }, (_, i) => ({ id: o.id[i], x: o.x[i], y: o.y[i], heading: o.heading[i] }));
      },
    };
  }
}

/** The shell: header, layer and bookmark panels, info panel, and the view for the route. */
export function App({ store, telemetry }: { store: TwinStore; telemetry: Telemetry }) {
  const { t, i18n } = useTranslation();
  const [live] = useState(() => createLive(i18n.language));
  useEffect(() => {
    live.connect();
    exposeLive(live);
    return () => live.dispose();
  }, [live]);
  const path = usePathname();
  const city = useTwin(store, (s) => s.city);
  const cityError = useTwin(store, (s) => s.cityError);
  const trafficPick = useTwin(store, (s) => s.trafficPick);
  const hasTraffic = useTrafficSummary(live) !== null;
  const [draft] = useState(() => new WhatIfDraftStore());

  useEffect(() => {
    const params = new URLSearchParams(window.location.search);
    for (const url of params.getAll('tileset')) store.addTileset(url);
    const camera = params.get('camera');
    if (camera !== null) {
      const view = parseCameraParam(camera);
      // Both views start where the store's camera is, without a flight (benchmarks, shared links).
      if (view) store.setCamera(view);
      else console.warn(`App: ?camera=${camera}: expected lon,lat,height,heading,pitch (degrees, metres, degrees, degrees)`);
    }
    loadCity(params.get('city')).then(
      (c) => store.setCity(c),
      (error: Error) => store.setCityError(error.message),
    );
  }, [store]);

  const isThree = path === '/three' || path.startsWith('/three/');
  return (
    <div className={`app ${isThree ? 'night' : 'day'}`}>
      <Header store={store} path={isThree ? '/three' : '/'} />
      <main className="stage">
        {city ? (
          <Suspense fallback={<div className="overlay-message">{t('view.loadingTiles')}</div>}>
            {isThree ? <ThreeView store={store} telemetry={telemetry} live={live} /> : <GlobeView store={store} telemetry={telemetry} live={live} />}
          </Suspense>
        ) : (
          <div className="overlay-message" role="status">
            {cityError ? t('app.loadFailed', { message: cityError }) : t('app.loading')}
          </div>
        )}
        <aside className="left">
          <LayerPanel store={store} />
          <BookmarkPanel store={store} />
        </aside>
        <aside className={`right ${hasTraffic ? 'wide' : ''}`}>
          {trafficPick ? <TrafficInspector live={live} store={store} draft={draft} /> : <InfoPanel store={store} />}
          <TrafficPanel live={live} store={store} />
          <WhatIfPanel live={live} draft={draft} />
        </aside>
        <NavigationControls store={store} />
        <TimelineBar live={live} />
      </main>
    </div>
  );
}
