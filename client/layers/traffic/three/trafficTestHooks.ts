/**
 * Test hooks of the night view's traffic drawing on `window.__twin.threeTraffic`: where a road or a
 * vehicle is on screen, what a click there would pick, and the run controls, so browser tests can
 * aim at thin things and drive the run the way a user would with the timeline bar.
 */
import type { SpeedFactor } from '../../../../server/protocol/events.ts';
import type { ThreeLayerView } from '../../../three/ThreeLayer.ts';
import { enuToGeodetic } from '../../../twin/geo.ts';
import type { LiveConnection } from '../../../twin/live/LiveConnection.ts';
import type { LayerPick } from '../../../twin/types.ts';
import type { LiveTraffic } from '../LiveTraffic.ts';
import { fillLinkColors } from '../trafficColors.ts';
import type { MovingObjects } from './movingObjects.ts';
import type { TrafficRoads } from './trafficRoads.ts';

export interface ThreeTrafficHooks {
  /** True while the coloured roads are drawn (roads loaded, a link frame in, the layer on). */
  roadsShown(): boolean;
  /** Links in the road network; 0 until it loaded. */
  linkCount(): number;
  /** A link's identity, figures and the middle of its line (lon/lat degrees, height metres, heading radians clockwise from north). */
  link(index: number): {
    id: string;
    name: string;
    roadClass: string;
    widthM: number;
    lengthM: number;
    trafficIndex: number | null;
    /** The colour it is drawn with now, CSS hex. */
    color: string;
    lon: number;
    lat: number;
    height: number;
    heading: number;
  } | null;
  /** Indices of the `n` links at least `minLengthM` long with the highest traffic index now (widest first among equals). */
  busiestLinks(n: number, minLengthM: number): number[];
  /** CSS-pixel position of the point `fraction` along link `index`, or null when off screen. */
  linkScreenPoint(index: number, fraction: number): { x: number; y: number } | null;
  /** The vehicles drawn last that are on screen (none while the layer is off): object id, kind and CSS-pixel position. */
  vehicles(): { id: number; kind: number; x: number; y: number }[];
  /** What a click at (x, y) CSS pixels would pick. */
  pickAt(x: number, y: number): { kind: 'building'; id: string } | LayerPick | null;
  /** The joined run's controls. */
  run: Pick<LiveConnection, 'seek' | 'setSpeed' | 'pause' | 'play' | 'inject'>;
}

function linkLength(roads: TrafficRoads, index: number): number {
  const net = roads.roads;
  if (!net) return 0;
  let total = 0;
  for (let p = net.starts[index] + 1; p < net.starts[index + 1]; p++) {
    total += Math.hypot(net.points[3 * p] - net.points[3 * p - 3], net.points[3 * p + 1] - net.points[3 * p - 2]);
  }
  return total;
}

/** Puts the hooks on window.__twin.threeTraffic (when the page has test hooks); returns the function that removes them. */
export function exposeTrafficHooks(view: ThreeLayerView, roads: TrafficRoads, objects: MovingObjects, traffic: LiveTraffic): () => void {
  const { live, city } = view;
  const twin = window.__twin as (Record<string, unknown> & object) | undefined;
  if (!twin) return () => undefined;
  const hooks: ThreeTrafficHooks = {
    roadsShown: () => roads.shown,
    linkCount: () => roads.roads?.count ?? 0,
    link(index) {
      const net = roads.roads;
      const mid = roads.pointOnLink(index, 0.5);
      const ahead = roads.pointOnLink(index, 0.55);
      if (!net || !mid || !ahead) return null;
      const frame = traffic.links;
      const bytes = fillLinkColors(frame, net.count).subarray(4 * index, 4 * index + 3);
      const geo = enuToGeodetic(city.origin, [mid.x, -mid.z, mid.y]);
      return {
        id: net.ids[index],
        name: net.names[index],
        roadClass: net.classes[index],
        widthM: net.widths[index],
        lengthM: linkLength(roads, index),
        trafficIndex: frame && index < frame.count ? frame.index[index] : null,
        color: `#${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`,
        ...geo,
        heading: Math.atan2(ahead.x - mid.x, -(ahead.z - mid.z)),
      };
    },
    busiestLinks(n, minLengthM) {
      const net = roads.roads;
      const frame = traffic.links;
      if (!net || !frame) return [];
      const candidates: number[] = [];
      for (let k = 0; k < Math.min(net.count, frame.count); k++) if (!frame.closed[k] && linkLength(roads, k) >= minLengthM) candidates.push(k);
      candidates.sort((a, b) => frame.index[b] - frame.index[a] || net.widths[b] - net.widths[a]);
      return candidates.slice(0, n);
    },
    linkScreenPoint(index, fraction) {
      const p = roads.pointOnLink(index, fraction);
      return p ? view.screenOf(p) : null;
    },
    vehicles() {
      const out: { id: number; kind: number; x: number; y: number }[] = [];
      if (!objects.isShown) return out;
      for (let i = 0; i < objects.count; i++) {
        const v = objects.instance(i);
        const at = v && view.screenOf(v.at);
        if (v && at) out.push({ id: v.id, kind: v.kind, ...at });
      }
      return out;
    },
    pickAt(x, y) {
      const p = view.pickAt(x, y);
      if (!p) return null;
      return p.kind === 'building' ? { kind: 'building', id: p.record.id } : p.pick;
    },
    run: {
      seek: (simTimeMs: number) => live.seek(simTimeMs),
      setSpeed: (factor: SpeedFactor) => live.setSpeed(factor),
      pause: () => live.pause(),
      play: () => live.play(),
      inject: (kind: string, params: Record<string, unknown>) => live.inject(kind, params),
    },
  };
  twin.threeTraffic = hooks;
  return () => {
    if (twin.threeTraffic === hooks) delete twin.threeTraffic;
  };
}
