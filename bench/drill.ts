/**
 * Drill figures (issue 16): the real server with the default city, the live baseline and the
 * shipped rainstorm drill running at its speed; a director and a follower in this process, each a
 * LiveConnection on its own socket, the director's camera sent by DrillClient.setView and the
 * follower mirroring it through followDirector into a TwinStore — the pages' code path.
 * - drill.follow_latency_ms: the 95th percentile, over 200 camera changes about 10 a second, of the
 *   time from the director's setView call to the follower's store getting the flyTo (goal ≤ 200 ms);
 * - drill.follow_latency_median_ms: their median;
 * - drill.start_ms: from the director's start to the drill's run playing (its engines warm up meanwhile, in slices);
 * - drill.start_event_loop_max_ms: the longest the server's event loop was blocked meanwhile (monitorEventLoopDelay's max).
 * `npx tsx bench/drill.ts` prints the figures.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { io } from 'socket.io-client';
import { DrillClient, followDirector } from '../client/command/drill/DrillClient.ts';
import { LiveConnection, type LiveSocket } from '../client/twin/live/LiveConnection.ts';
import { createLiveStore } from '../client/twin/live/LiveStore.ts';
import { createTwinStore } from '../client/twin/TwinStore.ts';
import { generateCity } from '../server/city/generateCity.ts';
import { loadConfig } from '../server/config.ts';
import { startServer } from '../server/startServer.ts';
import { signInAs } from '../test/helpers/signIn.ts';
import { median } from './stats.ts';

const DRILL = 'rainstorm-drill';
const CHANGES = 200;
const EVERY_MS = 100;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The value below which `share` of `values` lie (nearest rank). */
function percentile(values: number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)];
}

async function until(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`bench drill: timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** A live connection signed in with `cookie`, as the pages make one (socket.io-client over WebSocket here). */
function liveFor(url: string, cookie: string): LiveConnection {
  const live = new LiveConnection({
    store: createLiveStore(),
    openSocket: (hello) => io(url, { auth: hello, transports: ['websocket'], extraHeaders: { cookie } }) as unknown as LiveSocket,
  });
  live.connect();
  return live;
}

export async function benchDrill(): Promise<Record<string, number>> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'yt-bench-drill-'));
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', TILES_DIR: path.join(tmp, 'tiles'), DATA_DIR: path.join(tmp, 'data'), YT_LIVE_CLOCK: 'scenario' }, tmp);
  const server = await startServer(config, { cities: [generateCity()], build: false, clientDir: path.join(tmp, 'no-client') });
  const lives: LiveConnection[] = [];
  const clients: DrillClient[] = [];
  try {
    const directorCookie = await signInAs(server, 'director');
    const directorLive = liveFor(server.url, directorCookie);
    const followerLive = liveFor(server.url, await signInAs(server, 'viewer'));
    lives.push(directorLive, followerLive);
    await until(() => directorLive.connected && followerLive.connected, 'both sockets to connect');

    const director = new DrillClient(directorLive, DRILL);
    const follower = new DrillClient(followerLive, DRILL);
    clients.push(director, follower);
    director.start();
    follower.start();
    // Over HTTP, as a script would: making the rainstorm run (the city's traffic, water and emergency engines) may take longer than a socket ack waits.
    const manager = server.realtime?.manager;
    if (!manager) throw new Error('bench drill: the server has no realtime');
    // The server has been up a while: its live baseline has warmed up.
    await until(() => manager.get('live')?.state.status === 'playing', 'the live baseline to play');
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const startedAt = performance.now();
    const started = await fetch(`${server.url}/api/drills/${DRILL}/control`, { method: 'POST', headers: { cookie: directorCookie, 'content-type': 'application/json' }, body: JSON.stringify({ control: 'start' }) });
    if (!started.ok) throw new Error(`bench drill: start: HTTP ${started.status} ${await started.text()}`);
    const drillRun = () => manager.list().find((r) => r.kind === 'scenario' && r.state.status !== 'stopped');
    await until(() => drillRun()?.state.status === 'playing', "the drill's run to play");
    const startMs = performance.now() - startedAt;
    loop.disable();
    const saved = new Map<string, string>();
    const store = createTwinStore({ storage: { getItem: (key) => saved.get(key) ?? null, setItem: (key, value) => void saved.set(key, value) } });
    const stop = followDirector(follower, followerLive, store, { fetchBuilding: async () => null });
    await until(() => follower.getSnapshot().state !== null, 'the follower to see the session');

    // Each change has its own longitude: the flyTo that carries it tells which change it was.
    const sentAt = new Map<number, number>();
    const latencies: number[] = [];
    const unsubscribe = store.subscribe((state, previous) => {
      const command = state.cameraCommand;
      if (command === previous.cameraCommand || command?.kind !== 'flyTo') return;
      const at = sentAt.get(command.view.lon);
      if (at !== undefined) latencies.push(performance.now() - at);
    });
    for (let k = 0; k < CHANGES; k++) {
      const lon = 113.19 + k * 1e-4;
      sentAt.set(lon, performance.now());
      director.setView({ camera: { lon, lat: 33.74, height: 1800, heading: 0.1, pitch: -0.7 }, layers: { traffic: true }, selection: null });
      await sleep(EVERY_MS);
    }
    await until(() => latencies.length >= CHANGES, `the follower to apply ${CHANGES} views (got ${latencies.length})`, 10_000).catch(() => undefined);
    unsubscribe();
    stop();
    await director.control('end');
    if (latencies.length < CHANGES * 0.95) throw new Error(`bench drill: the follower applied only ${latencies.length} of ${CHANGES} views`);
    return {
      'drill.follow_latency_ms': Math.round(percentile(latencies, 0.95) * 10) / 10,
      'drill.follow_latency_median_ms': Math.round(median(latencies) * 10) / 10,
      'drill.start_ms': Math.round(startMs),
      'drill.start_event_loop_max_ms': Math.round(loop.max / 1e6),
    };
  } finally {
    for (const c of clients) c.dispose();
    for (const l of lives) l.dispose();
    await server.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figures = await benchDrill();
  for (const [key, value] of Object.entries(figures)) console.log(`  ${key.padEnd(36)} ${value}`);
}
