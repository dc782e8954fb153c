/**
 * Fires in the night view: flames along the façade at each burning floor, bright enough to bloom
 * and flickering every frame, in a glow of their light (added to what is behind, so a fire reads on
 * lit walls as on dark ones), and smoke rising from the roof, lit by the city; all NightPoints on
 * DYNAMIC_LAYER, so a resting camera redraws only them, and only while it sees them.
 */
import { Frustum, Matrix4, Sphere, Vector3 } from 'three';
import type { PerspectiveCamera, Scene } from 'three';
import type { Redraw } from '../../../three/ThreeLayer.ts';
import type { BurningBuildings } from '../burningBuildings.ts';
import { sceneOf } from '../../air/three/sceneFrame.ts';
import { firesBounds, flicker, puffsOf, type Fires } from '../fire.ts';
import { flameImage, glowImage, puffImage } from '../fireImages.ts';
import { NightPoints } from './NightPoints.ts';

export class NightFire {
  private readonly flames: NightPoints;
  private readonly glow: NightPoints;
  private readonly smoke: NightPoints;
  private fires: Fires = { flames: [], plumes: [] };
  private visible = true;
  private bounds: Sphere | null = null;
  private readonly frustum = new Frustum();
  private readonly viewProjection = new Matrix4();

  constructor(
    scene: Scene,
    private readonly buildings: BurningBuildings,
  ) {
    this.smoke = new NightPoints(scene, { name: 'incident-smoke', image: puffImage(), tint: [2.4, 2.2, 2.1], additive: false, renderOrder: 3 });
    this.glow = new NightPoints(scene, { name: 'incident-glow', image: glowImage(), tint: [1.6, 1.2, 1], additive: true, renderOrder: 4 });
    this.flames = new NightPoints(scene, { name: 'incident-flames', image: flameImage(), tint: [2.2, 1.3, 0.7], additive: false, renderOrder: 5 });
  }

  setTerrain(): void {}

  setShown(visible: boolean): void {
    this.visible = visible;
    for (const points of [this.flames, this.glow, this.smoke]) points.setVisible(visible);
  }

  /** Flames and puffs drawn. */
  counts(): { flames: number; puffs: number } {
    return { flames: this.flames.count, puffs: this.smoke.count };
  }

  /** Moves the flames and the smoke; 'moving' while anything burns in the view of `camera`. */
  update(camera: PerspectiveCamera): Redraw {
    if (!this.visible) return 'none';
    const fires = this.buildings.burning();
    const changed = fires.flames.length !== this.fires.flames.length;
    if (fires !== this.fires) {
      const b = firesBounds(fires);
      this.bounds = b && new Sphere(sceneOf(b.x, b.y, b.z, new Vector3()), b.radiusM);
    }
    this.fires = fires;
    const { flames } = this.fires;
    if (flames.length === 0) {
      for (const points of [this.flames, this.glow, this.smoke]) points.resize(0);
      return changed ? 'moving' : 'none';
    }
    this.frustum.setFromProjectionMatrix(this.viewProjection.multiplyMatrices(camera.projectionMatrix, camera.matrixWorldInverse));
    if (!changed && this.bounds && !this.frustum.intersectsSphere(this.bounds)) return 'none';
    const now = performance.now();
    this.flames.resize(flames.length);
    this.glow.resize(flames.length);
    flames.forEach((f, i) => {
      const k = flicker(now, f.phase);
      const size = f.heightM * k;
      this.flames.set(i, f.x, f.y, f.z + size / 2, size, 1);
      this.glow.set(i, f.x, f.y, f.z + f.heightM * 0.35, f.heightM * 2.2, 0.35 + 0.4 * (k - 0.55));
    });
    this.flames.commit();
    this.glow.commit();
    const puffs = puffsOf(this.fires, now);
    this.smoke.resize(puffs.length);
    puffs.forEach((p, i) => this.smoke.set(i, p.x, p.y, p.z, p.sizeM, p.alpha));
    this.smoke.commit();
    return 'moving';
  }

  destroy(): void {
    for (const points of [this.flames, this.glow, this.smoke]) points.destroy();
  }
}
