import { lazy, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Layer } from '../layers/Layer.ts';
import { BookmarkPanel } from '../panels/BookmarkPanel.tsx';
import { InfoPanel } from '../panels/InfoPanel.tsx';
import { LayerPanel } from '../panels/LayerPanel.tsx';
import { NavigationControls } from '../panels/NavigationControls.tsx';
import { TimelineBar } from '../panels/TimelineBar.tsx';
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

/** Test hooks on window.__twin.live: the browser tests wait for objects to appear and move (each layer adds its own state). */
function exposeLive(live: LiveConnection): void {
  const hooks = window.__twin as (typeof window.__twin & { live?: unknown }) | undefined;
  if (hooks) {
    hooks.live = {
      store: live.store,
      stats: live.stats,
      objects: live.objects,
      /** Interpolated positions of the first `n` objects now, local ENU metres. */
      positions: (n: number) => {
        const o = live.sample();
        return Array.from({ length: Math.min(n, o.count) }, (_, i) => ({ id: o.id[i], x: o.x[i], y: o.y[i], heading: o.heading[i] }));
      },
    };
  }
}

/**
 * The shell: header, layer and bookmark panels, the info panel (or the inspector of the layer whose
 * thing is picked), the registered layers' panels, and the view for the route.
 */
export function App({ store, telemetry, layers }: { store: TwinStore; telemetry: Telemetry; layers: readonly Layer[] }) {
  const { t, i18n } = useTranslation();
  const [live] = useState(() => createLive(i18n.language));
  useEffect(() => {
    exposeLive(live);
    const stops = layers.map((layer) => layer.connect(live));
    live.connect();
    return () => {
      live.dispose();
      for (const stop of stops) stop();
    };
  }, [live, layers]);
  const path = usePathname();
  const city = useTwin(store, (s) => s.city);
  const cityError = useTwin(store, (s) => s.cityError);
  const pickedLayer = useTwin(store, (s) => s.layerPick?.layer ?? null);
  const Inspector = layers.find((l) => l.id === pickedLayer)?.Inspector;

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
            {isThree ? <ThreeView store={store} telemetry={telemetry} live={live} layers={layers} /> : <GlobeView store={store} telemetry={telemetry} live={live} layers={layers} />}
          </Suspense>
        ) : (
          <div className="overlay-message" role="status">
            {cityError ? t('app.loadFailed', { message: cityError }) : t('app.loading')}
          </div>
        )}
        <aside className="left">
          <LayerPanel store={store} layers={layers} />
          <BookmarkPanel store={store} />
        </aside>
        <aside className="right">
          {Inspector ? <Inspector live={live} store={store} /> : <InfoPanel store={store} />}
          {layers.flatMap((layer) => (layer.panels ?? []).map((Panel, k) => <Panel key={`${layer.id}-${k}`} live={live} store={store} />))}
        </aside>
        <NavigationControls store={store} />
        <TimelineBar live={live} />
      </main>
    </div>
  );
}
