import type { CityModel } from '../../city/CityModel.ts';
import type { AirSummary } from '../../protocol/AirSummary.ts';
import { aqiStandardFor, computeAqi, type AqiStandard } from '../../protocol/aqi.ts';
import { geodeticToEnu } from '../../protocol/geo.ts';
import type { ScalarGrid } from '../../protocol/ScalarGridCodec.ts';
import type { Engine, EngineContext, EngineSnapshot, InjectResult } from '../Engine.ts';
import type { GridSet, OutputDeclaration } from '../outputs.ts';
import type { Rng } from '../random.ts';
import { AirRaster } from './AirRaster.ts';
import { defaultStacks } from './defaultStacks.ts';
import { pasquillStability, PuffModel, solarElevationDeg, type PuffModelSnapshot, type PuffWeather, type Stability, type Terrain } from './dispersion/index.ts';
import { DEFAULT_EMISSION_FACTORS } from './emissionFactors.ts';
import { EnvironmentInjects, EnvironmentParams, type Stack } from './environmentParams.ts';
import { NO2_PER_NOX, POLLUTANTS, type Pollutant } from './pollutants.ts';
import { populationGrid } from './populationGrid.ts';
import { Releases, type ReleasesSnapshot } from './Releases.ts';
import { roadCells } from './roadCells.ts';
import { round3, stationReports, type Station } from './stationReports.ts';
import { StationRecords } from './StationRecords.ts';
import { TrafficEmissions } from './TrafficEmissions.ts';
import { areaSourceConcentration, RECEPTOR_HEIGHT_M, TrafficDispersion, type KernelWeather } from './TrafficDispersion.ts';
import { DEFAULT_DAY, WeatherSchedule, type Weather } from './WeatherSchedule.ts';

/** Sim time between two grid updates: the issue asks for at least one a minute. */
const UPDATE_EVERY_MS = 60_000;
/** Puffs move in steps of this much sim time. */
const PUFF_STEP_MS = 10_000;
/** Stacks are high and far from where they touch down: a puff every 30 s keeps their spacing well under σy there. */
const STACK_RELEASE_INTERVAL_S = 30;
/** The stacks run this long in the weather of time 0 before the run starts, s: long enough to cross the city. */
const STACK_SPIN_UP_S = 3600;
/** The grid's AQI uses 1-hour means, kept per cell as an exponential mean with a one-hour time constant. */
const HOUR_MEAN_ALPHA = 1 - Math.exp(-UPDATE_EVERY_MS / 3_600_000);

/**
 * Regional background, µg/m³ (CO mg/m³): what arrives from outside the city, of the order of
 * Pingdingshan's spring monthly means (Henan's 2024 environmental bulletin: PM2.5 ~45, PM10 ~75).
 * O3 follows the sun (see ozoneAt).
 */
const DEFAULT_BACKGROUND: Record<Pollutant, number> = { pm25: 40, pm10: 70, so2: 8, no2: 18, co: 0.6, o3: 70 };

/** Stack pollutants, in the order their rates are read. */
const STACK_POLLUTANTS = ['pm25', 'pm10', 'so2', 'nox', 'co'] as const;



interface Snapshot {
  weather: ReturnType<WeatherSchedule['snapshot']>;
  rng: number;
  updatedMs: number;
  stacks: PuffModelSnapshot;
  releases: ReleasesSnapshot;
  emissions: Float64Array[];
  traffic: Float32Array[];
  grids: Float32Array[];
  hourMeans: Float32Array[];
  hourMeanReady: boolean;
  stations: ReturnType<StationRecords['snapshot']>;
}

/**
 * The environment twin: weather and Pasquill–Gifford stability, emissions from road traffic (read
 * from the traffic engine's link activity), industrial stacks and releases, Gaussian dispersion, and
 * the air quality index over the whole city.
 *
 * - Traffic emissions are spread over the raster by road length and dispersed by one convolution
 *   with a per-weather kernel (TrafficDispersion); stacks and releases travel as trains of Gaussian
 *   puffs with the wind of the moment (PuffModel), so a cloud takes time to arrive and turns with
 *   the wind. The regional background is added on top.
 * - Every sim minute it publishes ground-level grids of the six AQI pollutants (instantaneous),
 *   each released substance, and the realtime AQI from 1-hour means; the stations report the model
 *   at their place with seeded noise, every minute, with hourly and 24-hour means.
 */
export class EnvironmentEngine implements Engine {
  readonly name = 'environment';
  readonly injects = Object.keys(EnvironmentInjects) as (keyof typeof EnvironmentInjects)[];
  readonly paramsSchema = EnvironmentParams;
  readonly injectSchemas = EnvironmentInjects;
  readonly publishes = [
    { id: 'environment.grids', kind: 'grids' },
    { id: 'environment.summary', kind: 'airSummary' },
    { id: 'environment.releases', kind: 'localGrids' },
  ] as const satisfies readonly OutputDeclaration[];
  readonly reads = ['traffic.activity'];

  private ctx!: EngineContext;
  private city!: CityModel;
  private rng!: Rng;
  private params!: EnvironmentParams;
  private terrain: Terrain = 'urban';
  private raster!: AirRaster;
  private dispersion!: TrafficDispersion;
  private weather!: WeatherSchedule;
  private background!: Record<Pollutant, number>;
  private stackList: Stack[] = [];
  private stackModel!: PuffModel;
  private rel!: Releases;
  private stationList: Station[] = [];
  private stations!: StationRecords;
  private population!: Float32Array;
  /** Road traffic's emissions of the last minute, g/s per cell: pm25, pm10, nox, co. */
  private trafficEmissions!: TrafficEmissions;
  /** Ground-level concentrations from traffic: pm25, pm10, nox (µg/m³), co (µg/m³; converted when added). */
  private traffic: Float32Array[] = [];
  /** Published grids, in POLLUTANTS order, then aqi, then the released substances (by index). */
  private grids: Float32Array[] = [];
  private hourMeans: Float32Array[] = [];
  private hourMeanReady = false;
  private updatedMs = -1;
  private scratch!: Float32Array;
  private gridSet: GridSet = { simTimeMs: -1, grids: [] };
  private current: { weather: Weather; stability: Stability; solarDeg: number; standard: AqiStandard } | undefined;
  /** The stacks' spin-up still to run (warmUp): the weather of time 0, and the sim seconds done. */
  private spinUp: { weather: PuffWeather; doneS: number } | undefined;

  init(ctx: EngineContext): void {
    const params = EnvironmentParams.parse(ctx.params ?? {});
    this.ctx = ctx;
    this.params = params;
    this.city = ctx.city;
    this.rng = ctx.rng;
    this.terrain = params.dispersion;
    this.raster = new AirRaster(ctx.city, params.cellM);
    this.dispersion = new TrafficDispersion(this.raster, this.terrain);
    this.weather = new WeatherSchedule(params.weather ?? DEFAULT_DAY, params.stability);
    this.trafficEmissions = new TrafficEmissions(roadCells(ctx.city, this.raster), this.raster.cells, params.emissionFactors ?? DEFAULT_EMISSION_FACTORS);
    this.background = { ...DEFAULT_BACKGROUND, ...params.background };
    this.stackList = params.stacks ?? defaultStacks(ctx.city);
    const { minX, minY, maxX, maxY } = ctx.city.extent;
    const bounds = { minX, minY, maxX, maxY };
    this.stackModel = new PuffModel({ releaseIntervalS: STACK_RELEASE_INTERVAL_S, bounds });
    this.rel = new Releases(bounds);
    // Each stack is one tracer of 1 g/s: its pollutants are that tracer times their rates. The stack
    // model keeps its own clock, STACK_SPIN_UP_S ahead, so the plumes are established at time 0.
    this.stackList.forEach((s, k) =>
      this.stackModel.addSource({ id: k, x: s.x, y: s.y, heightM: s.heightM, gPerS: 1, substance: k, startS: 0, endS: Infinity, exitVelocityMs: s.exitVelocityMs, exitTempK: s.exitTempK, diameterM: s.diameterM }),
    );
    this.stationList = ctx.city.pois.filter((p) => p.kind === 'aq_station').map((p) => ({ id: p.id, name: { ...p.name }, x: p.x, y: p.y }));
    this.stations = new StationRecords(this.stationList.length);
    const cells = this.raster.cells;
    this.population = populationGrid(ctx.city, this.raster);
    this.traffic = Array.from({ length: 4 }, () => new Float32Array(cells));
    this.grids = Array.from({ length: POLLUTANTS.length + 1 }, () => new Float32Array(cells));
    this.hourMeans = POLLUTANTS.map(() => new Float32Array(cells));
    this.scratch = new Float32Array(cells);
    // The plumes spin up in warmUp; a fork is given its state at once (EngineContext.warmUp): spinning them up would be wasted.
    if (ctx.warmUp !== false) this.spinUp = { weather: this.puffWeather(), doneS: 0 };
  }

  /** Spins the stacks' plumes up (STACK_SPIN_UP_S in puff steps, in slices: Engine.warmUp), then computes the grids of time 0. */
  warmUp(more: () => boolean): boolean {
    const spin = this.spinUp;
    if (!spin) return true;
    do {
      this.stackModel.step(PUFF_STEP_MS / 1000, spin.weather, this.terrain);
      spin.doneS += PUFF_STEP_MS / 1000;
    } while (spin.doneS < STACK_SPIN_UP_S && more());
    if (spin.doneS < STACK_SPIN_UP_S) return false;
    this.spinUp = undefined;
    this.update(0);
    return true;
  }

  step(simTimeMs: number): void {
    if (simTimeMs % PUFF_STEP_MS === 0) {
      const w = this.puffWeather();
      this.stackModel.step(PUFF_STEP_MS / 1000, w, this.terrain);
      this.rel.step(PUFF_STEP_MS / 1000, w, this.terrain);
    }
    if (simTimeMs % UPDATE_EVERY_MS === 0) this.update(simTimeMs);
  }

  output(id: string): GridSet | AirSummary {
    if (id === 'environment.releases') return this.rel.localGrids;
    return id === 'environment.grids' ? this.gridSet : this.summary();
  }

  applyInject(kind: string, params: unknown, simTimeMs: number): InjectResult {
    if (kind === 'environment.release_rate') {
      const p = EnvironmentInjects['environment.release_rate'].safeParse(params);
      if (!p.success) return bad(kind, p.error.issues);
      if (!this.rel.setRate(p.data.id, p.data.gPerS, simTimeMs)) return { ok: false, code: 'bad_inject_params', message: `${kind}: id: no release ${JSON.stringify(p.data.id)}` };
      return { ok: true };
    }
    if (kind === 'environment.weather') {
      const p = EnvironmentInjects['environment.weather'].safeParse(params);
      if (!p.success) return bad(kind, p.error.issues);
      const { windSpeedMs, ...rest } = p.data;
      this.weather.change({ ...rest, ...(windSpeedMs !== undefined ? { windSpeedMs } : {}) });
      this.current = undefined;
      return { ok: true };
    }
    const p = EnvironmentInjects['environment.release'].safeParse(params);
    if (!p.success) return bad(kind, p.error.issues);
    const r = p.data;
    let x: number;
    let y: number;
    if ('x' in r.at) ({ x, y } = r.at);
    else [x, y] = geodeticToEnu(this.city.origin, { lon: r.at.lon, lat: r.at.lat, height: this.city.origin.height });
    const { minX, minY, maxX, maxY } = this.city.extent;
    if (!(x >= minX && x <= maxX && y >= minY && y <= maxY)) {
      return { ok: false, code: 'bad_inject_params', message: `${kind}: at: (${Math.round(x)}, ${Math.round(y)}) m is outside the city (${minX}…${maxX}, ${minY}…${maxY})` };
    }
    if (r.id !== undefined && this.rel.has(r.id)) return { ok: false, code: 'bad_inject_params', message: `${kind}: id: ${JSON.stringify(r.id)} is taken` };
    const id = this.rel.add({ ...r, substance: r.pollutant, x, y }, simTimeMs, () => this.grids.push(new Float32Array(this.raster.cells)));
    return { ok: true, id };
  }

  /** Concentrations at a point now, computed exactly (not read off the grid): every pollutant and released substance. */
  sampleAt(x: number, y: number, zM: number): Record<string, number> {
    const now = this.now();
    const kernel = this.kernelWeather(now);
    const { raster } = this;
    const trafficAt = new Float64Array(4);
    for (let i = 0; i < raster.cells; i++) {
      const e0 = this.trafficEmissions.rasters[0][i];
      const e2 = this.trafficEmissions.rasters[2][i];
      if (e0 === 0 && e2 === 0 && this.trafficEmissions.rasters[3][i] === 0) continue;
      const unit = areaSourceConcentration(x - raster.centreX(i), y - raster.centreY(i), raster.cellM, kernel, this.terrain);
      for (let k = 0; k < 4; k++) trafficAt[k] += unit * this.trafficEmissions.rasters[k][i];
    }
    const stackAt = this.stackList.map((_, k) => this.stackModel.concentrationAt(x, y, zM, k));
    const out: Record<string, number> = {};
    for (const p of POLLUTANTS) {
      let v = this.backgroundOf(p) + this.trafficPart(p, trafficAt);
      v += this.stackPart(p, stackAt);
      const idx = this.rel.substances.indexOf(p);
      if (idx >= 0) v += this.rel.model.concentrationAt(x, y, zM, idx) * (p === 'co' ? 1e-3 : 1);
      out[p] = round3(v);
    }
    this.rel.substances.forEach((name, idx) => {
      if (!(POLLUTANTS as readonly string[]).includes(name)) out[name] = round3(this.rel.model.concentrationAt(x, y, zM, idx));
    });
    return out;
  }

  snapshot(): EngineSnapshot {
    const s: Snapshot = {
      weather: this.weather.snapshot(),
      rng: this.rng.getState(),
      updatedMs: this.updatedMs,
      stacks: this.stackModel.snapshot(),
      releases: this.rel.snapshot(),
      emissions: this.trafficEmissions.snapshot(),
      traffic: this.traffic.map((a) => a.slice()),
      grids: this.grids.map((a) => a.slice()),
      hourMeans: this.hourMeans.map((a) => a.slice()),
      hourMeanReady: this.hourMeanReady,
      stations: this.stations.snapshot(),
    };
    return s;
  }

  restore(snapshot: EngineSnapshot): void {
    const s = snapshot as Snapshot;
    this.weather.restore(s.weather);
    this.rng.setState(s.rng);
    this.updatedMs = s.updatedMs;
    this.stackModel.restore(s.stacks);
    this.rel.restore(s.releases, s.updatedMs);
    this.trafficEmissions.restore(s.emissions);
    this.traffic = s.traffic.map((a) => a.slice());
    this.grids = s.grids.map((a) => a.slice());
    this.hourMeans = s.hourMeans.map((a) => a.slice());
    this.hourMeanReady = s.hourMeanReady;
    this.stations.restore(s.stations);
    this.current = undefined;
    this.publishGrids();
  }

  dispose(): void {}

  /** The stacks the engine runs (from the scenario or the defaults). */
  stacks(): readonly Stack[] {
    return this.stackList;
  }

  /** Road traffic's emissions over the last sim minute, g/s per raster cell (read-only; valid until the next update). */
  emissionsOf(pollutant: 'pm25' | 'pm10' | 'nox' | 'co'): Readonly<Float64Array> {
    return this.trafficEmissions.rasters[['pm25', 'pm10', 'nox', 'co'].indexOf(pollutant)];
  }

  /** The stack and release puff models (read-only: for inspection and the bench). */
  get puffModels(): readonly PuffModel[] {
    return [this.stackModel, this.rel.model];
  }

  /**
   * Recomputes the ground-level grids of every pollutant from every source, and the AQI grid, for the
   * last update's time, as the minute update does, without advancing the 1-hour means or the stations
   * (the bench times it; the result equals what was published).
   */
  recomputeGrids(): void {
    this.computeGrids();
    this.aqiGrid(this.now().standard);
  }

  /** The raster the grids are on. */
  gridRaster(): AirRaster {
    return this.raster;
  }

  // ---------------------------------------------------------------- the minute update

  /** Recomputes every grid and station reading for sim time `t` (ms since the run's start). */
  private update(t: number): void {
    this.updatedMs = t;
    this.current = undefined;
    this.trafficEmissions.read(this.ctx.read('traffic.activity', 'linkActivity'), t);
    this.computeGrids();
    this.updateHourMeans();
    this.aqiGrid(this.now().standard);
    this.readStations();
    this.rel.updateLocal(t);
    this.publishGrids();
  }

  /** Traffic dispersion of the current emissions, then every source's share on the grids. */
  private computeGrids(): void {
    this.dispersion.setWeather(this.kernelWeather(this.now()));
    const [pm25, pm10, nox, co] = this.traffic;
    this.dispersion.disperse(this.trafficEmissions.rasters[0], this.trafficEmissions.rasters[1], pm25, pm10);
    this.dispersion.disperse(this.trafficEmissions.rasters[2], this.trafficEmissions.rasters[3], nox, co);
    this.composeGrids();
  }

  /** Instantaneous ground-level grids: background + traffic + stacks + releases, by pollutant; then each released substance. */
  private composeGrids(): void {
    const { raster, scratch } = this;
    const n = raster.cells;
    const [gPm25, gPm10, gSo2, gNo2, gCo, gO3] = this.grids;
    const [tPm25, tPm10, tNox, tCo] = this.traffic;
    const [bPm25, bPm10, bSo2, bNo2, bCo, bO3] = POLLUTANTS.map((p) => this.backgroundOf(p));
    for (let i = 0; i < n; i++) {
      gPm25[i] = bPm25 + tPm25[i];
      gPm10[i] = bPm10 + tPm10[i];
      gSo2[i] = bSo2;
      gNo2[i] = bNo2 + NO2_PER_NOX * tNox[i];
      gCo[i] = bCo + tCo[i] * 1e-3;
      gO3[i] = bO3;
    }
    // Each stack's unit tracer, times its rates.
    this.stackList.forEach((stack, k) => {
      scratch.fill(0);
      this.stackModel.addGroundGrid(scratch, raster.cols, raster.rows, raster.originX, raster.originY, raster.cellM, k, RECEPTOR_HEIGHT_M);
      const r = stack.gPerS;
      const rates = [r.pm25 ?? 0, r.pm10 ?? 0, r.so2 ?? 0, (r.nox ?? 0) * NO2_PER_NOX, (r.co ?? 0) * 1e-3];
      STACK_POLLUTANTS.forEach((_, p) => {
        const rate = rates[p];
        if (rate === 0) return;
        const g = this.grids[p];
        for (let i = 0; i < n; i++) g[i] += rate * scratch[i];
      });
    });
    // Releases: an AQI pollutant adds to its grid, any other substance has its own.
    let extra = 0;
    this.rel.substances.forEach((name, idx) => {
      const p = (POLLUTANTS as readonly string[]).indexOf(name);
      const target = p >= 0 ? this.grids[p] : this.grids[POLLUTANTS.length + 1 + extra++];
      if (p < 0) target.fill(0);
      scratch.fill(0);
      this.rel.model.addGroundGrid(scratch, raster.cols, raster.rows, raster.originX, raster.originY, raster.cellM, idx, RECEPTOR_HEIGHT_M);
      const scale = name === 'co' ? 1e-3 : 1;
      for (let i = 0; i < n; i++) target[i] += scale * scratch[i];
    });
  }

  private updateHourMeans(): void {
    POLLUTANTS.forEach((_, p) => {
      const mean = this.hourMeans[p];
      const g = this.grids[p];
      if (!this.hourMeanReady) mean.set(g);
      else for (let i = 0; i < g.length; i++) mean[i] += (g[i] - mean[i]) * HOUR_MEAN_ALPHA;
    });
    this.hourMeanReady = true;
  }

  /** Realtime AQI per cell from its 1-hour means (HJ 633 realtime report). */
  private aqiGrid(standard: AqiStandard): void {
    const out = this.grids[POLLUTANTS.length];
    const [pm25, pm10, so2, no2, co, o3] = this.hourMeans;
    const input = { pm25: 0, pm10: 0, so2: 0, no2: 0, co: 0, o3: 0 };
    for (let i = 0; i < out.length; i++) {
      input.pm25 = pm25[i];
      input.pm10 = pm10[i];
      input.so2 = so2[i];
      input.no2 = no2[i];
      input.co = co[i];
      input.o3 = o3[i];
      out[i] = computeAqi(input, { mode: 'realtime', standard }).aqi;
    }
  }

  /** Each station reads the model at its place (grid for traffic, exact puffs) with seeded multiplicative noise. */
  private readStations(): void {
    const P = POLLUTANTS.length;
    const values = new Float64Array(this.stationList.length * P);
    this.stationList.forEach((s, k) => {
      POLLUTANTS.forEach((p, j) => {
        const model = this.raster.sample(this.grids[j], s.x, s.y);
        const noise = 1 + this.params.stationNoise * gaussian(this.rng);
        values[k * P + j] = Math.max(0, model * noise);
      });
    });
    this.stations.record(values);
  }

  private publishGrids(): void {
    const { raster } = this;
    const layers = [...POLLUTANTS, 'aqi', ...this.rel.others];
    const grids: ScalarGrid[] = layers.map((layer, k) => ({
      layer,
      simTimeMs: this.updatedMs,
      cols: raster.cols,
      rows: raster.rows,
      originX: raster.originX,
      originY: raster.originY,
      cellSize: raster.cellM,
      values: this.grids[k],
    }));
    this.gridSet = { simTimeMs: this.updatedMs, grids };
  }

  // ---------------------------------------------------------------- figures

  private summary(): AirSummary {
    const now = this.now();
    const P = POLLUTANTS;
    const stationFigures = stationReports(this.stations, this.stationList, now.standard);
    // The city's AQI is computed from its stations' mean concentrations (HJ 663 city assessment).
    const concentrations: Record<string, number> = {};
    P.forEach((p) => {
      const values = stationFigures.map((s) => s.hourly[p]);
      concentrations[p] = round3(values.length ? values.reduce((a, b) => a + b, 0) / values.length : this.raster.sample(this.hourMeans[P.indexOf(p)], 0, 0));
    });
    const city = computeAqi(concentrations, { mode: 'realtime', standard: now.standard });
    const aqiGrid = this.grids[P.length];
    let aqiSum = 0;
    let popSum = 0;
    let exposure = 0;
    for (let i = 0; i < aqiGrid.length; i++) {
      aqiSum += aqiGrid[i];
      popSum += this.population[i];
      exposure += this.population[i] * this.hourMeans[0][i];
    }
    const layers = [...P, ...this.rel.others];
    const maxima = layers.map((pollutant) => {
      const k = (P as readonly string[]).includes(pollutant) ? P.indexOf(pollutant as Pollutant) : this.gridIndexOf(pollutant);
      const g = this.grids[k];
      let best = 0;
      for (let i = 1; i < g.length; i++) if (g[i] > g[best]) best = i;
      return { pollutant, value: round3(g[best]), x: Math.round(this.raster.centreX(best)), y: Math.round(this.raster.centreY(best)) };
    });
    const w = now.weather;
    const t = Math.max(0, this.updatedMs);
    return {
      simTimeMs: t,
      standard: now.standard,
      aqi: city.aqi,
      level: city.level,
      primary: city.primary as string[],
      concentrations,
      meanGridAqi: round3(aqiSum / aqiGrid.length),
      exposurePm25: round3(popSum > 0 ? exposure / popSum : 0),
      maxima,
      weather: {
        windFromDeg: w.windFromDeg,
        windSpeedMs: w.windSpeedMs,
        stability: now.stability,
        stabilityFixed: w.stability !== undefined,
        mixingHeightM: w.mixingHeightM,
        cloudOktas: w.cloudOktas,
        temperatureC: w.temperatureC,
        solarElevationDeg: Math.round(now.solarDeg * 10) / 10,
      },
      stations: stationFigures,
      releases: this.rel.summary(t),
    };
  }

  private gridIndexOf(substance: string): number {
    return POLLUTANTS.length + 1 + this.rel.others.indexOf(substance);
  }

  // ---------------------------------------------------------------- helpers

  /** Weather, stability and the standard at the last update. */
  private now(): { weather: Weather; stability: Stability; solarDeg: number; standard: AqiStandard } {
    if (this.current) return this.current;
    const epochMs = this.ctx.startEpochMs + Math.max(0, this.updatedMs);
    const weather = this.weather.at(epochMs);
    const solarDeg = solarElevationDeg(epochMs, this.city.origin.lat, this.city.origin.lon);
    const stability = weather.stability ?? pasquillStability({ windSpeed10Ms: weather.windSpeedMs, solarElevationDeg: solarDeg, cloudOktas: weather.cloudOktas });
    this.current = { weather, stability, solarDeg, standard: aqiStandardFor(epochMs) };
    return this.current;
  }

  private kernelWeather(now: ReturnType<EnvironmentEngine['now']>): KernelWeather {
    return { windFromDeg: now.weather.windFromDeg, windSpeed10Ms: now.weather.windSpeedMs, stability: now.stability, mixingHeightM: now.weather.mixingHeightM };
  }

  private puffWeather(): PuffWeather {
    const now = this.now();
    return {
      windFromDeg: now.weather.windFromDeg,
      windSpeed10Ms: now.weather.windSpeedMs,
      stability: now.stability,
      mixingHeightM: now.weather.mixingHeightM,
      ambientTempK: now.weather.temperatureC + 273.15,
    };
  }

  /**
   * Background by pollutant; O3 follows the sun, from 60 % of the given level at night to 140 % at
   * 13:00 (a photochemical day's shape, as urban O3 records show), with no chemistry of our own.
   */
  private backgroundOf(p: Pollutant): number {
    const b = this.background[p];
    if (p !== 'o3') return b;
    const hour = ((((this.ctx.startEpochMs + Math.max(0, this.updatedMs)) / 3_600_000 + 8) % 24) + 24) % 24;
    return b * (0.6 + 0.8 * Math.max(0, Math.sin((Math.PI * (hour - 7)) / 12)));
  }

  private trafficPart(p: Pollutant, t: Float64Array): number {
    switch (p) {
      case 'pm25':
        return t[0];
      case 'pm10':
        return t[1];
      case 'no2':
        return NO2_PER_NOX * t[2];
      case 'co':
        return t[3] * 1e-3;
      default:
        return 0;
    }
  }

  private stackPart(p: Pollutant, tracer: number[]): number {
    let sum = 0;
    this.stackList.forEach((s, k) => {
      const r = s.gPerS;
      const rate = p === 'pm25' ? r.pm25 : p === 'pm10' ? r.pm10 : p === 'so2' ? r.so2 : p === 'no2' ? (r.nox ?? 0) * NO2_PER_NOX : p === 'co' ? (r.co ?? 0) * 1e-3 : 0;
      sum += (rate ?? 0) * tracer[k];
    });
    return sum;
  }
}

function bad(kind: string, issues: { path: PropertyKey[]; message: string }[]): InjectResult {
  const i = issues[0];
  return { ok: false, code: 'bad_inject_params', message: `${kind}: ${i.path.map(String).join('.') || '(params)'}: ${i.message}` };
}


/** A standard normal draw (Box–Muller) from the seeded stream. */
function gaussian(rng: Rng): number {
  const u = Math.max(rng.next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}
