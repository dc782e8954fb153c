/**
 * The air heat map in the night view: a mesh that follows the terrain heights a few metres up
 * (groundMesh, as the globe's), textured from the colour grid (a DataTexture refilled when a grid
 * arrives), alpha-blended over the still city after its opaque buildings and ground and before the
 * road ribbons, dimmed so it reads at night without blooming into a haze. Other layers drape their
 * own grids so, with a painter and a look of their own.
 */
import { BufferAttribute, BufferGeometry, CustomBlending, DataTexture, DoubleSide, LinearFilter, Mesh, OneMinusSrcAlphaFactor, RGBAFormat, SRGBColorSpace, ShaderMaterial, SrcAlphaFactor, UniformsLib, UniformsUtils, UnsignedByteType } from 'three';
import type { Scene } from 'three';
import type { DecodedScalarGrid } from '../../../../server/protocol/ScalarGridCodec.ts';
import type { TerrainHeights } from '../../../twin/traffic/roads.ts';
import { gridArea, groundMesh } from '../groundMesh.ts';
import { HeatMapSource, type GroundGrid, type GroundPainter, type HeatMapChoice, type HeatMapGrids, type HeatMapState } from '../HeatMapSource.ts';

/** How a ground picture looks at night: its mesh's name, its lift above the terrain, and its colours' brightness and opacity. */
export interface NightGroundLook {
  name: string;
  liftM: number;
  brightness: number;
  opacity: number;
}
/** Drawn after the opaque city (0) and before the road ribbons (1): the roads stay crisp over the map. */
export const HEAT_RENDER_ORDER = 0.5;
/** Depth pulled towards the camera as a fraction of the distance: the lift is under the depth buffer's resolution from afar. */
const DEPTH_PULL = 0.001;
/**
 * Colour and opacity at night: a tint of the dark ground (about a tenth of full brightness), far
 * under the bloom's threshold, so the map colours the city rather than lighting it up as day.
 */
const AIR_LOOK: NightGroundLook = { name: 'air-heat-map', liftM: 4, brightness: 0.22, opacity: 0.8 };

const vertexShader = /* glsl */ `
#include <common>
#include <fog_pars_vertex>
uniform float depthPull;
varying vec2 vUv;
void main() {
  vUv = uv;
  vec4 mvPosition = modelViewMatrix * vec4(position, 1.0);
  mvPosition.xyz *= 1.0 - depthPull;
  gl_Position = projectionMatrix * mvPosition;
  #include <fog_vertex>
}
`;

const fragmentShader = /* glsl */ `
#include <common>
#include <fog_pars_fragment>
uniform sampler2D map;
uniform float brightness;
uniform float opacity;
varying vec2 vUv;
void main() {
  vec4 texel = texture2D(map, vUv);
  gl_FragColor = vec4(texel.rgb * brightness, texel.a * opacity);
  #include <tonemapping_fragment>
  #include <colorspace_fragment>
  #include <fog_fragment>
}
`;

/** What the night view's heat map shows, for the test hooks: whether its mesh is in the scene too. */
export interface NightHeatMapState extends HeatMapState {
  inScene: boolean;
}

export class NightHeatMap<G extends GroundGrid = DecodedScalarGrid> {
  private mesh: Mesh | null = null;
  private texture: DataTexture | null = null;
  private readonly uniforms = UniformsUtils.merge([UniformsLib.fog, { map: { value: null }, brightness: { value: 1 }, opacity: { value: 1 }, depthPull: { value: DEPTH_PULL } }]);
  private readonly material = new ShaderMaterial({
    uniforms: this.uniforms,
    vertexShader,
    fragmentShader,
    fog: true,
    side: DoubleSide,
    // In the opaque list (ordered by renderOrder), blended all the same.
    transparent: false,
    blending: CustomBlending,
    blendSrc: SrcAlphaFactor,
    blendDst: OneMinusSrcAlphaFactor,
    depthWrite: false,
  });
  private vertices = 0;
  private readonly source: HeatMapSource<G>;
  private visible = true;
  private terrain: TerrainHeights | null = null;
  /** A change update() has yet to report (shown, hidden). */
  private dirty = false;

  constructor(
    private readonly scene: Scene,
    grids: HeatMapGrids<G>,
    display: HeatMapChoice,
    private readonly paint: GroundPainter<G>,
    private readonly look: NightGroundLook = AIR_LOOK,
  ) {
    this.source = new HeatMapSource(grids, display);
    this.uniforms.brightness.value = look.brightness;
    this.uniforms.opacity.value = look.opacity;
  }

  setTerrain(terrain: TerrainHeights): void {
    this.terrain = terrain;
  }

  setShown(visible: boolean): void {
    this.visible = visible;
    if (this.mesh) this.mesh.visible = visible && this.source.hasPicture;
    this.dirty = true;
  }

  /** Repaints the texture when the grid or the choice changed; true when the still picture must be drawn again. */
  update(): boolean {
    let changed = this.dirty;
    this.dirty = false;
    if (!this.visible || !this.terrain) return changed;
    const next = this.source.next();
    if (!next) {
      if (this.mesh?.visible) {
        this.mesh.visible = false;
        changed = true;
      }
      return changed;
    }
    const { grid, remesh, repaint } = next;
    if (remesh) this.build(grid);
    if (!repaint) return changed;
    const texture = this.texture!;
    this.paint(grid, new Uint8ClampedArray(texture.image.data!.buffer), false);
    texture.needsUpdate = true;
    this.mesh!.visible = true;
    return true;
  }

  state(): NightHeatMapState {
    return { ...this.source.state(this.mesh?.visible ?? false, this.vertices), inScene: this.mesh?.parent === this.scene };
  }

  destroy(): void {
    this.removeMesh();
    this.material.dispose();
  }

  private removeMesh(): void {
    if (!this.mesh) return;
    this.mesh.removeFromParent();
    this.mesh.geometry.dispose();
    this.texture?.dispose();
    this.mesh = null;
    this.texture = null;
  }

  private build(grid: G): void {
    this.removeMesh();
    const mesh = groundMesh(this.terrain!, gridArea(grid), this.look.liftM);
    const n = mesh.vertexCount;
    const position = new Float32Array(3 * n);
    for (let i = 0; i < n; i++) {
      position[3 * i] = mesh.positions[3 * i];
      position[3 * i + 1] = mesh.positions[3 * i + 2];
      position[3 * i + 2] = -mesh.positions[3 * i + 1];
    }
    const geometry = new BufferGeometry();
    geometry.setAttribute('position', new BufferAttribute(position, 3));
    geometry.setAttribute('uv', new BufferAttribute(mesh.uvs, 2));
    geometry.setIndex(new BufferAttribute(mesh.indices, 1));
    geometry.computeBoundingSphere();
    // Row 0 of the colour grid is the southmost, at v = 0 (no flip).
    const texture = new DataTexture(new Uint8Array(4 * grid.cols * grid.rows), grid.cols, grid.rows, RGBAFormat, UnsignedByteType);
    texture.colorSpace = SRGBColorSpace;
    texture.minFilter = LinearFilter;
    texture.magFilter = LinearFilter;
    texture.generateMipmaps = false;
    this.texture = texture;
    this.uniforms.map.value = texture;
    this.mesh = new Mesh(geometry, this.material);
    this.mesh.name = this.look.name;
    this.mesh.renderOrder = HEAT_RENDER_ORDER;
    this.mesh.visible = false;
    this.scene.add(this.mesh);
    this.vertices = n;
  }
}
