import type { AirSummary } from '../../protocol/AirSummary.ts';
import type { ScalarGrid } from '../../protocol/ScalarGridCodec.ts';
import type { GridSet } from '../outputs.ts';
import { PuffModel, type PuffBounds, type PuffModelSnapshot, type PuffWeather, type Terrain } from './dispersion/index.ts';
import { POLLUTANTS } from './pollutants.ts';
import { RECEPTOR_HEIGHT_M } from './TrafficDispersion.ts';

/** A release leaves its source this wide (σ, m): a leak or vent has a size, so the air right at it reads its cloud. */
const RELEASE_SIGMA0_M = 1;
/** Releases near the ground: a puff a second, so the train matches the steady plume within 5 % from about 100 m downwind. */
const RELEASE_INTERVAL_S = 1;
/** The close-up grids of released substances: cells this size, m, at most this many a side. */
const LOCAL_CELL_M = 20;
const LOCAL_MAX_CELLS = 300;
/** A close-up grid covers the substance's puffs to this many σy around their centres. */
const LOCAL_REACH_SIGMAS = 3;

export interface Release {
  id: string;
  substance: string;
  x: number;
  y: number;
  heightM: number;
  gPerS: number;
  startMs: number;
  endMs: number | null;
  /** Its index in the release puff model. */
  substanceIndex: number;
}

/** A new release as the inject gives it, placed in local metres. */
export interface ReleaseRequest {
  id?: string;
  substance: string;
  x: number;
  y: number;
  heightM: number;
  gPerS: number;
  durationS?: number;
  exitVelocityMs?: number;
  exitTempK?: number;
  diameterM?: number;
}

export interface ReleasesSnapshot {
  model: PuffModelSnapshot;
  list: Release[];
  substances: string[];
  next: number;
}

const isPollutant = (s: string): boolean => (POLLUTANTS as readonly string[]).includes(s);

/**
 * Releases of substances (a leak, a fire's smoke, a vent): the puff model they travel in, their
 * list, the substances by index, rate changes, and close-up ground-level grids of every substance
 * that is not an AQI pollutant (for threat zones: the city grid's 100 m cells are too coarse near a leak).
 */
export class Releases {
  readonly model: PuffModel;
  list: Release[] = [];
  /** Substance names of the puff model, by index. */
  substances: string[] = [];
  private next = 1;
  private local: GridSet = { simTimeMs: -1, grids: [] };

  constructor(bounds: PuffBounds) {
    this.model = new PuffModel({ releaseIntervalS: RELEASE_INTERVAL_S, bounds, initialSigmaM: RELEASE_SIGMA0_M });
  }

  /** Released substances that are not AQI pollutants (each has a grid of its own), in order of first release. */
  get others(): string[] {
    return this.substances.filter((s) => !isPollutant(s));
  }

  has(id: string): boolean {
    return this.list.some((r) => r.id === id);
  }

  /** Starts a release at sim time `simTimeMs`; answers its id (the one asked for, or release-N). Adds `onNewSubstance` first when the substance is new. */
  add(r: ReleaseRequest, simTimeMs: number, onNewSubstance: (name: string) => void): string {
    let substanceIndex = this.substances.indexOf(r.substance);
    if (substanceIndex < 0) {
      substanceIndex = this.substances.length;
      this.substances.push(r.substance);
      if (!isPollutant(r.substance)) onNewSubstance(r.substance);
    }
    const id = r.id ?? `release-${this.next++}`;
    const endMs = r.durationS === undefined ? null : simTimeMs + Math.round(r.durationS * 1000);
    this.list.push({ id, substance: r.substance, x: r.x, y: r.y, heightM: r.heightM, gPerS: r.gPerS, startMs: simTimeMs, endMs, substanceIndex });
    this.model.addSource({
      id: this.list.length - 1,
      x: r.x,
      y: r.y,
      heightM: r.heightM,
      gPerS: r.gPerS,
      substance: substanceIndex,
      startS: simTimeMs / 1000,
      endS: endMs === null ? Infinity : endMs / 1000,
      exitVelocityMs: r.exitVelocityMs,
      exitTempK: r.exitTempK,
      diameterM: r.exitVelocityMs !== undefined && r.exitTempK !== undefined ? (r.diameterM ?? 1) : undefined,
    });
    return id;
  }

  /** Changes a running release's rate from now on (0 stops it); false when there is no such release. */
  setRate(id: string, gPerS: number, simTimeMs: number): boolean {
    const k = this.list.findIndex((r) => r.id === id);
    if (k < 0) return false;
    const r = this.list[k];
    r.gPerS = gPerS;
    if (gPerS === 0) r.endMs = r.endMs === null ? simTimeMs : Math.min(r.endMs, simTimeMs);
    this.model.setSource(k, gPerS, r.endMs === null ? Infinity : r.endMs / 1000);
    return true;
  }

  step(dtS: number, weather: PuffWeather, terrain: Terrain): void {
    this.model.step(dtS, weather, terrain);
  }

  /** Close-up ground-level grids of each non-AQI substance in the air now (µg/m³), over its puffs. */
  updateLocal(simTimeMs: number): void {
    const grids: ScalarGrid[] = [];
    this.substances.forEach((name, idx) => {
      if (isPollutant(name)) return;
      const box = this.model.extentOf(idx, LOCAL_REACH_SIGMAS);
      if (!box) return;
      const cell = Math.max(LOCAL_CELL_M, Math.max(box.maxX - box.minX, box.maxY - box.minY) / LOCAL_MAX_CELLS);
      const cols = Math.max(1, Math.ceil((box.maxX - box.minX) / cell));
      const rows = Math.max(1, Math.ceil((box.maxY - box.minY) / cell));
      const values = new Float32Array(cols * rows);
      this.model.addGroundGrid(values, cols, rows, box.minX, box.minY, cell, idx, RECEPTOR_HEIGHT_M);
      grids.push({ layer: name, simTimeMs, cols, rows, originX: box.minX, originY: box.minY, cellSize: cell, values });
    });
    this.local = { simTimeMs, grids };
  }

  get localGrids(): GridSet {
    return this.local;
  }

  /** The releases as the air summary lists them, at sim time t. */
  summary(t: number): AirSummary['releases'] {
    return this.list.map((r) => ({
      id: r.id,
      substance: r.substance,
      x: Math.round(r.x),
      y: Math.round(r.y),
      heightM: r.heightM,
      gPerS: r.gPerS,
      startMs: r.startMs,
      endMs: r.endMs,
      active: r.startMs <= t && (r.endMs === null || r.endMs > t),
    }));
  }

  snapshot(): ReleasesSnapshot {
    return { model: this.model.snapshot(), list: this.list.map((r) => ({ ...r })), substances: [...this.substances], next: this.next };
  }

  restore(s: ReleasesSnapshot, simTimeMs: number): void {
    this.model.restore(s.model);
    this.list = s.list.map((r) => ({ ...r }));
    this.substances = [...s.substances];
    this.next = s.next;
    this.updateLocal(simTimeMs);
  }
}
