/**
 * The wind on the globe: a few hundred streak billboards (one BillboardCollection, a billboard per
 * particle reused frame after frame) drifting with the wind over the ground in view, turned along
 * it. They move while the run plays (the wind holds still with the sim clock) and, when frames are
 * slow, ask for a frame no more often than the vehicles may (FrameCost.allowsObjectFrame).
 */
import { BillboardCollection, Cartesian2, Cartesian3, Color, NearFarScalar, VerticalOrigin } from 'cesium';
import type { Billboard, Viewer } from 'cesium';
import type { FrameCost } from '../../../twin/frameCost.ts';
import type { LiveConnection } from '../../../twin/live/LiveConnection.ts';
import { terrainHeightAt, type TerrainHeights } from '../../../twin/traffic/roads.ts';
import type { LiveAir } from '../LiveAir.ts';
import { windAreaSeen, windDirection, WindParticles, type WindArea } from '../windParticles.ts';
import type { EnuFrame } from './EnuFrame.ts';
import { STREAK_HEIGHT, STREAK_ID, STREAK_WIDTH, windStreak } from './windStreak.ts';

/** Metres above the terrain the particles drift at: over low roofs, behind towers. */
export const WIND_LIFT_M = 30;

export class GlobeWind {
  readonly collection = new BillboardCollection();
  readonly particles = new WindParticles(undefined, 7);
  private readonly slots: Billboard[] = [];
  private terrain: TerrainHeights | null = null;
  private visible = true;
  private frameId = 0;
  private requestedAt = -Infinity;
  private axisOf = Number.NaN;
  private readonly position = new Cartesian3();
  private readonly axis = new Cartesian3();
  private readonly color = new Color(1, 1, 1, 1);

  constructor(
    private readonly viewer: Viewer,
    private readonly frame: EnuFrame,
    private readonly air: LiveAir,
    private readonly live: LiveConnection,
    private readonly frameCost: () => FrameCost | null,
  ) {
    viewer.scene.primitives.add(this.collection);
    this.collection.show = false;
    const image = windStreak();
    const scaleByDistance = new NearFarScalar(500, 1.2, 15000, 0.7);
    for (let i = 0; i < this.particles.count; i++) {
      const b = this.collection.add({ position: Cartesian3.ZERO, width: STREAK_WIDTH, height: STREAK_HEIGHT, verticalOrigin: VerticalOrigin.TOP, scaleByDistance, pixelOffset: Cartesian2.ZERO });
      b.setImage(STREAK_ID, image);
      this.slots.push(b);
    }
    this.frameId = requestAnimationFrame(this.tick);
  }

  setTerrain(terrain: TerrainHeights): void {
    this.terrain = terrain;
  }

  setShown(visible: boolean): void {
    this.visible = visible;
    if (!visible) this.collection.show = false;
    this.particles.reset();
    if (!this.viewer.isDestroyed()) this.viewer.scene.requestRender();
  }

  get isShown(): boolean {
    return this.collection.show;
  }

  destroy(): void {
    cancelAnimationFrame(this.frameId);
    if (!this.viewer.isDestroyed()) this.viewer.scene.primitives.remove(this.collection);
  }

  private readonly tick = (): void => {
    this.frameId = requestAnimationFrame(this.tick);
    const viewer = this.viewer;
    const weather = this.air.summary?.weather;
    if (viewer.isDestroyed() || !this.visible || !this.terrain || !weather) {
      if (this.collection.show && !weather && !viewer.isDestroyed()) {
        this.collection.show = false;
        viewer.scene.requestRender();
      }
      return;
    }
    const now = performance.now();
    const playing = this.live.store.getState().run?.status === 'playing';
    const area = this.viewArea(this.terrain);
    // When frames are slow, no more often than the vehicles may ask for one.
    if (!this.particles.tick(now, playing, weather, area, () => this.frameCost()?.allowsObjectFrame(now, this.requestedAt) ?? true)) return;
    this.draw(weather.windFromDeg);
    this.collection.show = true;
    viewer.scene.requestRender();
    this.requestedAt = now;
  };

  /** The square of ground around where the camera looks, sized by how far away that is. */
  private viewArea(terrain: TerrainHeights): WindArea {
    const camera = this.viewer.camera;
    return windAreaSeen(terrain, this.frame.fromEcef(camera.positionWC), this.frame.directionFromEcef(camera.directionWC));
  }

  private draw(windFromDeg: number): void {
    const terrain = this.terrain;
    if (!terrain) return;
    if (windFromDeg !== this.axisOf) {
      this.axisOf = windFromDeg;
      const [ux, uy] = windDirection(windFromDeg);
      this.frame.directionToEcef(ux, uy, 0, this.axis);
      Cartesian3.normalize(this.axis, this.axis);
      for (const b of this.slots) b.alignedAxis = this.axis;
    }
    const { x, y } = this.particles;
    for (let i = 0; i < this.slots.length; i++) {
      const b = this.slots[i];
      b.position = this.frame.toEcef(x[i], y[i], terrainHeightAt(terrain, x[i], y[i]) + WIND_LIFT_M, this.position);
      this.color.alpha = 0.85 * this.particles.alpha(i);
      b.color = this.color;
    }
  }
}
