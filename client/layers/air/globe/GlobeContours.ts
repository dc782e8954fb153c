/**
 * Lines on the ground on the globe (groundLines.ts): a release's plume outlined at its contour
 * levels, or another layer's lines; one PolylineCollection remade when its source's version moves,
 * the lines set on the terrain over the heat map.
 */
import { Color, Material, PolylineCollection } from 'cesium';
import type { Scene } from 'cesium';
import { terrainHeightAt, type TerrainHeights } from '../../../twin/traffic/roads.ts';
import { CONTOUR_LOOK, type GroundLineLook, type GroundLines } from '../groundLines.ts';
import type { EnuFrame } from './EnuFrame.ts';

export class GlobeContours {
  readonly collection = new PolylineCollection();
  private terrain: TerrainHeights | null = null;
  private shownVersion = -1;
  private readonly cleanups: (() => void)[] = [];

  constructor(
    private readonly scene: Scene,
    private readonly frame: EnuFrame,
    private readonly source: GroundLines,
    private readonly look: GroundLineLook = CONTOUR_LOOK,
  ) {
    scene.primitives.add(this.collection);
    this.cleanups.push(scene.preUpdate.addEventListener(() => this.beforeRender()));
  }

  setTerrain(terrain: TerrainHeights): void {
    this.terrain = terrain;
    this.shownVersion = -1;
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
    if (!terrain || !this.collection.show || this.source.version === this.shownVersion) return;
    this.shownVersion = this.source.version;
    this.collection.removeAll();
    for (const line of this.source.lines()) {
      const positions = [];
      for (let i = 0; i < line.points.length; i += 2) {
        const [x, y] = [line.points[i], line.points[i + 1]];
        positions.push(this.frame.toEcef(x, y, terrainHeightAt(terrain, x, y) + this.look.liftM));
      }
      // A material each: a polyline destroys its own when it is removed.
      if (positions.length >= 2) this.collection.add({ positions, width: this.look.widthPx, loop: line.closed, material: Material.fromType('Color', { color: Color.fromCssColorString(line.color) }) });
    }
  }
}
