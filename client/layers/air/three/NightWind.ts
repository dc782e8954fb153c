/**
 * The wind in the night view: a few hundred short glowing streaks (one LineSegments, rewritten each
 * frame) drifting with the wind over the ground in view, on DYNAMIC_LAYER like the vehicles: drawn
 * over the cached picture of the still city and, when frames are slow, at most every other frame's
 * time (the view's rule for moving layers). They move while the run plays.
 */
import { BufferAttribute, BufferGeometry, DynamicDrawUsage, LineBasicMaterial, LineSegments, Vector3 } from 'three';
import type { PerspectiveCamera, Scene } from 'three';
import { DYNAMIC_LAYER } from '../../../three/CachedScenePass.ts';
import type { LiveConnection } from '../../../twin/live/LiveConnection.ts';
import { terrainHeightAt, type TerrainHeights } from '../../../twin/traffic/roads.ts';
import type { LiveAir } from '../LiveAir.ts';
import { windAreaSeen, windDirection, WindParticles, type WindArea } from '../windParticles.ts';
import { localOf } from './sceneFrame.ts';

/** Metres above the terrain, as on the globe. */
const WIND_LIFT_M = 30;
/** The streak's head colour (linear RGB): a cool white-blue, bright enough to catch the bloom faintly. */
const HEAD = [0.55, 0.8, 1.0] as const;
/** Over the road ribbons and the vehicles. */
const RENDER_ORDER = 3;

export class NightWind {
  readonly particles = new WindParticles(undefined, 7);
  private readonly lines: LineSegments;
  private readonly positions: Float32Array;
  private readonly colors: Float32Array;
  private terrain: TerrainHeights | null = null;
  private visible = true;
  private readonly forward = new Vector3();

  constructor(
    scene: Scene,
    private readonly air: LiveAir,
    private readonly live: LiveConnection,
  ) {
    const n = this.particles.count;
    this.positions = new Float32Array(n * 2 * 3);
    this.colors = new Float32Array(n * 2 * 4);
    const geometry = new BufferGeometry();
    geometry.setAttribute('position', new BufferAttribute(this.positions, 3).setUsage(DynamicDrawUsage));
    geometry.setAttribute('color', new BufferAttribute(this.colors, 4).setUsage(DynamicDrawUsage));
    this.lines = new LineSegments(geometry, new LineBasicMaterial({ vertexColors: true, transparent: true, depthWrite: false, fog: true }));
    this.lines.name = 'air-wind';
    this.lines.frustumCulled = false;
    this.lines.renderOrder = RENDER_ORDER;
    this.lines.layers.set(DYNAMIC_LAYER);
    this.lines.visible = false;
    scene.add(this.lines);
  }

  setTerrain(terrain: TerrainHeights): void {
    this.terrain = terrain;
  }

  setShown(visible: boolean): void {
    this.visible = visible;
    if (!visible) this.lines.visible = false;
    this.particles.reset();
  }

  get isShown(): boolean {
    return this.lines.visible;
  }

  /** Moves the particles to now; true when they changed (a frame of the moving layer is owed). */
  update(camera: PerspectiveCamera): boolean {
    const weather = this.air.summary?.weather;
    if (!this.visible || !this.terrain || !weather) {
      const was = this.lines.visible;
      this.lines.visible = false;
      return was;
    }
    const now = performance.now();
    const playing = this.live.store.getState().run?.status === 'playing';
    // The view draws moving layers at most every other frame's time when frames are slow: no check here.
    if (!this.particles.tick(now, playing, weather, this.viewArea(this.terrain, camera))) return false;
    this.write(weather);
    this.lines.visible = true;
    return true;
  }

  destroy(): void {
    this.lines.removeFromParent();
    this.lines.geometry.dispose();
    (this.lines.material as LineBasicMaterial).dispose();
  }

  private viewArea(terrain: TerrainHeights, camera: PerspectiveCamera): WindArea {
    camera.getWorldDirection(this.forward);
    return windAreaSeen(terrain, localOf(camera.position), localOf(this.forward));
  }

  private write(weather: { windFromDeg: number; windSpeedMs: number }): void {
    const terrain = this.terrain!;
    const [ux, uy] = windDirection(weather.windFromDeg);
    const { x, y } = this.particles;
    const p = this.positions;
    const c = this.colors;
    for (let i = 0; i < this.particles.count; i++) {
      const length = this.particles.streakLength(i, weather);
      const h = terrainHeightAt(terrain, x[i], y[i]) + WIND_LIFT_M;
      // Head at the particle, tail upwind; x east, y up, z south.
      p.set([x[i], h, -y[i], x[i] - ux * length, h, -(y[i] - uy * length)], 6 * i);
      const a = this.particles.alpha(i);
      c.set([HEAD[0], HEAD[1], HEAD[2], a, HEAD[0], HEAD[1], HEAD[2], 0], 8 * i);
    }
    this.lines.geometry.getAttribute('position').needsUpdate = true;
    this.lines.geometry.getAttribute('color').needsUpdate = true;
  }
}
