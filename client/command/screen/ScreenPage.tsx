/**
 * The video wall (`/screen`): a design canvas (1920×1080, or 3840×1080 with `?layout=`) scaled as a
 * whole to the window, with the header, the leaders' dashboard either side and the 3D view in the
 * middle (the night view, or the globe with `?view=globe`). The 3D view itself sits outside the
 * scaled canvas, over the middle's box in window pixels, so it renders at the wall's own resolution.
 * It runs unattended: the city, the tours and the dashboard are asked for again until the server
 * answers, the stream re-joins after a cut, and a banner says when the data is stale.
 * `?follow=<drill>` mirrors the drill's director; `?tour=<id>` plays a tour in a loop.
 */
import { lazy, Suspense, useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore, type CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import type { Tour, TourList } from '../../../server/protocol/tours.ts';
import { createLive, exposeLive, pageSources, parseCameraParam } from '../../app/liveSetup.ts';
import { loadCity } from '../../app/loadCity.ts';
import { useLive } from '../../panels/useLive.ts';
import { useTwin } from '../../panels/useTwin.ts';
import { fetchJson } from '../../twin/http.ts';
import type { LiveConnection } from '../../twin/live/LiveConnection.ts';
import type { LiveState } from '../../twin/live/LiveStore.ts';
import type { TwinStore } from '../../twin/TwinStore.ts';
import type { CityInfo } from '../../twin/types.ts';
import type { CommandPageProps } from '../CommandPageProps.ts';
import { followDirector } from '../drill/DrillClient.ts';
import { useDrill } from '../shared/useDrill.ts';
import { PANELS, type PanelName } from './DashboardPanels.tsx';
import { retryUntilDone } from './retry.ts';
import { DrillBanner, StaleBanner, TourCaption } from './ScreenBanners.tsx';
import { ScreenFeed } from './ScreenFeed.ts';
import { ScreenHeader } from './ScreenHeader.tsx';
import { fitCanvas, screenOptions, type Layout } from './screenOptions.ts';
import { TourPlayer } from './TourPlayer.ts';
import './screen.css';

const GlobeView = lazy(() => import('../../globe/GlobeView.tsx'));
const ThreeView = lazy(() => import('../../three/ThreeView.tsx'));

/** The panels of each layout: the columns left of the 3D view, then those right of it. */
const COLUMNS: Record<Layout['id'], { left: PanelName[][]; right: PanelName[][] }> = {
  standard: { left: [['traffic', 'air', 'shelters']], right: [['incidents', 'responders', 'hospitals']] },
  wide: { left: [['traffic'], ['air', 'districts']], right: [['incidents', 'responders'], ['shelters', 'hospitals', 'alerts']] },
};

/** The run's clock as epoch ms: the run's start (the run list, else the dashboard's, else the drill's) plus the stream's sim time. */
export function screenEpochMs(live: LiveState, dashboard: { startEpochMs: number; simTimeMs: number } | null, drillStartEpochMs: number | null): number | null {
  const start = live.runs.find((r) => r.id === live.runId)?.startEpochMs ?? dashboard?.startEpochMs ?? drillStartEpochMs;
  const simTimeMs = live.frameSimTimeMs ?? live.run?.simTimeMs ?? dashboard?.simTimeMs ?? null;
  if (start === null || start === undefined || simTimeMs === null) return null;
  return Math.floor((start + simTimeMs) / 1000) * 1000;
}

export default function ScreenPage({ store, telemetry, layers, info }: CommandPageProps) {
  const { t, i18n } = useTranslation();
  const [options] = useState(() => screenOptions(window.location.search));
  const [sources] = useState(() => pageSources(window.location.search, info.allowedOrigins));
  const [live] = useState(() => createLive(i18n.language, false));
  const [feed] = useState(() => new ScreenFeed(live));
  useEffect(() => {
    for (const problem of [...options.problems, ...sources.ignored.map((url) => `${url}: neither this origin nor one the server allows; ignored`)]) console.warn(`ScreenPage: ${problem}`);
    exposeLive(live);
    const stops = layers.map((layer) => layer.connect(live));
    const stopFeed = feed.start();
    live.connect();
    const hooks = window.__twin as (typeof window.__twin & { screen?: unknown }) | undefined;
    if (hooks) hooks.screen = { feed };
    return () => {
      stopFeed();
      live.dispose();
      for (const stop of stops) stop();
    };
  }, [live, feed, layers, options, sources]);
  useFeedVersion(feed);
  useCity(store, sources.tilesets);

  const city = useTwin(store, (s) => s.city);
  const cityError = useTwin(store, (s) => s.cityError);
  const fit = useFit(options.layout);
  const middle = useRef<HTMLDivElement>(null);
  const viewBox = useBoxOf(middle, fit);
  const drill = useFollow(live, store, options.follow);
  const tour = useTour(options.tour, store, live, city);
  const epochMs = useLive(live.store, (s) => screenEpochMs(s, feed.dashboard, drill?.state?.startEpochMs ?? null));
  const columns = COLUMNS[options.layout.id];

  const canvasStyle: CSSProperties = {
    width: options.layout.width,
    height: options.layout.height,
    transform: `translate(${fit.left}px, ${fit.top}px) scale(${fit.scale})`,
  };
  return (
    <div className="screen-root" data-testid="screen" data-layout={options.layout.id}>
      <div className="screen-view" style={viewBox ?? { display: 'none' }}>
        {city && (
          <Suspense fallback={null}>
            {options.view === 'globe' ? <GlobeView store={store} telemetry={telemetry} live={live} layers={layers} imagery={sources.imagery} /> : <ThreeView store={store} telemetry={telemetry} live={live} layers={layers} />}
          </Suspense>
        )}
      </div>
      <div className={`screen-canvas ${options.layout.id}`} style={canvasStyle}>
        <ScreenHeader feed={feed} epochMs={epochMs} />
        <div className="screen-body">
          {columns.left.map((names, k) => (
            <Column key={`l${k}`} names={names} feed={feed} store={store} />
          ))}
          <div className="screen-middle" ref={middle}>
            {!city && (
              <div className="screen-loading" role="status">
                {cityError ? t('app.loadFailed', { message: cityError }) : t('app.loading')}
              </div>
            )}
            <div className="screen-top">
              <StaleBanner live={live} />
              {options.follow && drill && <DrillBanner drillId={options.follow} snapshot={drill} live={live} />}
            </div>
            {tour.player && <TourCaption player={tour.player} />}
            {tour.error && <div className="screen-caption error">{tour.error}</div>}
          </div>
          {columns.right.map((names, k) => (
            <Column key={`r${k}`} names={names} feed={feed} store={store} />
          ))}
        </div>
      </div>
    </div>
  );
}

function Column({ names, feed, store }: { names: PanelName[]; feed: ScreenFeed; store: TwinStore }) {
  return (
    <div className="screen-column">
      {names.map((name) => {
        const Panel = PANELS[name];
        return <Panel key={name} feed={feed} store={store} />;
      })}
    </div>
  );
}

/** Re-renders on every change of the feed. */
function useFeedVersion(feed: ScreenFeed): number {
  return useSyncExternalStore(feed.subscribe, () => feed.version);
}

/** Loads the city (`?city=`), asking again with backoff while the server does not answer; `?camera=` and `?tileset=` as on the twin. */
function useCity(store: TwinStore, tilesets: readonly string[]): void {
  useEffect(() => {
    const params = new URLSearchParams(window.location.search);
    for (const url of tilesets) store.addTileset(url);
    const camera = params.get('camera');
    const view = camera === null ? null : parseCameraParam(camera);
    if (view) store.setCamera(view);
    else if (camera !== null) console.warn(`ScreenPage: ?camera=${camera}: expected lon,lat,height,heading,pitch (degrees, metres, degrees, degrees)`);
    if (store.getState().city) return;
    return retryUntilDone(
      () => loadCity(params.get('city')),
      (city) => store.setCity(city),
      (error) => store.setCityError(error.message),
    );
  }, [store, tilesets]);
}

/** Where the design canvas goes in the window now; follows the window's size. */
function useFit(layout: Layout): { scale: number; left: number; top: number } {
  const [fit, setFit] = useState(() => fitCanvas(layout, window.innerWidth, window.innerHeight));
  useEffect(() => {
    const resize = () => setFit(fitCanvas(layout, window.innerWidth, window.innerHeight));
    window.addEventListener('resize', resize);
    return () => window.removeEventListener('resize', resize);
  }, [layout]);
  return fit;
}

/** The window-pixel box of an element of the scaled canvas (after the transform), measured again when the fit changes. */
function useBoxOf(element: React.RefObject<HTMLDivElement | null>, fit: { scale: number; left: number; top: number }): CSSProperties | null {
  const [box, setBox] = useState<CSSProperties | null>(null);
  useLayoutEffect(() => {
    const node = element.current;
    if (!node) return;
    const measure = () => {
      const r = node.getBoundingClientRect();
      setBox({ left: Math.round(r.left), top: Math.round(r.top), width: Math.round(r.width), height: Math.round(r.height) });
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(node);
    return () => observer.disconnect();
  }, [element, fit]);
  return box;
}

/** `?follow=`: the drill's snapshot, with this screen mirroring its director; null without a drill. */
function useFollow(live: LiveConnection, store: TwinStore, drillId: string | null) {
  const { snapshot } = useDrill(live, drillId ?? '', (client) => (drillId ? followDirector(client, live, store) : () => undefined));
  return drillId ? snapshot : null;
}

/** `?tour=`: the tours, asked for until the server answers, and the player of the one named, once the city is in. */
function useTour(tourId: string | null, store: TwinStore, live: LiveConnection, city: CityInfo | null): { player: TourPlayer | null; error: string | null } {
  const { t } = useTranslation();
  const [tour, setTour] = useState<Tour | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [player, setPlayer] = useState<TourPlayer | null>(null);
  useEffect(() => {
    if (!tourId) return;
    return retryUntilDone(
      () => fetchJson('/api/tours') as Promise<TourList>,
      (list) => {
        for (const problem of list.errors) console.warn(`ScreenPage: ${problem}`);
        const found = list.tours.find((x) => x.id === tourId) ?? null;
        setTour(found);
        setError(found ? null : t('screen.tour.notFound', { tour: tourId }));
      },
      (err) => setError(t('screen.tour.loadFailed', { message: err.message })),
    );
  }, [tourId, t]);
  useEffect(() => {
    if (!tour || !city) return;
    const made = new TourPlayer(tour, city, store, live);
    const stop = made.start();
    setPlayer(made);
    const hooks = window.__twin as (typeof window.__twin & { tour?: unknown }) | undefined;
    if (hooks) hooks.tour = made;
    return () => {
      stop();
      setPlayer(null);
    };
  }, [tour, city, store, live]);
  return { player, error };
}
