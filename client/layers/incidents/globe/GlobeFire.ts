/**
 * Fires on the globe: flames along the façade at each burning floor (billboards sized in metres,
 * depth-tested, so a nearer building hides them) flickering, and smoke rising from the roof. They
 * move on the wall clock a few times a second while the camera sees them and, when frames are
 * slow, ask for a frame no more often than the vehicles may (FrameCost.allowsObjectFrame); with no
 * fire in view they cost nothing.
 */
import { BillboardCollection, BoundingSphere, Cartesian3, Color, Intersect, VerticalOrigin } from 'cesium';
import type { Billboard, Scene } from 'cesium';
import type { FrameCost } from '../../../twin/frameCost.ts';
import type { EnuFrame } from '../../air/globe/EnuFrame.ts';
import type { BurningBuildings } from '../burningBuildings.ts';
import { firesBounds, flicker, PUFFS, puffsOf, type Fires } from '../fire.ts';
import { flameImage, puffImage } from '../fireImages.ts';

/** The flames move at most this often (ms): a flicker, not a film. */
const STEP_MS = 120;

export class GlobeFire {
  readonly flames = new BillboardCollection();
  readonly smoke = new BillboardCollection();
  private fires: Fires = { flames: [], plumes: [] };
  private bounds: BoundingSphere | null = null;
  private frameId = 0;
  private requestedAt = -Infinity;
  private readonly cleanups: (() => void)[] = [];
  private readonly color = new Color(1, 1, 1, 1);

  constructor(
    private readonly scene: Scene,
    private readonly frame: EnuFrame,
    private readonly buildings: BurningBuildings,
    private readonly frameCost: () => FrameCost | null,
  ) {
    scene.primitives.add(this.smoke);
    scene.primitives.add(this.flames);
    this.cleanups.push(scene.preUpdate.addEventListener(() => this.rebuild()));
    this.frameId = requestAnimationFrame(this.tick);
  }

  setTerrain(): void {}

  setShown(visible: boolean): void {
    this.flames.show = visible;
    this.smoke.show = visible;
    this.scene.requestRender();
  }

  /** Flames and puffs drawn (0 while hidden). */
  counts(): { flames: number; puffs: number } {
    return this.flames.show ? { flames: this.fires.flames.length, puffs: this.fires.plumes.length * PUFFS } : { flames: 0, puffs: 0 };
  }

  destroy(): void {
    cancelAnimationFrame(this.frameId);
    for (const c of this.cleanups) c();
    if (this.scene.isDestroyed()) return;
    this.scene.primitives.remove(this.flames);
    this.scene.primitives.remove(this.smoke);
  }

  /** Makes the billboards again when what burns changed. */
  private rebuild(): void {
    const fires = this.buildings.burning();
    if (fires === this.fires || !this.flames.show) return;
    this.fires = fires;
    const b = firesBounds(fires);
    this.bounds = b && new BoundingSphere(this.frame.toEcef(b.x, b.y, b.z), b.radiusM);
    this.flames.removeAll();
    this.smoke.removeAll();
    for (const f of fires.flames) {
      const b = this.flames.add({ position: this.frame.toEcef(f.x, f.y, f.z), width: f.heightM, height: f.heightM, sizeInMeters: true, verticalOrigin: VerticalOrigin.BOTTOM });
      b.setImage('incident-flame', flameImage());
    }
    for (let i = 0; i < fires.plumes.length * PUFFS; i++) this.smoke.add({ position: Cartesian3.ZERO, sizeInMeters: true }).setImage('incident-puff', puffImage());
    this.move(performance.now());
  }

  private readonly tick = (): void => {
    this.frameId = requestAnimationFrame(this.tick);
    if (!this.bounds || !this.flames.show || this.scene.isDestroyed() || !this.inView(this.bounds)) return;
    const now = performance.now();
    if (now - this.requestedAt < STEP_MS || !(this.frameCost()?.allowsObjectFrame(now, this.requestedAt) ?? true)) return;
    this.move(now);
    this.requestedAt = now;
    this.scene.requestRender();
  };

  private inView(bounds: BoundingSphere): boolean {
    const camera = this.scene.camera;
    return camera.frustum.computeCullingVolume(camera.positionWC, camera.directionWC, camera.upWC).computeVisibility(bounds) !== Intersect.OUTSIDE;
  }

  /** Sets each flame's height and each puff's place, size and opacity for `now`. */
  private move(now: number): void {
    const flames = this.fires.flames;
    for (let i = 0; i < this.flames.length && i < flames.length; i++) this.flames.get(i).scale = flicker(now, flames[i].phase);
    const puffs = puffsOf(this.fires, now);
    for (let i = 0; i < this.smoke.length && i < puffs.length; i++) {
      const b: Billboard = this.smoke.get(i);
      const p = puffs[i];
      b.position = this.frame.toEcef(p.x, p.y, p.z);
      b.width = b.height = p.sizeM;
      this.color.alpha = p.alpha;
      b.color = this.color;
    }
  }
}
