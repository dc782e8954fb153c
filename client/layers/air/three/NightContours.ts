/**
 * A release's plume outlined in the night view: the contour lines of each released substance's
 * grid at its levels (plumeContours), one set of wide line segments (LineSegments2, a few pixels
 * wide) of vertex colours remade when a grid arrives, set on the terrain over the heat map; bright
 * enough to glow under the bloom.
 */
import { Color, Vector2 } from 'three';
import type { Scene } from 'three';
import { LineMaterial } from 'three/examples/jsm/lines/LineMaterial.js';
import { LineSegments2 } from 'three/examples/jsm/lines/LineSegments2.js';
import { LineSegmentsGeometry } from 'three/examples/jsm/lines/LineSegmentsGeometry.js';
import { terrainHeightAt, type TerrainHeights } from '../../../twin/traffic/roads.ts';
import { isSubstance } from '../airColors.ts';
import { plumeContours } from '../contours.ts';
import type { LiveAir } from '../LiveAir.ts';

const CONTOUR_LIFT_M = 8;
const WIDTH_PX = 2.5;
/** Over the heat map and the road ribbons. */
const RENDER_ORDER = 2;

export class NightContours {
  private lines: LineSegments2 | null = null;
  private readonly material = new LineMaterial({ vertexColors: true, linewidth: WIDTH_PX, worldUnits: false, fog: true });
  private readonly size = new Vector2();
  private terrain: TerrainHeights | null = null;
  private shownGridVersion = -1;
  private visible = true;
  private dirty = false;
  /** Line segments drawn. */
  segments = 0;

  constructor(
    private readonly scene: Scene,
    private readonly air: LiveAir,
  ) {}

  setTerrain(terrain: TerrainHeights): void {
    this.terrain = terrain;
    this.shownGridVersion = -1;
  }

  setShown(visible: boolean): void {
    this.visible = visible;
    if (this.lines) this.lines.visible = visible;
    this.dirty = true;
  }

  /** Remakes the lines when a grid arrived; true when the still picture must be drawn again. */
  update(): boolean {
    let changed = this.dirty;
    this.dirty = false;
    const terrain = this.terrain;
    if (!terrain || !this.visible || this.air.gridVersion === this.shownGridVersion) return changed;
    this.shownGridVersion = this.air.gridVersion;
    const positions: number[] = [];
    const colors: number[] = [];
    const color = new Color();
    for (const [layer, grid] of this.air.grids) {
      if (!isSubstance(layer)) continue;
      for (const contour of plumeContours(grid)) {
        color.set(contour.color);
        for (const line of contour.lines) {
          const n = line.points.length / 2;
          const at = (k: number): [number, number, number] => {
            const [x, y] = [line.points[2 * k], line.points[2 * k + 1]];
            return [x, terrainHeightAt(terrain, x, y) + CONTOUR_LIFT_M, -y];
          };
          for (let k = 0; k + 1 < n + (line.closed ? 1 : 0); k++) {
            positions.push(...at(k), ...at((k + 1) % n));
            colors.push(color.r, color.g, color.b, color.r, color.g, color.b);
          }
        }
      }
    }
    if (this.lines) {
      this.lines.removeFromParent();
      this.lines.geometry.dispose();
      this.lines = null;
      changed = true;
    }
    this.segments = positions.length / 6;
    if (this.segments === 0) return changed;
    const geometry = new LineSegmentsGeometry();
    geometry.setPositions(positions);
    geometry.setColors(colors);
    this.lines = new LineSegments2(geometry, this.material);
    this.lines.name = 'air-contours';
    this.lines.renderOrder = RENDER_ORDER;
    // The width in pixels needs the view's size, known where it is drawn.
    this.lines.onBeforeRender = (renderer) => {
      renderer.getSize(this.size);
      this.material.resolution.copy(this.size);
    };
    this.scene.add(this.lines);
    return true;
  }

  destroy(): void {
    this.lines?.removeFromParent();
    this.lines?.geometry.dispose();
    this.material.dispose();
  }
}
