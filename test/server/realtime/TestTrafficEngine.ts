import { z } from 'zod';
import type { CityModel } from '../../../server/city/CityModel.ts';
import { createLinkState, type LinkState } from '../../../server/protocol/LinkState.ts';
import { CONGESTION_LEVELS, type TrafficSummary } from '../../../server/protocol/TrafficSummary.ts';
import type { Engine, EngineContext, EngineRegistry, InjectResult } from '../../../server/sim/Engine.ts';
import { engineRegistry } from '../../../server/sim/engineRegistry.ts';
import type { OutputDeclaration } from '../../../server/sim/outputs.ts';
import { TestAirEngine } from './TestAirEngine.ts';

const LinkParams = z.strictObject({ linkId: z.string().min(1), lanes: z.number().int().positive().optional() });

interface Snapshot {
  closed: Uint8Array;
  timeMs: number;
  vehicleHours: number;
  delayHours: number;
}

/** Links the test's origin–destination pair runs along: the first eight of the city. */
export const OD_LINKS = 8;

/**
 * A stand-in traffic engine for transport tests: per-link figures that follow sim time by a
 * formula (no vehicles), closures that jam their link, and a summary computed from the links.
 * Deterministic, so two runs of it agree exactly; it tests the transport, not traffic.
 */
export class TestTrafficEngine implements Engine {
  readonly name = 'test_traffic';
  readonly injects = ['test_traffic.close_link', 'test_traffic.open_link'] as const;
  readonly injectSchemas = { 'test_traffic.close_link': LinkParams, 'test_traffic.open_link': LinkParams };
  readonly publishes = [
    { id: 'test_traffic.links', kind: 'links' },
    { id: 'test_traffic.summary', kind: 'trafficSummary' },
  ] as const satisfies readonly OutputDeclaration[];
  private city!: CityModel;
  private state!: LinkState;
  private closed!: Uint8Array;
  private timeMs = 0;
  private dtH = 0;
  private vehicleHours = 0;
  private delayHours = 0;
  private fresh = false;

  init(ctx: EngineContext): void {
    this.city = ctx.city;
    this.state = createLinkState(ctx.city.roads.links.length);
    this.closed = new Uint8Array(this.state.count);
    this.dtH = ctx.stepMs / 3_600_000;
  }

  step(simTimeMs: number): void {
    this.timeMs = simTimeMs;
    this.fresh = false;
    const links = this.links();
    const vehicles = this.vehicles();
    let meanIndex = 0;
    for (let k = 0; k < links.count; k++) meanIndex += links.index[k] / links.count;
    this.vehicleHours += vehicles * this.dtH;
    this.delayHours += ((vehicles * meanIndex) / 10) * this.dtH;
  }

  snapshot(): Snapshot {
    return { closed: this.closed.slice(), timeMs: this.timeMs, vehicleHours: this.vehicleHours, delayHours: this.delayHours };
  }

  restore(snapshot: unknown): void {
    const s = snapshot as Snapshot;
    this.closed = s.closed.slice();
    this.timeMs = s.timeMs;
    this.vehicleHours = s.vehicleHours;
    this.delayHours = s.delayHours;
    this.fresh = false;
  }

  applyInject(kind: string, params: unknown): InjectResult {
    const { linkId, lanes } = params as z.infer<typeof LinkParams>;
    const k = this.city.roads.links.findIndex((l) => l.id === linkId);
    if (k < 0) return { ok: false, code: 'unknown_link', message: `TestTrafficEngine: no link ${linkId}` };
    this.closed[k] = kind === 'test_traffic.close_link' ? Math.min(lanes ?? 255, this.city.roads.links[k].lanes) : 0;
    this.fresh = false;
    return { ok: true };
  }

  output(id: string): LinkState | TrafficSummary {
    return id === 'test_traffic.links' ? this.links() : this.trafficSummary();
  }

  links(): LinkState {
    if (this.fresh) return this.state;
    const s = this.state;
    const phase = this.timeMs / 600_000;
    for (let k = 0; k < s.count; k++) {
      const link = this.city.roads.links[k];
      const free = link.speedLimitKmh / 3.6;
      const whole = this.closed[k] >= link.lanes;
      const ratio = whole ? 0 : (0.55 + 0.4 * Math.cos(k + phase)) * (this.closed[k] > 0 ? 0.5 : 1);
      s.speed[k] = free * ratio;
      s.index[k] = whole ? 10 : Math.min(10, (1 - ratio) * 10);
      s.density[k] = 10 + 100 * (1 - ratio);
      s.flow[k] = whole ? 0 : 1800 * ratio;
      s.queue[k] = whole ? link.length : (1 - ratio) * 50;
      s.closedLanes[k] = this.closed[k];
    }
    this.fresh = true;
    return s;
  }

  trafficSummary(): TrafficSummary {
    const s = this.links();
    let index = 0;
    let speed = 0;
    for (let k = 0; k < s.count; k++) {
      index += s.index[k] / s.count;
      speed += (s.speed[k] * 3.6) / s.count;
    }
    let odSeconds = 0;
    for (let k = 0; k < Math.min(OD_LINKS, s.count); k++) odSeconds += this.city.roads.links[k].length / Math.max(1, s.speed[k]);
    const order = [...Array(s.count).keys()].sort((a, b) => s.index[b] - s.index[a] || a - b).slice(0, 3);
    const vehicles = this.vehicles();
    return {
      simTimeMs: this.timeMs,
      index,
      level: CONGESTION_LEVELS[Math.min(4, Math.floor(index / 2))],
      meanSpeedKmh: speed,
      vehicles,
      departed: Math.floor(this.timeMs / 1000),
      arrived: Math.floor(this.timeMs / 1200),
      vehicleHours: this.vehicleHours,
      delayHours: this.delayHours,
      districts: this.city.districts.map((d) => ({ id: d.id, index })),
      odTimes: [{ id: 'od-1', name: { zh: '西站—东站', en: 'West to East' }, seconds: odSeconds }],
      closures: [],
      worstLinks: order.map((k) => ({ linkId: this.city.roads.links[k].id, name: this.city.roads.links[k].name, index: s.index[k], speedKmh: s.speed[k] * 3.6 })),
    };
  }

  dispose(): void {}

  private vehicles(): number {
    return 200 + (Math.floor(this.timeMs / 60_000) % 30);
  }
}

/** The server's engines plus the test engines (traffic and air). */
export const testRegistry: EngineRegistry = new Map([...engineRegistry, ['test_traffic', () => new TestTrafficEngine()], ['test_air', () => new TestAirEngine()]]);
