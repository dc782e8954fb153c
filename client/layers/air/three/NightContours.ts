/**
 * Lines on the ground in the night view (groundLines.ts): a release's plume outlined at its contour
 * levels, or another layer's lines; one set of wide line segments (LineSegments2, a few pixels
 * wide) of vertex colours remade when its source's version moves, set on the terrain over the heat
 * map; bright enough to glow under the bloom.
 */
import { Color, Vector2 } from 'three';
import type { Scene } from 'three';
import { LineMaterial } from 'three/examples/jsm/lines/LineMaterial.js';
import { LineSegments2 } from 'three/examples/jsm/lines/LineSegments2.js';
import { LineSegmentsGeometry } from 'three/examples/jsm/lines/LineSegmentsGeometry.js';
import { terrainHeightAt, type TerrainHeights } from '../../../twin/traffic/roads.ts';
import { CONTOUR_LOOK, type GroundLineLook, type GroundLines } from '../groundLines.ts';
/** Over the heat map and the road ribbons. */
const RENDER_ORDER = 2;

export class NightContours {
  private lines: LineSegments2 | null = null;
  private readonly material: LineMaterial;
  private readonly size = new Vector2();
  private terrain: TerrainHeights | null = null;
  private shownVersion = -1;
  private visible = true;
  private dirty = false;
  /** Line segments drawn. */
  segments = 0;

  constructor(
    private readonly scene: Scene,
    private readonly source: GroundLines,
    private readonly look: GroundLineLook = CONTOUR_LOOK,
    private readonly name = 'air-contours',
  ) {
    this.material = new LineMaterial({ vertexColors: true, linewidth: look.widthPx, worldUnits: false, fog: true });
  }

  setTerrain(terrain: TerrainHeights): void {
    this.terrain = terrain;
    this.shownVersion = -1;
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
    if (!terrain || !this.visible || this.source.version === this.shownVersion) return changed;
    this.shownVersion = this.source.version;
    const positions: number[] = [];
    const colors: number[] = [];
    const color = new Color();
    for (const line of this.source.lines()) {
      color.set(line.color);
      const n = line.points.length / 2;
      const at = (k: number): [number, number, number] => {
        const [x, y] = [line.points[2 * k], line.points[2 * k + 1]];
        return [x, terrainHeightAt(terrain, x, y) + this.look.liftM, -y];
      };
      for (let k = 0; k + 1 < n + (line.closed ? 1 : 0); k++) {
        positions.push(...at(k), ...at((k + 1) % n));
        colors.push(color.r, color.g, color.b, color.r, color.g, color.b);
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
    this.lines.name = this.name;
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
