/**
 * Client-side traffic figures (issue 5): the JavaScript one object frame costs the Cesium view,
 * with its instanced vehicle billboards (10,000 and 50,000 vehicles) and, for comparison, with one
 * Cesium Entity per vehicle (10,000); and, as `client_apply_ms_*`, the part of it both share:
 * decoding and applying the frame.
 *
 * Method:
 * - Frames: `vehicles` objects (cars, buses, trucks, one in fifty an emergency vehicle with sirens)
 *   drive along the default city's road links at 8–16 m/s, speeds wandering every 100 ms step, so
 *   every object changes in every frame (the encoder sends only what the decoder cannot predict:
 *   steady motion would cost nothing to decode). The protocol's own ObjectFrameEncoder makes one
 *   keyframe and then 45 deltas, as the server broadcasts them.
 * - The page is the real globe view (`/?bench=traffic`, which loads the page half,
 *   client/layers/traffic/globe/trafficBench.ts, and joins no run so the live stream stays quiet) in headless
 *   Chromium (SwiftShader) from test/browser/harness.ts. The frames go to it as base64 and are
 *   turned back into bytes before any timing.
 * - Each frame is handed to the 'objects' listener of a LiveConnection on a socket of our own —
 *   the exact path a Socket.IO frame takes: ObjectFrameDecoder, LiveObjects.apply, the live
 *   store — then sampled (the interpolation a drawn frame does) and shown:
 *   - billboards: VehicleBillboards.update, the view's own code (position on the terrain, heading as
 *     alignedAxis, colour by kind, flashing);
 *   - entities: one Entity per vehicle (ConstantPositionProperty position, billboard with the same
 *     image, size, scale and colour, alignedAxis as a ConstantProperty): the same position and
 *     heading arithmetic, each entity's properties set with setValue (the cheapest way), entities
 *     added and removed as ids come and go, then `viewer.dataSourceDisplay.update(time)` so the
 *     BillboardVisualizer carries them into its billboards.
 *   The time of that synchronous block, performance.now() in the page, is one frame's figure.
 *   Neither includes drawing: between frames the bench calls `viewer.render()` untimed (the render
 *   loop is off meanwhile), which writes both variants' billboard vertex buffers and draws. So the
 *   two figures compare the JavaScript each way spends before Cesium draws.
 * - The first 5 frames (the keyframe making every billboard or entity) are warm-up; the figure is
 *   the median of the other 40.
 *
 * `npx tsx bench/trafficClient.ts` prints the figures (run under `flock /tmp/browser.lock`).
 */
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import type { TrafficBenchHooks } from '../client/layers/traffic/globe/trafficBench.ts';
import { ObjectFrameEncoder } from '../server/protocol/ObjectFrameEncoder.ts';
import { createObjectState, ObjectFlags, ObjectKind } from '../server/protocol/ObjectState.ts';
import { createRng } from '../server/sim/random.ts';
import { roadLines, type RoadLines } from '../server/tiles/roadLines.ts';
import { ensureClientBuilt, launchBrowser, openPageIn, startTwinServer, waitForTwinEvent } from '../test/browser/harness.ts';
import { median } from './stats.ts';

const WARM_UP = 5;
const MEASURED = 40;
const STEP_MS = 100;

/** One keyframe and then deltas of `vehicles` objects driving along the road links, as base64. */
export function trafficFrames(roads: RoadLines, vehicles: number, frames: number): string[] {
  const rng = createRng(5);
  const state = createObjectState(vehicles);
  state.count = vehicles;
  const link = new Uint32Array(vehicles);
  const segment = new Uint32Array(vehicles);
  const along = new Float64Array(vehicles);
  const speed = new Float32Array(vehicles);
  const place = (i: number) => {
    const k = link[i];
    const p = roads.starts[k] + segment[i];
    const x0 = roads.points[3 * p];
    const y0 = roads.points[3 * p + 1];
    const dx = roads.points[3 * p + 3] - x0;
    const dy = roads.points[3 * p + 4] - y0;
    const length = Math.hypot(dx, dy) || 1;
    // Off the end of this segment: on to the next, or back to the link's start.
    if (along[i] > length) {
      along[i] -= length;
      segment[i] = roads.starts[k] + segment[i] + 2 < roads.starts[k + 1] ? segment[i] + 1 : 0;
      place(i);
      return;
    }
    state.x[i] = x0 + (dx * along[i]) / length;
    state.y[i] = y0 + (dy * along[i]) / length;
    state.heading[i] = (Math.atan2(dx, dy) + 2 * Math.PI) % (2 * Math.PI);
    state.speed[i] = speed[i];
  };
  for (let i = 0; i < vehicles; i++) {
    state.id[i] = 1 + 3 * i;
    let k: number;
    do k = rng.int(0, roads.count - 1);
    while (roads.starts[k + 1] - roads.starts[k] < 2);
    link[i] = k;
    segment[i] = rng.int(0, roads.starts[k + 1] - roads.starts[k] - 2);
    along[i] = 0;
    speed[i] = rng.range(8, 16);
    const emergency = i % 50 === 0;
    state.kind[i] = emergency ? ObjectKind.emergency : i % 13 === 0 ? ObjectKind.bus : i % 7 === 0 ? ObjectKind.truck : ObjectKind.car;
    state.flags[i] = emergency ? ObjectFlags.sirens : 0;
    place(i);
  }
  const encoder = new ObjectFrameEncoder({ streamId: 7 });
  const out = [Buffer.from(encoder.encodeKeyframe(state, 0)).toString('base64')];
  for (let f = 1; f < frames; f++) {
    for (let i = 0; i < vehicles; i++) {
      speed[i] = Math.min(20, Math.max(2, speed[i] + rng.range(-0.6, 0.6)));
      along[i] += (speed[i] * STEP_MS) / 1000;
      place(i);
    }
    out.push(Buffer.from(encoder.encodeDelta(state, f * STEP_MS)).toString('base64'));
  }
  return out;
}


/** Median milliseconds per frame after the warm-up: the whole frame, and applying it alone. */
async function run(page: Page, variant: keyof TrafficBenchHooks, frames: string[]): Promise<{ total: number; apply: number }> {
  const times = await page.evaluate(
    ({ variant, frames }) => (window.__twin as unknown as { trafficBench: TrafficBenchHooks }).trafficBench[variant](frames),
    { variant, frames },
  );
  const ms = (values: number[]) => Math.round(median(values.slice(WARM_UP)) * 100) / 100;
  return { total: ms(times.total), apply: ms(times.apply) };
}

/** Per-frame JavaScript cost of showing 10k and 50k vehicles as billboards, and 10k as entities (see the file comment). */
export async function benchTrafficClient(): Promise<Record<string, number>> {
  await ensureClientBuilt();
  const twin = await startTwinServer();
  const browser = await launchBrowser();
  try {
    const roads = roadLines(twin.city);
    const tab = await openPageIn(browser, `${twin.server.url}/?bench=traffic&run=bench-no-run&clock=scene`);
    const { page } = tab;
    await waitForTwinEvent(page, 'cesium', 'view-ready', null);
    await page.waitForFunction(() => (window.__twin as unknown as { trafficBench?: unknown }).trafficBench !== undefined, undefined, { timeout: 120_000 });
    const frames10k = trafficFrames(roads, 10_000, WARM_UP + MEASURED);
    const b10k = await run(page, 'billboards', frames10k);
    const b50k = await run(page, 'billboards', trafficFrames(roads, 50_000, WARM_UP + MEASURED));
    const e10k = await run(page, 'entities', frames10k);
    const figures: Record<string, number> = {
      'traffic.client_update_ms_10k': b10k.total,
      'traffic.client_update_ms_50k': b50k.total,
      'traffic.client_update_ms_10k_entities': e10k.total,
      // The part every variant shares: decoding and applying the frame (LiveConnection, LiveObjects).
      'traffic.client_apply_ms_10k': b10k.apply,
      'traffic.client_apply_ms_50k': b50k.apply,
    };
    if (tab.errors.length > 0) throw new Error(`benchTrafficClient: the page logged errors: ${tab.errors.join(' | ')}`);
    await tab.close();
    return figures;
  } finally {
    await browser.close();
    await twin.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const [key, value] of Object.entries(await benchTrafficClient())) console.log(`${key.padEnd(40)} ${value}`);
}
