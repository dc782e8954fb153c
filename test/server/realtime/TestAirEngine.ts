import { z } from 'zod';
import type { AirSummary } from '../../../server/protocol/AirSummary.ts';
import { aqiStandardFor, computeAqi } from '../../../server/protocol/aqi.ts';
import type { ScalarGrid } from '../../../server/protocol/ScalarGridCodec.ts';
import type { Engine, EngineContext, InjectResult } from '../../../server/sim/Engine.ts';
import type { GridSet, OutputDeclaration } from '../../../server/sim/outputs.ts';

/** The six AQI pollutants the test engine publishes, µg/m³ (CO mg/m³). */
export const AIR_POLLUTANTS = ['pm25', 'pm10', 'so2', 'no2', 'co', 'o3'] as const;
type Pollutant = (typeof AIR_POLLUTANTS)[number];
/** Every layer of a grid update without releases, in the order published. */
export const AIR_LAYERS = [...AIR_POLLUTANTS, 'aqi'] as const;

const BASE: Record<Pollutant, number> = { pm25: 40, pm10: 70, so2: 12, no2: 35, co: 0.8, o3: 90 };
/** A released substance's level at its peak, µg/m³. */
const RELEASE_PEAK = 250;

/** The raster: 12 × 12 cells of 100 m over the small city (−600 … 600 m both ways). */
export const AIR_GRID = { cols: 12, rows: 12, cellSize: 100, originX: -600, originY: -600 } as const;
/** The engine renews its grids and summary once per sim minute. */
export const AIR_UPDATE_MS = 60_000;
export const AIR_STATIONS = [
  { id: 'S1', name: { zh: '西南站', en: 'South-west' }, x: -300, y: -300 },
  { id: 'S2', name: { zh: '东北站', en: 'North-east' }, x: 300, y: 300 },
] as const;

/**
 * The test engine's field: `layer` at local point (x, y) at sim time `t`, with emissions scaled by
 * `scale`; a released substance peaks at its release point. Deterministic and positive.
 */
export function testConcentration(layer: string, x: number, y: number, t: number, scale = 1, release?: { x: number; y: number }): number {
  if (!(layer in BASE)) {
    if (!release) return 0;
    return RELEASE_PEAK * Math.exp(-((x - release.x) ** 2 + (y - release.y) ** 2) / (2 * 200 ** 2));
  }
  const phase = t / 600_000;
  return BASE[layer as Pollutant] * scale * (1 + 0.5 * Math.sin(x / 200 + phase)) * (1 + 0.3 * Math.cos(y / 300));
}

const ScaleParams = z.strictObject({ factor: z.number().positive().max(100) });
const ReleaseParams = z.strictObject({ substance: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/), x: z.number(), y: z.number() });

interface Release {
  substance: string;
  x: number;
  y: number;
  startMs: number;
}

interface Snapshot {
  scale: number;
  appliedScale: number;
  updatedMs: number;
  releases: Release[];
}

/**
 * A stand-in environment engine for transport tests: every sim minute (and at time 0) it fills
 * grids of the six pollutants, the AQI and each released substance from a formula of place and
 * time (testConcentration), and an AirSummary from them; sampleAt gives the formula's exact values.
 * Injects scale the emissions or release a substance, from the next minute on.
 */
export class TestAirEngine implements Engine {
  readonly name = 'test_air';
  readonly injects = ['test_air.scale', 'test_air.release'] as const;
  readonly injectSchemas = { 'test_air.scale': ScaleParams, 'test_air.release': ReleaseParams };
  readonly publishes = [
    { id: 'test_air.grids', kind: 'grids' },
    { id: 'test_air.summary', kind: 'airSummary' },
  ] as const satisfies readonly OutputDeclaration[];
  private startEpochMs = 0;
  private scale = 1;
  /** The scale of the last update: what the published figures show. */
  private appliedScale = 1;
  private updatedMs = -1;
  private releases: Release[] = [];
  private set: GridSet = { simTimeMs: -1, grids: [] };

  init(ctx: EngineContext): void {
    this.startEpochMs = ctx.startEpochMs;
    this.update(0);
  }

  step(simTimeMs: number): void {
    if (simTimeMs % AIR_UPDATE_MS === 0) this.update(simTimeMs);
  }

  snapshot(): Snapshot {
    return { scale: this.scale, appliedScale: this.appliedScale, updatedMs: this.updatedMs, releases: this.releases.map((r) => ({ ...r })) };
  }

  restore(snapshot: unknown): void {
    const s = snapshot as Snapshot;
    this.scale = s.scale;
    this.releases = s.releases.map((r) => ({ ...r }));
    this.fill(s.updatedMs, s.appliedScale, this.releases.filter((r) => r.startMs <= s.updatedMs));
  }

  applyInject(kind: string, params: unknown, simTimeMs: number): InjectResult {
    if (kind === 'test_air.scale') this.scale = (params as z.infer<typeof ScaleParams>).factor;
    else this.releases.push({ ...(params as z.infer<typeof ReleaseParams>), startMs: simTimeMs });
    return { ok: true };
  }

  output(id: string): GridSet | AirSummary {
    return id === 'test_air.grids' ? this.set : this.summary();
  }

  /** The formula at exactly (x, y), as of the last update (the height does not matter here). */
  sampleAt(x: number, y: number): Record<string, number> {
    const out: Record<string, number> = {};
    for (const p of AIR_POLLUTANTS) out[p] = testConcentration(p, x, y, this.updatedMs, this.appliedScale);
    for (const r of this.active()) out[r.substance] = testConcentration(r.substance, x, y, this.updatedMs, this.appliedScale, r);
    return out;
  }

  dispose(): void {}

  private active(): Release[] {
    return this.releases.filter((r) => r.startMs <= this.updatedMs);
  }

  private update(t: number): void {
    this.fill(t, this.scale, this.releases.filter((r) => r.startMs <= t));
  }

  private fill(t: number, scale: number, releases: Release[]): void {
    this.updatedMs = t;
    this.appliedScale = scale;
    const { cols, rows, cellSize, originX, originY } = AIR_GRID;
    const standard = aqiStandardFor(this.startEpochMs + t);
    const values = (layer: string, release?: Release) => {
      const v = new Float32Array(cols * rows);
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) v[r * cols + c] = testConcentration(layer, originX + (c + 0.5) * cellSize, originY + (r + 0.5) * cellSize, t, scale, release);
      }
      return v;
    };
    const pollutants = AIR_POLLUTANTS.map((p) => values(p));
    const aqi = new Float32Array(cols * rows);
    for (let i = 0; i < aqi.length; i++) {
      const input: Partial<Record<Pollutant, number>> = {};
      AIR_POLLUTANTS.forEach((p, k) => (input[p] = pollutants[k][i]));
      aqi[i] = computeAqi(input, { mode: 'realtime', standard }).aqi;
    }
    const grid = (layer: string, v: Float32Array): ScalarGrid => ({ layer, simTimeMs: t, cols, rows, originX, originY, cellSize, values: v });
    this.set = {
      simTimeMs: t,
      grids: [...AIR_POLLUTANTS.map((p, k) => grid(p, pollutants[k])), grid('aqi', aqi), ...releases.map((r) => grid(r.substance, values(r.substance, r)))],
    };
  }

  private summary(): AirSummary {
    const t = this.updatedMs;
    const standard = aqiStandardFor(this.startEpochMs + t);
    const stations = AIR_STATIONS.map((s) => {
      const hourly: Record<string, number> = {};
      for (const p of AIR_POLLUTANTS) hourly[p] = testConcentration(p, s.x, s.y, t, this.appliedScale);
      const a = computeAqi(hourly, { mode: 'realtime', standard });
      return { id: s.id, name: { ...s.name }, x: s.x, y: s.y, aqi: a.aqi, level: a.level, primary: [...a.primary], hourly, minute: { ...hourly }, daily: null };
    });
    const concentrations: Record<string, number> = {};
    for (const p of AIR_POLLUTANTS) concentrations[p] = stations.reduce((sum, s) => sum + s.hourly[p], 0) / stations.length;
    const city = computeAqi(concentrations, { mode: 'realtime', standard });
    const mean = (g: ScalarGrid) => g.values.reduce((a, b) => a + b, 0) / g.values.length;
    const byLayer = new Map(this.set.grids.map((g) => [g.layer, g]));
    const maxima = this.set.grids
      .filter((g) => g.layer !== 'aqi')
      .map((g) => {
        let best = 0;
        for (let i = 1; i < g.values.length; i++) if (g.values[i] > g.values[best]) best = i;
        const c = best % g.cols;
        const r = Math.floor(best / g.cols);
        return { pollutant: g.layer, value: g.values[best], x: g.originX + (c + 0.5) * g.cellSize, y: g.originY + (r + 0.5) * g.cellSize };
      });
    return {
      simTimeMs: t,
      standard,
      aqi: city.aqi,
      level: city.level,
      primary: [...city.primary],
      concentrations,
      meanGridAqi: mean(byLayer.get('aqi') as ScalarGrid),
      exposurePm25: mean(byLayer.get('pm25') as ScalarGrid),
      maxima,
      weather: { windFromDeg: 45, windSpeedMs: 2.5, stability: 'D', stabilityFixed: false, mixingHeightM: 800, cloudOktas: 4, temperatureC: 12, solarElevationDeg: 30 },
      stations,
      releases: this.releases.map((r, k) => ({ id: `R${k + 1}`, substance: r.substance, x: r.x, y: r.y, heightM: 2, gPerS: 100, startMs: r.startMs, endMs: null, active: r.startMs <= t })),
    };
  }
}
