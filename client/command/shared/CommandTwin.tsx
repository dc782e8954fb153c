/**
 * The 3D twin under a command-center page's panels (director, console): the page's live stream with
 * the layers fed from it, the city, the globe (or the night view with `?view=night`) loaded lazily,
 * the layer panel and the inspector of what is picked, and the page's own panels around them.
 */
import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { pageSources } from '../../app/liveSetup.ts';
import { useLayeredLive } from '../../app/useLayeredLive.ts';
import { loadCity } from '../../app/loadCity.ts';
import type { Layer } from '../../layers/Layer.ts';
import { InfoPanel } from '../../panels/InfoPanel.tsx';
import { LayerPanel } from '../../panels/LayerPanel.tsx';
import { NavigationControls } from '../../panels/NavigationControls.tsx';
import { useTwin } from '../../panels/useTwin.ts';
import type { LiveConnection } from '../../twin/live/LiveConnection.ts';
import type { Telemetry } from '../../twin/telemetry.ts';
import type { TwinStore } from '../../twin/TwinStore.ts';
import type { SessionInfo } from '../../../server/protocol/access.ts';
import './command.css';

const GlobeView = lazy(() => import('../../globe/GlobeView.tsx'));
const ThreeView = lazy(() => import('../../three/ThreeView.tsx'));

/**
 * The page's live stream (no run controls: the drill's controls drive the run), with every layer
 * fed from it and the test hooks on window.__twin.live; connected while the page is shown.
 */
export function useCommandLive(layers: readonly Layer[]): LiveConnection {
  return useLayeredLive(layers, false);
}

/**
 * The twin with `left` panels above the layer panel, `right` panels above the inspector (and the
 * layers' own panels under it with `layerPanels`), and `children` over the stage.
 */
export function CommandTwin({
  store,
  telemetry,
  layers,
  info,
  live,
  left,
  right,
  layerPanels = false,
  children,
}: {
  store: TwinStore;
  telemetry: Telemetry;
  layers: readonly Layer[];
  info: SessionInfo;
  live: LiveConnection;
  left?: ReactNode;
  right?: ReactNode;
  layerPanels?: boolean;
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  const city = useTwin(store, (s) => s.city);
  const cityError = useTwin(store, (s) => s.cityError);
  const pickedLayer = useTwin(store, (s) => s.layerPick?.layer ?? null);
  const Inspector = layers.find((l) => l.id === pickedLayer)?.Inspector;
  const [sources] = useState(() => pageSources(window.location.search, info.allowedOrigins));
  const [night] = useState(() => new URLSearchParams(window.location.search).get('view') === 'night');
  useEffect(() => {
    for (const url of sources.ignored) console.warn(`CommandTwin: ${url}: neither this origin nor one the server allows; ignored`);
    for (const url of sources.tilesets) store.addTileset(url);
    loadCity(new URLSearchParams(window.location.search).get('city')).then(
      (c) => store.setCity(c),
      (error: Error) => store.setCityError(error.message),
    );
  }, [store, sources]);

  return (
    <>
      {city ? (
        <Suspense fallback={<div className="overlay-message">{t('view.loadingTiles')}</div>}>
          {night ? <ThreeView store={store} telemetry={telemetry} live={live} layers={layers} /> : <GlobeView store={store} telemetry={telemetry} live={live} layers={layers} imagery={sources.imagery} />}
        </Suspense>
      ) : (
        <div className="overlay-message" role="status">
          {cityError ? t('app.loadFailed', { message: cityError }) : t('app.loading')}
        </div>
      )}
      <aside className="left command-left">
        {left}
        <LayerPanel store={store} layers={layers} />
      </aside>
      <aside className="right command-right">
        {right}
        {Inspector ? <Inspector live={live} store={store} /> : <InfoPanel store={store} />}
        {layerPanels && layers.flatMap((layer) => (layer.panels ?? []).map((Panel, k) => <Panel key={`${layer.id}-${k}`} live={live} store={store} />))}
      </aside>
      <NavigationControls store={store} />
      {children}
    </>
  );
}
