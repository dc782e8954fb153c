/**
 * A release's plume outlined on the globe: the contour lines of each released substance's grid at
 * its levels (plumeContours), one PolylineCollection remade when a grid arrives, the lines set on
 * the terrain over the heat map.
 */
import { Color, Material, PolylineCollection } from 'cesium';
import type { Scene } from 'cesium';
import { terrainHeightAt, type TerrainHeights } from '../../../twin/traffic/roads.ts';
import { isSubstance } from '../airColors.ts';
import { plumeContours } from '../contours.ts';
import type { LiveAir } from '../LiveAir.ts';
import type { EnuFrame } from './EnuFrame.ts';

/** Metres above the terrain: over the heat map. */
const CONTOUR_LIFT_M = 8;
const WIDTH_PX = 2.5;

export class GlobeContours {
  readonly collection = new PolylineCollection();
  private terrain: TerrainHeights | null = null;
  private shownGridVersion = -1;
  private readonly cleanups: (() => void)[] = [];

  constructor(
    private readonly scene: Scene,
    private readonly frame: EnuFrame,
    private readonly air: LiveAir,
  ) {
    scene.primitives.add(this.collection);
    this.cleanups.push(scene.preUpdate.addEventListener(() => this.beforeRender()));
  }

  setTerrain(terrain: TerrainHeights): void {
    this.terrain = terrain;
    this.shownGridVersion = -1;
    this.scene.requestRender();
  }

  setShown(visible: boolean): void {
    this.collection.show = visible;
    this.scene.requestRender();
  }

  /** Polylines drawn (0 while hidden). */
  get count(): number {
    return this.collection.show ? this.collection.length : 0;
  }

  destroy(): void {
    for (const c of this.cleanups) c();
    if (!this.scene.isDestroyed()) this.scene.primitives.remove(this.collection);
  }

  private beforeRender(): void {
    const terrain = this.terrain;
    if (!terrain || !this.collection.show || this.air.gridVersion === this.shownGridVersion) return;
    this.shownGridVersion = this.air.gridVersion;
    this.collection.removeAll();
    for (const [layer, grid] of this.air.grids) {
      if (!isSubstance(layer)) continue;
      for (const contour of plumeContours(grid)) {
        const color = Color.fromCssColorString(contour.color);
        for (const line of contour.lines) {
          const positions = [];
          for (let i = 0; i < line.points.length; i += 2) {
            const [x, y] = [line.points[i], line.points[i + 1]];
            positions.push(this.frame.toEcef(x, y, terrainHeightAt(terrain, x, y) + CONTOUR_LIFT_M));
          }
          // A material each: a polyline destroys its own when it is removed.
          if (positions.length >= 2) this.collection.add({ positions, width: WIDTH_PX, loop: line.closed, material: Material.fromType('Color', { color }) });
        }
      }
    }
  }
}
