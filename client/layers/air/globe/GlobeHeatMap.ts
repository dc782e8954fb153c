/**
 * The air heat map on the globe: the city's ground is a 3D Tiles tileset (no Cesium terrain an
 * imagery layer could drape on), so the map is a mesh of its own that follows the terrain heights
 * a few metres up (groundMesh), textured from a canvas holding the colour grid and translucent, so
 * the city shows through. A new grid (or another choice in the legend) repaints the canvas; the
 * mesh is made once per grid extent. Other layers drape their own grids so (a painter of their own).
 */
import {
  BoundingSphere,
  Color,
  ComponentDatatype,
  Geometry,
  GeometryAttribute,
  GeometryInstance,
  Material,
  MaterialAppearance,
  Primitive,
  PrimitiveType,
} from 'cesium';
import type { GeometryAttributes, Scene } from 'cesium';
import type { DecodedScalarGrid } from '../../../../server/protocol/ScalarGridCodec.ts';
import type { TerrainHeights } from '../../../twin/traffic/roads.ts';
import { gridArea, groundMesh } from '../groundMesh.ts';
import { HeatMapSource, type GroundGrid, type GroundPainter, type HeatMapChoice, type HeatMapGrids, type HeatMapState, type Subscribable } from '../HeatMapSource.ts';
import type { EnuFrame } from './EnuFrame.ts';

/** Metres above the terrain: over the ground tiles (built from the same heights) and their road surfaces. */
export const HEAT_LIFT_M = 4;

function canvas(): HTMLCanvasElement {
  return document.createElement('canvas');
}

export class GlobeHeatMap<G extends GroundGrid = DecodedScalarGrid> {
  private primitive: Primitive | null = null;
  private readonly material: Material;
  /** Two canvases, used in turn: the material makes a new texture only for another image. */
  private readonly canvases = [canvas(), canvas()];
  private which = 0;
  private vertices = 0;
  private readonly source: HeatMapSource<G>;
  private visible = true;
  private terrain: TerrainHeights | null = null;
  /** Frames still to ask for: a new canvas becomes the texture one frame after the material sees it. */
  private owedFrames = 0;
  private readonly cleanups: (() => void)[] = [];

  constructor(
    private readonly scene: Scene,
    private readonly frame: EnuFrame,
    grids: HeatMapGrids<G> & Subscribable,
    display: HeatMapChoice & Subscribable,
    private readonly paint: GroundPainter<G>,
    private readonly liftM = HEAT_LIFT_M,
  ) {
    this.source = new HeatMapSource(grids, display);
    this.material = Material.fromType('Image', { image: this.canvases[0], color: new Color(1, 1, 1, 1) });
    const ask = () => {
      if (this.visible && !scene.isDestroyed()) scene.requestRender();
    };
    this.cleanups.push(grids.subscribe(ask), display.subscribe(ask));
    this.cleanups.push(scene.preUpdate.addEventListener(() => this.beforeRender()));
    this.cleanups.push(
      scene.postRender.addEventListener(() => {
        if (this.owedFrames <= 0) return;
        this.owedFrames--;
        scene.requestRender();
      }),
    );
  }

  /** Sets the mesh on the terrain from now on (until then there is no mesh). */
  setTerrain(terrain: TerrainHeights): void {
    this.terrain = terrain;
    this.scene.requestRender();
  }

  setShown(visible: boolean): void {
    this.visible = visible;
    if (this.primitive) this.primitive.show = visible && this.source.hasPicture;
    this.scene.requestRender();
  }

  state(): HeatMapState {
    return this.source.state(this.primitive?.show ?? false, this.vertices);
  }

  destroy(): void {
    for (const c of this.cleanups) c();
    if (this.primitive && !this.scene.isDestroyed()) this.scene.primitives.remove(this.primitive);
    this.primitive = null;
  }

  private beforeRender(): void {
    if (!this.visible || !this.terrain) return;
    const next = this.source.next();
    if (!next) {
      if (this.primitive?.show) this.primitive.show = false;
      return;
    }
    const { grid, remesh, repaint } = next;
    if (remesh) this.build(grid);
    if (!repaint) return;
    this.which = 1 - this.which;
    const target = this.canvases[this.which];
    target.width = grid.cols;
    target.height = grid.rows;
    const g = target.getContext('2d');
    if (!g) throw new Error('GlobeHeatMap: no 2D canvas context');
    const image = g.createImageData(grid.cols, grid.rows);
    this.paint(grid, image.data, true);
    g.putImageData(image, 0, 0);
    this.material.uniforms.image = target;
    if (this.primitive) this.primitive.show = true;
    this.owedFrames = 2;
  }

  private build(grid: G): void {
    if (!this.terrain) return;
    if (this.primitive) this.scene.primitives.remove(this.primitive);
    const mesh = groundMesh(this.terrain, gridArea(grid), this.liftM);
    const n = mesh.vertexCount;
    const positions = new Float64Array(3 * n);
    const normals = new Float32Array(3 * n);
    const up = this.frame.directionToEcef(0, 0, 1);
    const p = mesh.positions;
    for (let i = 0; i < n; i++) {
      const e = this.frame.toEcef(p[3 * i], p[3 * i + 1], p[3 * i + 2]);
      positions[3 * i] = e.x;
      positions[3 * i + 1] = e.y;
      positions[3 * i + 2] = e.z;
      normals[3 * i] = up.x;
      normals[3 * i + 1] = up.y;
      normals[3 * i + 2] = up.z;
    }
    const geometry = new Geometry({
      attributes: {
        position: new GeometryAttribute({ componentDatatype: ComponentDatatype.DOUBLE, componentsPerAttribute: 3, values: positions }),
        normal: new GeometryAttribute({ componentDatatype: ComponentDatatype.FLOAT, componentsPerAttribute: 3, values: normals }),
        st: new GeometryAttribute({ componentDatatype: ComponentDatatype.FLOAT, componentsPerAttribute: 2, values: mesh.uvs }),
      } as unknown as GeometryAttributes,
      indices: mesh.indices,
      primitiveType: PrimitiveType.TRIANGLES,
      boundingSphere: BoundingSphere.fromVertices(positions as unknown as number[]),
    });
    this.primitive = new Primitive({
      geometryInstances: new GeometryInstance({ geometry }),
      appearance: new MaterialAppearance({
        material: this.material,
        materialSupport: MaterialAppearance.MaterialSupport.TEXTURED,
        flat: true,
        translucent: true,
        closed: false,
        faceForward: false,
      }),
      // A custom geometry is made on the main thread (Cesium's workers take only their own kinds); ~40,000 vertices.
      asynchronous: false,
      allowPicking: false,
      compressVertices: false,
      show: false,
    });
    this.scene.primitives.add(this.primitive);
    this.vertices = n;
  }
}
