import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { AdminPage } from '../account/AdminPage.tsx';
import { AuditPage } from '../account/AuditPage.tsx';
import { LoginPage } from '../account/LoginPage.tsx';
import { safeNextPath } from '../account/nextPath.ts';
import { pageFor } from '../account/pageFor.ts';
import { startSession } from '../account/startSession.ts';
import { useSession } from '../account/useSession.ts';
import type { Layer } from '../layers/Layer.ts';
import { BookmarkPanel } from '../panels/BookmarkPanel.tsx';
import { InfoPanel } from '../panels/InfoPanel.tsx';
import { LayerPanel } from '../panels/LayerPanel.tsx';
import { NavigationControls } from '../panels/NavigationControls.tsx';
import { TimelineBar } from '../panels/TimelineBar.tsx';
import { useTwin } from '../panels/useTwin.ts';
import { createSessionStore } from '../twin/session.ts';
import type { Telemetry } from '../twin/telemetry.ts';
import type { TwinStore } from '../twin/TwinStore.ts';
import type { SessionInfo } from '../../server/protocol/access.ts';
import { ConsolePage, DirectorPage, ReviewPage, ScreenPage } from '../command/pages.ts';
import { Header } from './Header.tsx';
import { mayControl, pageSources, parseCameraParam } from './liveSetup.ts';
import { useLayeredLive } from './useLayeredLive.ts';
import { loadCity } from './loadCity.ts';
import { navigate, routeOf, useSearch, usePathname } from './router.ts';
import type { Route } from './router.ts';

// Each view loads its renderer only when shown: Cesium and Three.js are large.
const GlobeView = lazy(() => import('../globe/GlobeView.tsx'));
const ThreeView = lazy(() => import('../three/ThreeView.tsx'));

const ROUTE_PATHS: Record<Route, string> = { globe: '/', three: '/three', login: '/login', admin: '/admin', audit: '/audit', screen: '/screen', director: '/director', console: '/console', review: '/review' };

/**
 * The shell: asks who is here (signing a wall screen in with `?device=`), then shows the header and
 * the page the route and the session allow: the twin, the login page (in place of what needs a
 * sign-in; nothing of the city is loaded until then), the admin page or the audit trail.
 */
export function App({ store, telemetry, layers }: { store: TwinStore; telemetry: Telemetry; layers: readonly Layer[] }) {
  const { t } = useTranslation();
  const [session] = useState(createSessionStore);
  const [deviceError, setDeviceError] = useState<Error | null>(null);
  useEffect(() => {
    void startSession(session).then(setDeviceError);
  }, [session]);
  const info = useSession(session, (s) => s.info);
  const loadError = useSession(session, (s) => (s.info ? null : s.error));
  const path = usePathname();
  const search = useSearch();
  const route = routeOf(path);
  const page = info ? pageFor(route, info) : null;
  const redirect = page && typeof page === 'object' ? page.redirect : null;
  useEffect(() => {
    if (redirect) navigate(redirect, { replace: true });
  }, [redirect]);

  // Back to where the user came from: `?next=` on /login, the page itself when the login stood in for it.
  const signedIn = () => navigate(route === 'login' ? safeNextPath(new URLSearchParams(search).get('next')) : path, { params: { next: null } });
  let body: ReactNode = null;
  if (!info) {
    body = (
      <div className="overlay-message" role="status">
        {loadError ? (
          <span>
            {t('account.loadFailed', { message: loadError.message })}{' '}
            <button type="button" className="link" onClick={() => void session.loadSession()}>
              {t('account.retry')}
            </button>
          </span>
        ) : (
          t('account.loading')
        )}
      </div>
    );
  } else if (page === 'login' || page === 'password') body = <LoginPage session={session} onSignedIn={signedIn} />;
  else if (page === 'admin') body = <AdminPage info={info} />;
  else if (page === 'audit') body = <AuditPage />;
  else if (page === 'forbidden') body = <Forbidden />;
  // The video wall is the whole window: no header, no app chrome.
  else if (page === 'screen') {
    return (
      <Suspense fallback={<div className="overlay-message">{t('app.loading')}</div>}>
        <ScreenPage store={store} telemetry={telemetry} layers={layers} info={info} />
      </Suspense>
    );
  }
  else if (page === 'director') body = <DirectorPage store={store} telemetry={telemetry} layers={layers} info={info} />;
  else if (page === 'console') body = <ConsolePage store={store} telemetry={telemetry} layers={layers} info={info} />;
  else if (page === 'review') body = <ReviewPage store={store} telemetry={telemetry} layers={layers} info={info} />;
  // The twin is made anew for another principal: its socket says who it is when it connects.
  else if (page === 'twin') body = <Twin key={`${info.principal.kind}:${info.principal.username}`} store={store} telemetry={telemetry} layers={layers} info={info} three={route === 'three'} />;

  const three = route === 'three';
  return (
    <div className={`app ${three ? 'night' : 'day'}`}>
      <Header store={store} session={session} path={ROUTE_PATHS[route]} />
      {deviceError && (
        <div className="notice" role="alert" data-testid="device-error">
          {t('account.deviceFailed', { message: deviceError.message })}
          <button type="button" className="link" onClick={() => setDeviceError(null)} aria-label={t('account.dismiss')}>
            ×
          </button>
        </div>
      )}
      <main className={page === 'twin' || page === 'director' || page === 'console' ? 'stage' : 'page'}>
        <Suspense fallback={<div className="overlay-message">{t('app.loading')}</div>}>{body}</Suspense>
      </main>
    </div>
  );
}

function Forbidden() {
  const { t } = useTranslation();
  return (
    <div className="overlay-message" role="alert" data-testid="forbidden">
      {t('account.forbidden')}
    </div>
  );
}

/**
 * The twin: layer and bookmark panels, the info panel (or the inspector of the layer whose thing is
 * picked), the registered layers' panels, the view, and the live stream with controls if the session
 * may use them.
 */
function Twin({ store, telemetry, layers, info, three }: { store: TwinStore; telemetry: Telemetry; layers: readonly Layer[]; info: SessionInfo; three: boolean }) {
  const { t } = useTranslation();
  const canControl = mayControl(info);
  const live = useLayeredLive(layers, canControl);
  useEffect(() => live.store.update({ canControl }), [live, canControl]);
  const city = useTwin(store, (s) => s.city);
  const cityError = useTwin(store, (s) => s.cityError);
  const pickedLayer = useTwin(store, (s) => s.layerPick?.layer ?? null);
  const Inspector = layers.find((l) => l.id === pickedLayer)?.Inspector;
  // Read once, like the views' other options: the origins the server allows are its configuration.
  const [sources] = useState(() => pageSources(window.location.search, info.allowedOrigins));
  const [ignored, setIgnored] = useState(sources.ignored);
  useEffect(() => {
    for (const url of sources.ignored) console.warn(`App: ${url}: neither this origin nor one the server allows (${sources.allowedOrigins.join(', ') || 'none'}); ignored`);
    for (const url of sources.tilesets) store.addTileset(url);
  }, [store, sources]);
  useEffect(() => {
    const params = new URLSearchParams(window.location.search);
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

  return (
    <>
      {city ? (
        <Suspense fallback={<div className="overlay-message">{t('view.loadingTiles')}</div>}>
          {three ? <ThreeView store={store} telemetry={telemetry} live={live} layers={layers} /> : <GlobeView store={store} telemetry={telemetry} live={live} layers={layers} imagery={sources.imagery} />}
        </Suspense>
      ) : (
        <div className="overlay-message" role="status">
          {cityError ? t('app.loadFailed', { message: cityError }) : t('app.loading')}
        </div>
      )}
      {ignored.length > 0 && (
        <div className="notice" role="alert" data-testid="ignored-sources">
          {t('account.ignoredSources', { urls: ignored.join('  ') })}
          <button type="button" className="link" onClick={() => setIgnored([])} aria-label={t('account.dismiss')}>
            ×
          </button>
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
      <TimelineBar live={live} session={info} />
    </>
  );
}
