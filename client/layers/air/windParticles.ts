/**
 * The wind shown moving: a few hundred particles drifting with the wind's direction and speed over
 * the part of the city in view, each living a few seconds and fading in and out. Pure (seeded, no
 * clock of its own): each view steps it with its frame time and draws the particles as short streaks.
 * The drift is sped up with the view's scale, so a 2 m/s breeze reads from 5 km up as from 500 m.
 */

import type { TerrainHeights } from '../../twin/traffic/roads.ts';
import { groundHit } from './groundMesh.ts';

/** Particles drawn: enough to read the flow, few enough for software WebGL. */
export const WIND_PARTICLES = 320;
/** A particle lives this many seconds at least, and up to twice as long. */
const LIFE_S = 4;
/** The drift's speed-up: the particles cross this fraction of the area's half-size per second per m/s of wind. */
const DRIFT_PER_MS = 0.02;
/** A streak is as long as this many seconds of its drift. */
const STREAK_S = 0.6;
/** The longest wall time one step may cover, seconds: a slow frame must not make the particles jump. */
const MAX_STEP_S = 1.5;

/** The area the particles drift over: a square around the ground in view. */
export interface WindArea {
  centreX: number;
  centreY: number;
  /** Half its side, metres. */
  halfSize: number;
}

/** The wind now, as the air summary gives it. */
export interface Wind {
  /** Where it blows from, degrees clockwise from north. */
  windFromDeg: number;
  windSpeedMs: number;
}

/** mulberry32: a small seeded generator (particles must not depend on Math.random to be testable). */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The area for a camera looking at `target` (local metres) from `distance` metres: wider the farther it looks. */
export function windAreaFor(target: readonly number[], distance: number): WindArea {
  return { centreX: target[0], centreY: target[1], halfSize: Math.min(6000, Math.max(300, distance * 0.7)) };
}

/** The area in view of a camera at `from` looking along `direction` (local metres): around where it meets the terrain, else under it. */
export function windAreaSeen(terrain: TerrainHeights, from: readonly number[], direction: readonly number[]): WindArea {
  const hit = groundHit(terrain, from, direction);
  if (hit) return windAreaFor(hit, Math.hypot(hit[0] - from[0], hit[1] - from[1], hit[2] - from[2]));
  return windAreaFor(from, Math.max(300, from[2]));
}

/** The unit vector (east, north) the wind blows towards. */
export function windDirection(windFromDeg: number): [number, number] {
  const a = (windFromDeg * Math.PI) / 180;
  return [-Math.sin(a), -Math.cos(a)];
}

export class WindParticles {
  readonly x: Float32Array;
  readonly y: Float32Array;
  /** Seconds since each was born, and how long it lives. */
  readonly age: Float32Array;
  readonly life: Float32Array;
  /** Each particle's share of the drift (0.8–1.2): they do not march in step. */
  private readonly pace: Float32Array;
  private readonly random: () => number;
  /** Steps taken (the test hooks see the wind move). */
  steps = 0;
  private area: WindArea = { centreX: 0, centreY: 0, halfSize: 0 };
  /** Wall time of the last step or hold (ms), and whether any step was taken since the last reset. */
  private lastAt = -Infinity;
  private started = false;

  constructor(
    readonly count = WIND_PARTICLES,
    seed = 1,
  ) {
    this.x = new Float32Array(count);
    this.y = new Float32Array(count);
    this.age = new Float32Array(count);
    this.life = new Float32Array(count);
    this.pace = new Float32Array(count);
    this.random = generator(seed);
    for (let i = 0; i < count; i++) this.pace[i] = 0.8 + 0.4 * this.random();
  }

  /** The drift's speed over `area` for `wind`, metres per second (the same for each view's scale). */
  static driftSpeed(wind: Wind, area: WindArea): number {
    return area.halfSize * DRIFT_PER_MS * Math.min(20, Math.max(0.3, wind.windSpeedMs));
  }

  /** Length of particle i's streak, metres. */
  streakLength(i: number, wind: Wind): number {
    return WindParticles.driftSpeed(wind, this.area) * this.pace[i] * STREAK_S;
  }

  /** Opacity of particle i, 0–1: it fades in, holds, and fades out. */
  alpha(i: number): number {
    const f = this.life[i] > 0 ? this.age[i] / this.life[i] : 1;
    return Math.max(0, Math.min(1, f / 0.15, (1 - f) / 0.3));
  }

  /**
   * Whether a step now would change the picture: while the run plays, or when the view moved to
   * other ground (by a tenth of the area or more), or before the first step. Paused, the wind holds still.
   */
  wouldMove(playing: boolean, area: WindArea): boolean {
    if (playing || !this.started) return true;
    const a = this.area;
    return Math.hypot(area.centreX - a.centreX, area.centreY - a.centreY) > 0.1 * area.halfSize || Math.abs(area.halfSize - a.halfSize) > 0.1 * area.halfSize;
  }

  /**
   * One frame of the wind at `nowMs` (wall clock): false (nothing new to draw) while the run is
   * paused and the view on the same ground, or while `due` says no frame may be asked for yet (slow
   * frames); else the particles move (or are set on the new ground) and it is true.
   */
  tick(nowMs: number, playing: boolean, wind: Wind, area: WindArea, due: () => boolean = () => true): boolean {
    if (!this.wouldMove(playing, area)) {
      this.hold(nowMs);
      return false;
    }
    if (!due()) return false;
    this.advance(nowMs, playing, wind, area);
    this.steps++;
    return true;
  }

  /** Keeps still at `nowMs` (wall clock): the next step does not make up for the pause. */
  hold(nowMs: number): void {
    this.lastAt = nowMs;
  }

  /** Steps to `nowMs` (wall clock): by the time since the last step while `playing`, else not at all (only reborn where the area moved). */
  advance(nowMs: number, playing: boolean, wind: Wind, area: WindArea): void {
    const dt = playing && Number.isFinite(this.lastAt) ? Math.min(MAX_STEP_S, Math.max(0, nowMs - this.lastAt) / 1000) : 0;
    this.lastAt = nowMs;
    this.started = true;
    this.step(dt, wind, area);
  }

  /** Starts afresh at the next step (the drawing was hidden). */
  reset(): void {
    this.started = false;
    this.lastAt = -Infinity;
  }

  /**
   * Moves every particle `dtS` seconds along `wind` over `area`; those that aged out or left the
   * area are born again anywhere in it (all of them on the first step or when the area jumped).
   */
  step(dtS: number, wind: Wind, area: WindArea): void {
    const jumped = Math.hypot(area.centreX - this.area.centreX, area.centreY - this.area.centreY) > 2 * area.halfSize || Math.abs(area.halfSize - this.area.halfSize) > 0.5 * area.halfSize;
    this.area = { ...area };
    const [ux, uy] = windDirection(wind.windFromDeg);
    const speed = WindParticles.driftSpeed(wind, area);
    const { x, y, age, life, pace } = this;
    for (let i = 0; i < this.count; i++) {
      if (jumped || age[i] >= life[i] || Math.abs(x[i] - area.centreX) > area.halfSize || Math.abs(y[i] - area.centreY) > area.halfSize) {
        x[i] = area.centreX + (2 * this.random() - 1) * area.halfSize;
        y[i] = area.centreY + (2 * this.random() - 1) * area.halfSize;
        life[i] = LIFE_S * (1 + this.random());
        // On a jump, ages are spread so the particles do not all fade in together.
        age[i] = jumped ? this.random() * life[i] : 0;
        continue;
      }
      x[i] += ux * speed * pace[i] * dtS;
      y[i] += uy * speed * pace[i] * dtS;
      age[i] += dtS;
    }
  }
}
