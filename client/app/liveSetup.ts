/** How a page of the twin sets up its live stream and sources: shared by the twin and the command center's pages. */
import { allowedSourceUrl } from '../twin/allowedSourceUrl.ts';
import { parseTilesetInput } from '../twin/tilesetPlacement.ts';
import { LiveConnection } from '../twin/live/LiveConnection.ts';
import { createLiveStore } from '../twin/live/LiveStore.ts';
import { openSocket } from '../twin/live/openSocket.ts';
import { sessionCan } from '../twin/session.ts';
import type { CameraView } from '../twin/types.ts';
import type { SessionInfo } from '../../server/protocol/access.ts';

/** `?camera=lon,lat,height,heading,pitch` (degrees; height in metres) as a camera view, or null when malformed. */
export function parseCameraParam(value: string): CameraView | null {
  const parts = value.split(',').map(Number);
  if (parts.length !== 5 || !parts.every(Number.isFinite)) return null;
  const [lon, lat, height, headingDeg, pitchDeg] = parts;
  return { lon, lat, height, heading: (headingDeg * Math.PI) / 180, pitch: (pitchDeg * Math.PI) / 180 };
}

/** True when the session may control runs; `?role=viewer` hides the controls whatever the role. */
export function mayControl(info: SessionInfo): boolean {
  if (new URLSearchParams(window.location.search).get('role') === 'viewer') return false;
  return sessionCan(info, 'run.control') || sessionCan(info, 'live.control');
}

/** The live stream for this page: `?run=` picks the run (default the live baseline); controls shown when `canControl`. */
export function createLive(locale: string, canControl: boolean): LiveConnection {
  const params = new URLSearchParams(window.location.search);
  const live = new LiveConnection({
    store: createLiveStore({ runId: params.get('run') ?? undefined, canControl }),
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
export function exposeLive(live: LiveConnection): void {
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
 * `?tileset=` (with any `@placement`) and `?imagery=` URLs this page may load (this origin, or one the server allows), and
 * those it ignores: a shared link must not point the wall screen at a host of the sender's choosing.
 */
export function pageSources(search: string, allowedOrigins: readonly string[]): { tilesets: string[]; imagery: string | null; ignored: string[]; allowedOrigins: readonly string[] } {
  const params = new URLSearchParams(search);
  const ignored: string[] = [];
  const allow = (url: string): string | null => {
    const allowed = allowedSourceUrl(url, allowedOrigins);
    if (allowed === null) ignored.push(url);
    return allowed;
  };
  // A tileset may carry its placement (`URL@lon,lat…`): the URL alone decides, the whole value is kept.
  const tilesets = params.getAll('tileset').filter((value) => {
    const { url } = parseTilesetInput(value);
    if (allowedSourceUrl(url, allowedOrigins) !== null) return true;
    ignored.push(url);
    return false;
  });
  const imagery = params.get('imagery');
  return { tilesets, imagery: imagery === null ? null : allow(imagery), ignored, allowedOrigins };
}

