/**
 * Many textured squares facing the camera, sized in metres, each with its own opacity, in one draw
 * (Points with a small shader): the night view's flames and smoke. On DYNAMIC_LAYER (they move
 * every frame, drawn over the cached still city and hidden by what is in front of them).
 */
import { AdditiveBlending, BufferAttribute, BufferGeometry, CanvasTexture, Color, DynamicDrawUsage, NormalBlending, Points, SRGBColorSpace, ShaderMaterial, Vector2 } from 'three';
import type { Blending, Scene } from 'three';
import { DYNAMIC_LAYER } from '../../../three/CachedScenePass.ts';

const vertexShader = /* glsl */ `
attribute float size;
attribute float alpha;
uniform float pixelsPerMetre;
varying float vAlpha;
void main() {
  vAlpha = alpha;
  vec4 mvPosition = modelViewMatrix * vec4(position, 1.0);
  gl_PointSize = size * pixelsPerMetre / max(-mvPosition.z, 1.0);
  gl_Position = projectionMatrix * mvPosition;
}
`;

const fragmentShader = /* glsl */ `
uniform sampler2D map;
uniform vec3 tint;
varying float vAlpha;
void main() {
  vec4 texel = texture2D(map, vec2(gl_PointCoord.x, 1.0 - gl_PointCoord.y));
  gl_FragColor = vec4(texel.rgb * tint, texel.a * vAlpha);
}
`;

export interface NightPointsLook {
  name: string;
  image: HTMLCanvasElement;
  /** Multiplies the image's colours (over 1 to glow under the bloom). */
  tint: [number, number, number];
  additive: boolean;
  renderOrder: number;
}

export class NightPoints {
  private points: Points | null = null;
  private readonly material: ShaderMaterial;
  private readonly texture: CanvasTexture;
  private positions = new Float32Array(0);
  private sizes = new Float32Array(0);
  private alphas = new Float32Array(0);
  private readonly size = new Vector2();
  private visible = true;

  constructor(
    private readonly scene: Scene,
    private readonly look: NightPointsLook,
  ) {
    this.texture = new CanvasTexture(look.image);
    this.texture.colorSpace = SRGBColorSpace;
    const blending: Blending = look.additive ? AdditiveBlending : NormalBlending;
    this.material = new ShaderMaterial({
      uniforms: { map: { value: this.texture }, tint: { value: new Color(...look.tint) }, pixelsPerMetre: { value: 1 } },
      vertexShader,
      fragmentShader,
      transparent: true,
      depthWrite: false,
      blending,
      toneMapped: false,
    });
  }

  /** How many squares there are. */
  get count(): number {
    return this.points?.visible ? this.sizes.length : 0;
  }

  /** Makes room for `n` squares (their attributes set by `set`, then `commit`). */
  resize(n: number): void {
    if (n === this.sizes.length && this.points) return;
    this.remove();
    this.positions = new Float32Array(3 * n);
    this.sizes = new Float32Array(n);
    this.alphas = new Float32Array(n);
    if (n === 0) return;
    const geometry = new BufferGeometry();
    geometry.setAttribute('position', new BufferAttribute(this.positions, 3).setUsage(DynamicDrawUsage));
    geometry.setAttribute('size', new BufferAttribute(this.sizes, 1).setUsage(DynamicDrawUsage));
    geometry.setAttribute('alpha', new BufferAttribute(this.alphas, 1).setUsage(DynamicDrawUsage));
    this.points = new Points(geometry, this.material);
    this.points.name = this.look.name;
    this.points.frustumCulled = false;
    this.points.renderOrder = this.look.renderOrder;
    this.points.layers.set(DYNAMIC_LAYER);
    this.points.visible = this.visible;
    // Sizes in metres need the view's height in pixels and its field of view, known where it is drawn.
    this.points.onBeforeRender = (renderer, _scene, camera) => {
      const fov = (camera as { fov?: number }).fov ?? 45;
      this.material.uniforms.pixelsPerMetre.value = (renderer.getDrawingBufferSize(this.size).y / 2) / Math.tan((fov * Math.PI) / 360);
    };
    this.scene.add(this.points);
  }

  /** Square `i` centred at local (x, y, z) metres, `sizeM` across, with opacity `alpha`. */
  set(i: number, x: number, y: number, z: number, sizeM: number, alpha: number): void {
    this.positions[3 * i] = x;
    this.positions[3 * i + 1] = z;
    this.positions[3 * i + 2] = -y;
    this.sizes[i] = sizeM;
    this.alphas[i] = alpha;
  }

  /** Sends what `set` changed to the GPU. */
  commit(): void {
    const g = this.points?.geometry;
    if (!g) return;
    for (const name of ['position', 'size', 'alpha']) g.getAttribute(name).needsUpdate = true;
    g.computeBoundingSphere();
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    if (this.points) this.points.visible = visible;
  }

  destroy(): void {
    this.remove();
    this.material.dispose();
    this.texture.dispose();
  }

  private remove(): void {
    this.points?.removeFromParent();
    this.points?.geometry.dispose();
    this.points = null;
  }
}
