/**
 * What-if figures (the "trust" issue): the real server with the default city and the weekday live
 * baseline; once the live run has passed a checkpoint, a what-if forking it (a road closed, the
 * default horizon) is asked for over HTTP, as the what-if panel does.
 * - whatif.event_loop_lag_ms: the 99th percentile of the event loop's delay (monitorEventLoopDelay,
 *   10 ms resolution) from the request until the comparison is done: how long every other screen
 *   and request may wait behind the comparison's work (goal ≤ 50 ms);
 * - whatif.fork_start_ms: how long the POST took to answer (both runs made and moved to the fork point);
 * - whatif.compare_s: wall seconds from the request to the comparison being done.
 * A director speeds the live run up; a planner asks for the what-if. `npx tsx bench/whatif.ts` prints the figures.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { generateCity } from '../server/city/generateCity.ts';
import { loadConfig } from '../server/config.ts';
import { startServer } from '../server/startServer.ts';
import { signInAs } from '../test/helpers/signIn.ts';

/** The live run is sped up until it has a checkpoint this far in (checkpoints come every 5 sim minutes). */
const FORK_AFTER_MS = 6 * 60_000;

/** A JSON request signed in with `cookie`. */
async function call(url: string, cookie: string, method: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers = { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
  const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function benchWhatIf(): Promise<Record<string, number>> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'yt-bench-whatif-'));
  const city = generateCity();
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', TILES_DIR: path.join(tmp, 'tiles'), DATA_DIR: path.join(tmp, 'data'), YT_LIVE_CLOCK: 'scenario' }, tmp);
  const server = await startServer(config, { cities: [city], build: false, clientDir: path.join(tmp, 'no-client') });
  const api = `${server.url}/api`;
  try {
    const director = await signInAs(server, 'director');
    const planner = await signInAs(server, 'planner');
    // The live run goes a little (fast, to its second checkpoint), then on at real speed as it would.
    await call(`${api}/runs/live/control`, director, 'POST', { action: 'speed', factor: 60 });
    for (;;) {
      const live = (await call(`${api}/runs/live`, planner, 'GET')).body as { state: { simTimeMs: number } };
      if (live.state.simTimeMs >= FORK_AFTER_MS) break;
      await sleep(200);
    }
    await call(`${api}/runs/live/control`, director, 'POST', { action: 'speed', factor: 1 });
    await sleep(2000);

    // The busiest kind of road: an arterial with the most lanes.
    const link = [...city.roads.links].filter((l) => l.class === 'arterial').sort((a, b) => b.lanes - a.lanes || a.id.localeCompare(b.id))[0];
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    // Its first tick only sets its clock: a stall before it would go unseen.
    await sleep(50);
    const started = performance.now();
    const posted = await call(`${api}/whatif`, planner, 'POST', { fromRunId: 'live', changes: [{ kind: 'traffic.close_link', params: { linkId: link.id } }] });
    const forkStartMs = performance.now() - started;
    if (posted.status !== 201) throw new Error(`bench whatif: POST /api/whatif answered ${posted.status}: ${JSON.stringify(posted.body)}`);
    const id = posted.body.id as string;
    let status = 'running';
    while (status === 'running') {
      await sleep(250);
      const got = await call(`${api}/whatif/${id}`, planner, 'GET');
      status = got.body.status as string;
      if (status === 'failed') throw new Error(`bench whatif: the comparison failed: ${String(got.body.error)}`);
    }
    const compareS = (performance.now() - started) / 1000;
    lag.disable();
    return {
      'whatif.event_loop_lag_ms': Math.round((lag.percentile(99) / 1e6) * 10) / 10,
      'whatif.event_loop_lag_max_ms': Math.round((lag.max / 1e6) * 10) / 10,
      'whatif.fork_start_ms': Math.round(forkStartMs),
      'whatif.compare_s': Math.round(compareS * 10) / 10,
    };
  } finally {
    await server.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figures = await benchWhatIf();
  for (const [key, value] of Object.entries(figures)) console.log(`  ${key.padEnd(36)} ${value}`);
}
