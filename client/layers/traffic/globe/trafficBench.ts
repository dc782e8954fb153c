/**
 * The page side of bench/trafficClient.ts, loaded only with `?bench=traffic` (a dynamic import, so
 * normal use never downloads it): applies given object frames through a LiveConnection's socket
 * path and times, per frame, the JavaScript that shows them — with the view's VehicleBillboards, or
 * with one Cesium Entity per vehicle. bench/trafficClient.ts explains the method.
 */
import { Cartesian3, Color, ConstantPositionProperty, ConstantProperty, CustomDataSource, JulianDate, NearFarScalar, VerticalOrigin } from 'cesium';
import type { Entity, Viewer } from 'cesium';
import { ObjectFlags, ObjectKind } from '../../../../server/protocol/ObjectState.ts';
import { LiveConnection, type LiveSocket } from '../../../twin/live/LiveConnection.ts';
import { createLiveStore } from '../../../twin/live/LiveStore.ts';
import { objectKindColor } from '../../../twin/live/objectColors.ts';
import { enuToEcefMatrix } from '../../../twin/geo.ts';
import { loadRoads, terrainHeightAt, type TerrainHeights } from '../../../twin/traffic/roads.ts';
import type { CityInfo } from '../../../twin/types.ts';
import { VEHICLE_ARROW_HEIGHT, VEHICLE_ARROW_WIDTH, vehicleArrow } from './vehicleArrow.ts';
import { VehicleBillboards } from './VehicleBillboards.ts';

const RUN_ID = 'bench';

/** Milliseconds per frame: the whole timed block, and its first part (the frame applied through the socket path). */
export interface FrameTimes {
  total: number[];
  apply: number[];
}

/** What the bench calls in the page: each takes base64 object frames (a keyframe first). */
export interface TrafficBenchHooks {
  billboards(frames: string[]): Promise<FrameTimes>;
  entities(frames: string[]): Promise<FrameTimes>;
}

function decodeBase64(frames: string[]): ArrayBuffer[] {
  return frames.map((s) => {
    const bin = atob(s);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return bytes.buffer;
  });
}

/** A LiveConnection on a socket of our own: `deliver` is its 'objects' listener, as Socket.IO would call it. */
function benchConnection(): { live: LiveConnection; deliver: (frame: ArrayBuffer) => void } {
  const listeners = new Map<string, (...args: never[]) => void>();
  const socket: LiveSocket = {
    on: (event, listener) => listeners.set(event, listener),
    emit: () => undefined,
    disconnect: () => undefined,
    active: false,
  };
  const live = new LiveConnection({ store: createLiveStore({ runId: RUN_ID }), openSocket: () => socket });
  live.connect();
  const onObjects = listeners.get('objects') as ((runId: string, frame: unknown) => void) | undefined;
  if (!onObjects) throw new Error('trafficBench: LiveConnection registered no "objects" listener');
  return { live, deliver: (frame) => onObjects(RUN_ID, frame) };
}

/**
 * For each frame: delivers it, then runs `show`, timing both and the delivery alone; draws the scene
 * (untimed) between frames as the render loop would.
 */
async function timeFrames(viewer: Viewer, frames: ArrayBuffer[], deliver: (frame: ArrayBuffer) => void, show: () => void): Promise<FrameTimes> {
  const times: FrameTimes = { total: [], apply: [] };
  viewer.useDefaultRenderLoop = false;
  try {
    for (const frame of frames) {
      const t0 = performance.now();
      deliver(frame);
      const t1 = performance.now();
      show();
      const t2 = performance.now();
      times.total.push(t2 - t0);
      times.apply.push(t1 - t0);
      viewer.render();
      // Let the page breathe (input, GC) between frames.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  } finally {
    viewer.useDefaultRenderLoop = true;
  }
  return times;
}

async function billboards(viewer: Viewer, city: CityInfo, terrain: TerrainHeights, frames: string[]): Promise<FrameTimes> {
  const decoded = decodeBase64(frames);
  const { live, deliver } = benchConnection();
  const vehicles = new VehicleBillboards(city);
  vehicles.setTerrain(terrain);
  viewer.scene.primitives.add(vehicles.collection);
  try {
    return await timeFrames(viewer, decoded, deliver, () => vehicles.update(live.sample(), performance.now()));
  } finally {
    live.dispose();
    viewer.scene.primitives.remove(vehicles.collection);
  }
}

async function entities(viewer: Viewer, city: CityInfo, terrain: TerrainHeights, frames: string[]): Promise<FrameTimes> {
  const decoded = decodeBase64(frames);
  const { live, deliver } = benchConnection();
  const source = new CustomDataSource('traffic-bench');
  await viewer.dataSources.add(source);
  const m = enuToEcefMatrix(city.origin);
  // A URL image is stored once in the texture atlas for every billboard that shows it (a canvas would be stored per billboard).
  const image = vehicleArrow().toDataURL();
  const scaleByDistance = new NearFarScalar(300, 1.2, 12000, 0.45);
  const kindColors = new Map<number, Color>();
  const red = Color.fromCssColorString('#ff2338');
  const blue = Color.fromCssColorString('#2f7bff');
  interface Shown {
    entity: Entity;
    position: ConstantPositionProperty;
    axis: ConstantProperty;
    color: ConstantProperty;
    code: number;
    seen: number;
  }
  const byId = new Map<number, Shown>();
  const time = JulianDate.now();
  const position = new Cartesian3();
  const axis = new Cartesian3();
  let generation = 0;
  try {
    return await timeFrames(viewer, decoded, deliver, () => {
      const o = live.sample();
      generation++;
      const flash = Math.floor(performance.now() / 250) % 2 === 0 ? 256 : 257;
      for (let i = 0; i < o.count; i++) {
        const e = o.x[i];
        const nn = o.y[i];
        const u = terrainHeightAt(terrain, e, nn) + 1.6;
        position.x = m[0] * e + m[4] * nn + m[8] * u + m[12];
        position.y = m[1] * e + m[5] * nn + m[9] * u + m[13];
        position.z = m[2] * e + m[6] * nn + m[10] * u + m[14];
        const s = Math.sin(o.heading[i]);
        const c = Math.cos(o.heading[i]);
        axis.x = m[0] * s + m[4] * c;
        axis.y = m[1] * s + m[5] * c;
        axis.z = m[2] * s + m[6] * c;
        const k = o.kind[i];
        const code = k === ObjectKind.emergency || (o.flags[i] & ObjectFlags.sirens) !== 0 ? flash : k;
        let color = kindColors.get(k);
        if (!color) kindColors.set(k, (color = Color.fromCssColorString(objectKindColor(k))));
        const codeColor = code === 256 ? red : code === 257 ? blue : color;
        let shown = byId.get(o.id[i]);
        if (!shown) {
          const p = new ConstantPositionProperty(Cartesian3.clone(position));
          const a = new ConstantProperty(Cartesian3.clone(axis));
          const col = new ConstantProperty(codeColor);
          const entity = source.entities.add({
            position: p,
            billboard: { image, width: VEHICLE_ARROW_WIDTH, height: VEHICLE_ARROW_HEIGHT, verticalOrigin: VerticalOrigin.CENTER, scaleByDistance, alignedAxis: a, color: col },
          });
          byId.set(o.id[i], (shown = { entity, position: p, axis: a, color: col, code, seen: generation }));
        } else {
          shown.position.setValue(position);
          shown.axis.setValue(axis);
          if (shown.code !== code) {
            shown.code = code;
            shown.color.setValue(codeColor);
          }
          shown.seen = generation;
        }
      }
      if (byId.size > o.count) {
        for (const [id, shown] of byId) {
          if (shown.seen === generation) continue;
          source.entities.remove(shown.entity);
          byId.delete(id);
        }
      }
      viewer.dataSourceDisplay.update(time);
    });
  } finally {
    live.dispose();
    viewer.dataSources.remove(source, true);
  }
}

/** Puts the bench hooks on `window.__twin.trafficBench`; returns the function that takes them away. */
export function exposeTrafficBench(viewer: Viewer, city: CityInfo): () => void {
  const hooks = window.__twin as unknown as Record<string, unknown> | undefined;
  if (!hooks) return () => {};
  const terrain = () => loadRoads(city.id).then((net) => net.terrain);
  const bench: TrafficBenchHooks = {
    billboards: async (frames) => billboards(viewer, city, await terrain(), frames),
    entities: async (frames) => entities(viewer, city, await terrain(), frames),
  };
  hooks.trafficBench = bench;
  return () => {
    if (hooks.trafficBench === bench) delete hooks.trafficBench;
  };
}
