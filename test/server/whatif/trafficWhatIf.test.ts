/** End to end: a what-if of the real traffic engine on the small city, over HTTP. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/config.ts';
import { decodeLinkFrame, type DecodedLinkFrame } from '../../../server/protocol/LinkFrameCodec.ts';
import { startServer, type RunningServer } from '../../../server/startServer.ts';
import { RunStore } from '../../../server/store/RunStore.ts';
import type { WhatIfResult } from '../../../server/whatif/WhatIfManager.ts';
import { createHello } from '../../../server/protocol/controls.ts';
import { signInAs } from '../../helpers/signIn.ts';
import { smallCity } from '../../helpers/smallCity.ts';
import { api, connect, request, waitFor, type TwinClient } from '../realtime/realtimeHarness.ts';

const SCENARIO = `id: morning
title: { zh: 早高峰, en: Morning peak }
description: { zh: 小城市早高峰, en: Morning peak in the small city }
city: smallcity
start: "2026-03-16T07:30:00+08:00"
duration: "01:00:00"
seed: 7
engines:
  traffic:
    dailyTrips: 30000
    maxVehicles: 3000
    odPairs:
      - { id: west-east, name: { zh: 西—东, en: West to east }, from: N3-0, to: N3-6 }
      - { id: into-corner, name: { zh: 进西南角, en: Into the south-west corner }, from: N1-3, to: N0-0 }
timeline: []
`;

/** The id of the small city's link from node `from` to node `to`. */
function linkId(from: string, to: string): string {
  const link = smallCity().roads.links.find((l) => l.from === from && l.to === to);
  if (!link) throw new Error(`linkId: no link ${from}→${to} in the small city`);
  return link.id;
}

let server: RunningServer;
let store: RunStore;
let tmp: string;
/** A planner's session: the what-if is theirs. */
let cookie: string;
const clients: TwinClient[] = [];

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'yt-whatif-'));
  const dir = path.join(tmp, 'scenarios');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'morning.yaml'), SCENARIO);
  store = new RunStore(':memory:', { flushIntervalMs: 200 });
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', TILES_DIR: 'tilesets', DATA_DIR: 'data' }, tmp);
  server = await startServer(config, { cities: [smallCity()], build: false, clientDir: path.join(tmp, 'no-client'), store, runs: { scenariosDir: dir, liveScenarioId: null } });
  expect(server.realtime?.manager.scenarioErrors).toEqual([]);
  cookie = await signInAs(server, 'planner');
});
afterAll(async () => {
  for (const c of clients) c.close();
  await server.close();
  store.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('what-if with the traffic engine', () => {
  it('closing the east–west arterial slows the trip across town, and closing a corner cuts its trip off, compared at equal sim times', async () => {
    const posted = await api(server.url, 'POST', '/api/whatif', {
      scenarioId: 'morning',
      changes: [
        { atMs: 5 * 60_000, kind: 'traffic.close_link', params: { linkId: 'L81' } },
        { atMs: 5 * 60_000, kind: 'traffic.close_link', params: { linkId: 'L82' } },
        // Both ways into the south-west corner: nothing reaches it.
        { atMs: 5 * 60_000, kind: 'traffic.close_link', params: { linkId: linkId('N0-1', 'N0-0') } },
        { atMs: 5 * 60_000, kind: 'traffic.close_link', params: { linkId: linkId('N1-0', 'N0-0') } },
      ],
      untilMs: 20 * 60_000,
    }, cookie);
    expect(posted.status).toBe(201);
    const started = posted.body as unknown as WhatIfResult;

    // A screen watching the variant sees the closed road in its link frames.
    const c = connect(server.url, createHello({ client: 'test' }), cookie);
    clients.push(c);
    const frames: DecodedLinkFrame[] = [];
    c.on('links', (runId, frame) => {
      const r = decodeLinkFrame(frame, { linkCount: smallCity().roads.links.length });
      if (runId === started.variant.runId && r.ok) frames.push(r.frame);
    });
    await request(c, 'join', { runId: started.variant.runId });

    let done: WhatIfResult | undefined;
    const until = Date.now() + 240_000;
    for (;;) {
      done = (await api(server.url, 'GET', `/api/whatif/${started.id}`, undefined, cookie)).body as unknown as WhatIfResult;
      if (done.status !== 'running' || Date.now() > until) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(done.error).toBeNull();
    expect(done.status).toBe('done');
    const b = done.baseline.summary as NonNullable<WhatIfResult['baseline']['summary']>;
    const v = done.variant.summary as NonNullable<WhatIfResult['variant']['summary']>;
    expect(b.simTimeMs).toBe(20 * 60_000);
    expect(v.simTimeMs).toBe(20 * 60_000);
    expect(b.vehicles).toBeGreaterThan(0);
    const od = done.deltas?.odTimes.find((o) => o.id === 'west-east');
    expect(od?.baselineS).toBeGreaterThan(0);
    expect(od?.deltaS).toBeGreaterThan(0);
    expect(done.deltas?.index).toBeCloseTo(v.index - b.index, 5);
    // Cut off is worse than any slowing: the delta says so, with no time to subtract.
    const corner = done.deltas?.odTimes.find((o) => o.id === 'into-corner');
    expect(corner?.baselineS).toBeGreaterThan(0);
    expect(corner).toMatchObject({ variantS: null, deltaS: null, became: 'unreachable' });

    const k = smallCity().roads.links.findIndex((l) => l.id === 'L81');
    await waitFor(() => frames.some((f) => f.closed[k] === 1), 'a link frame of the variant with L81 closed');
    // The comparison done, its runs stopped; the variant's recording replays the closed road.
    expect(server.realtime?.manager.runState(started.variant.runId)?.status).toBe('stopped');
    const recording = server.realtime?.manager.get(started.variant.runId)?.storeRunId;
    const replay = await api(server.url, 'POST', '/api/runs', { replayOf: recording, speed: 'max' }, cookie);
    expect(replay.status).toBe(201);
    const replayId = (replay.body as { state: { runId: string } }).state.runId;
    await waitFor(() => server.realtime?.manager.runState(replayId)?.status === 'finished', 'the replay of the variant to finish');
    const link = await api(server.url, 'GET', `/api/runs/${replayId}/links/L81`, undefined, cookie);
    expect(link.body).toMatchObject({ id: 'L81', lanes: 2, closedLanes: 2 });
    // The replay keeps the recorded figures, the pair cut off among them.
    const traffic = (await api(server.url, 'GET', `/api/runs/${replayId}/traffic`, undefined, cookie)).body as { summary: typeof v };
    expect(traffic.summary.simTimeMs).toBeGreaterThan(5 * 60_000);
    expect(traffic.summary.odTimes.find((o) => o.id === 'into-corner')).toMatchObject({ seconds: null });
  }, 300_000);
});
