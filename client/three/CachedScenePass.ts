/**
 * The night view's scene pass, which keeps a picture of the still part of the scene: while the
 * camera rests and only the vehicles move, a frame copies the cached colour and depth and draws
 * the vehicles over it, instead of drawing the whole city again.
 *
 * Under SwiftShader the city costs ~400 ms a frame at full resolution and the vehicles ~25 ms; a
 * live run at rest used to redraw all of it for every vehicle step.
 */
import { AlwaysDepth, DepthTexture, HalfFloatType, NearestFilter, NoBlending, ShaderMaterial, WebGLRenderTarget } from 'three';
import type { Camera, Scene, WebGLRenderer } from 'three';
import { FullScreenQuad, Pass } from 'three/examples/jsm/postprocessing/Pass.js';

/** three's layer of the objects that move every frame (vehicles): drawn over the cached picture. */
export const DYNAMIC_LAYER = 1;
const STATIC_LAYER = 0;

const vertexShader = /* glsl */ `
varying vec2 vUv;
void main() {
  vUv = uv;
  gl_Position = vec4(position.xy, 0.0, 1.0);
}
`;

/** Colour and depth as they were: the vehicles then hide behind the buildings they are behind. */
const fragmentShader = /* glsl */ `
uniform sampler2D tColor;
uniform sampler2D tDepth;
varying vec2 vUv;
void main() {
  gl_FragColor = texture2D(tColor, vUv);
  gl_FragDepth = texture2D(tDepth, vUv).x;
}
`;

export class CachedScenePass extends Pass {
  /** Set before each render: true when anything but the dynamic layer changed (camera, tiles, roads, state). */
  staticChanged = true;
  private cacheValid = false;
  private readonly target: WebGLRenderTarget;
  private readonly copy: FullScreenQuad;
  private readonly material: ShaderMaterial;

  constructor(
    private readonly scene: Scene,
    private readonly camera: Camera,
  ) {
    super();
    this.needsSwap = false;
    // As the composer's own buffers: half float, so the bloom sees the same values.
    this.target = new WebGLRenderTarget(1, 1, { type: HalfFloatType, depthTexture: new DepthTexture(1, 1), minFilter: NearestFilter, magFilter: NearestFilter });
    this.material = new ShaderMaterial({
      uniforms: { tColor: { value: this.target.texture }, tDepth: { value: this.target.depthTexture } },
      vertexShader,
      fragmentShader,
      depthTest: true,
      depthFunc: AlwaysDepth,
      depthWrite: true,
      blending: NoBlending,
    });
    this.copy = new FullScreenQuad(this.material);
    // The camera sees both layers whenever it draws everything (frames in motion, picking aside).
    camera.layers.enable(DYNAMIC_LAYER);
  }

  override setSize(width: number, height: number): void {
    this.target.setSize(width, height);
    this.cacheValid = false;
  }

  override render(renderer: WebGLRenderer, _writeBuffer: WebGLRenderTarget, readBuffer: WebGLRenderTarget): void {
    const { scene, camera } = this;
    const mask = camera.layers.mask;
    const autoClear = renderer.autoClear;
    if (this.staticChanged) {
      // Everything straight into the frame: while the camera moves each frame is new anyway.
      renderer.setRenderTarget(readBuffer);
      renderer.autoClear = true;
      renderer.render(scene, camera);
      this.cacheValid = false;
    } else {
      if (!this.cacheValid) {
        camera.layers.set(STATIC_LAYER);
        renderer.setRenderTarget(this.target);
        renderer.autoClear = true;
        renderer.render(scene, camera);
        this.cacheValid = true;
      }
      renderer.setRenderTarget(readBuffer);
      renderer.autoClear = true;
      this.copy.render(renderer);
      camera.layers.set(DYNAMIC_LAYER);
      const background = scene.background;
      scene.background = null;
      renderer.autoClear = false;
      renderer.render(scene, camera);
      scene.background = background;
    }
    camera.layers.mask = mask;
    renderer.autoClear = autoClear;
  }

  override dispose(): void {
    this.target.dispose();
    this.material.dispose();
    this.copy.dispose();
  }
}
