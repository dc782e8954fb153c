/**
 * Roads coloured by congestion in the Three.js night view: one mesh of ribbons along every road
 * link, built once from the city's road lines, each vertex carrying its link index; a DataTexture
 * with one texel per link holds the colours, refilled from link frames (never the geometry). The
 * ribbons keep a few pixels of width from afar and stay on the link's half of the street close up.
 * Scene coordinates: x east, y up, z south, the city origin at 0.
 */
import {
  BufferAttribute,
  BufferGeometry,
  DataTexture,
  DoubleSide,
  Group,
  Mesh,
  NearestFilter,
  RGBAFormat,
  SRGBColorSpace,
  ShaderMaterial,
  UniformsLib,
  UniformsUtils,
  UnsignedByteType,
  Vector2,
  Vector3,
} from 'three';
import type { PerspectiveCamera, Scene } from 'three';
import type { LayerHit, PickQuery } from '../../../three/ThreeLayer.ts';
import type { Telemetry } from '../../../twin/telemetry.ts';
import type { RoadNet } from '../../../twin/traffic/roads.ts';
import type { TwinState, TwinStore } from '../../../twin/TwinStore.ts';
import type { LiveTraffic } from '../LiveTraffic.ts';
import { fillLinkColors } from '../trafficColors.ts';
import { linkPick, trafficPickOf } from '../trafficPick.ts';

/** Texels per row of the colour texture (WebGL guarantees 4096; a large city takes several rows). */
const COLOR_TEXTURE_WIDTH = 4096;
/** Ribbon width as a fraction of the link's carriageway: inside its half of the street. */
const WIDTH_FRACTION = 0.6;
/** Thinnest a ribbon is drawn, CSS pixels: readable from the city overview, main roads bolder than side streets. */
const MIN_WIDTH_PX: Record<string, number> = { expressway: 3.2, arterial: 3, collector: 2.4 };
const MIN_WIDTH_PX_OTHER = 2;
const minWidthPx = (roadClass: string) => MIN_WIDTH_PX[roadClass] ?? MIN_WIDTH_PX_OTHER;
/** A mitre never stretches the ribbon more than this at a sharp bend. */
const MAX_MITRE = 2;
/**
 * Depth pulled towards the camera as a fraction of the distance: the ribbons sit 0.6 m above the
 * road surface, which from kilometres away is below the depth buffer's resolution and the coarse
 * ground tiles' error; a metre or two per kilometre is not enough to show through a building.
 */
export const DEPTH_PULL = 0.0015;
/**
 * Brightness by level (as alpha bytes of the colour texture): free and light traffic are drawn
 * dimmer, so on the big screen the city shows between the roads and congestion is what stands out.
 */
const LEVEL_EMPHASIS = [125, 165, 255, 255, 255];
/** Colour scale before the bloom and tone mapping. */
const BRIGHTNESS = 0.85;
/**
 * Most luma a ribbon may have: just under the bloom's threshold (0.45), so lime and yellow do not
 * glow into white-cored tubes while green and red stay flat (the levels read alike, as colours).
 */
const MAX_LUMA = 0.42;
/** Luma of the picked road: over the threshold, so it glows in its level's colour. */
const PICKED_LUMA = 0.6;
/** A click this many CSS pixels beside a ribbon still hits it. */
const PICK_TOLERANCE_PX = 5;
/** Drawn after the opaque city (renderOrder 0) and before the vehicles, which go on top. */
export const ROADS_RENDER_ORDER = 1;

const vertexShader = /* glsl */ `
#include <common>
#include <fog_pars_vertex>
attribute vec2 side;
attribute vec3 linkData;
uniform sampler2D linkColors;
uniform float pixelAngle;
uniform float depthPull;
uniform float pickedLink;
uniform float brightness;
uniform float maxLuma;
uniform float pickedLuma;
flat out vec3 vLinkColor;

void main() {
  int link = int(linkData.x + 0.5);
  vec4 texel = texelFetch(linkColors, ivec2(link % ${COLOR_TEXTURE_WIDTH}, link / ${COLOR_TEXTURE_WIDTH}), 0);
  vec3 color = texel.rgb * texel.a * brightness;
  float halfWidth = linkData.y;
  // The bloom pass's luma weights.
  float luma = max(dot(color, vec3(0.299, 0.587, 0.114)), 1e-4);
  if (abs(linkData.x - pickedLink) < 0.5) {
    // The picked road glows in its own colour, over the bloom's threshold, and a little wider.
    color *= pickedLuma / luma;
    halfWidth *= 1.4;
  } else {
    color *= min(1.0, maxLuma / luma);
  }
  vLinkColor = color;
  vec3 centre = (modelMatrix * vec4(position, 1.0)).xyz;
  vec3 toCamera = cameraPosition - centre;
  float distance = length(toCamera);
  vec3 across = vec3(side.x, 0.0, side.y);
  float mitre = max(length(across), 1e-4);
  // Seen edge-on the ribbon narrows on screen: widen the pixel minimum by as much.
  float facing = sqrt(max(1.0 - pow(dot(across / mitre, toCamera / distance), 2.0), 0.0));
  // From the whole-city distance the dense grid would cover the city: thinner there (picking keeps
  // the full minimum, well inside its tolerance).
  float farThin = mix(1.0, 0.6, smoothstep(4000.0, 9000.0, distance));
  float minHalf = linkData.z * pixelAngle * distance * farThin / max(facing, 0.3);
  vec3 world = centre + across * max(halfWidth, minHalf);
  vec4 mvPosition = viewMatrix * vec4(world, 1.0);
  // Towards the camera along the view ray: the same pixel, a nearer depth.
  mvPosition.xyz *= 1.0 - depthPull;
  gl_Position = projectionMatrix * mvPosition;
  #include <fog_vertex>
}
`;

const fragmentShader = /* glsl */ `
#include <common>
#include <fog_pars_fragment>
flat in vec3 vLinkColor;

void main() {
  gl_FragColor = vec4(vLinkColor, 1.0);
  #include <tonemapping_fragment>
  #include <colorspace_fragment>
  #include <fog_fragment>
}
`;

/**
 * Side of the square cells (metres) the ribbons are grouped in, one mesh each, so the renderer
 * draws only the cells in view: under a software renderer a frame's cost follows its triangles,
 * and a street view sees a few cells of the whole city's 130,000 ribbon triangles.
 */
const CHUNK_M = 1200;
/**
 * Grown onto each cell's bounding sphere: the pixel minimum widens a ribbon with distance (about
 * 120 m at 20 km), past the cell's own lines.
 */
const CHUNK_MARGIN_M = 150;

/** The links of a road network grouped by the cell of their first point, each group in link order. */
function chunksOf(net: RoadNet): number[][] {
  const cells = new Map<string, number[]>();
  for (let k = 0; k < net.count; k++) {
    const p = net.starts[k];
    const key = `${Math.floor(net.points[3 * p] / CHUNK_M)},${Math.floor(net.points[3 * p + 1] / CHUNK_M)}`;
    let links = cells.get(key);
    if (!links) cells.set(key, (links = []));
    links.push(k);
  }
  return [...cells.values()];
}

/** The ribbons of some links of a road network: 2 vertices per polyline point, a quad per segment. */
function ribbonGeometry(net: RoadNet, links: readonly number[]): BufferGeometry {
  const { starts, points, widths } = net;
  let pointCount = 0;
  let segments = 0;
  for (const k of links) {
    pointCount += starts[k + 1] - starts[k];
    segments += Math.max(0, starts[k + 1] - starts[k] - 1);
  }
  const position = new Float32Array(pointCount * 2 * 3);
  const side = new Float32Array(pointCount * 2 * 2);
  const linkData = new Float32Array(pointCount * 2 * 3);
  const index = new Uint32Array(segments * 6);
  let ii = 0;
  // The geometry's first vertex pair of the link's first point.
  let base = 0;
  for (const k of links) {
    const s = starts[k];
    const e = starts[k + 1];
    const halfWidth = (widths[k] * WIDTH_FRACTION) / 2;
    const minHalfPx = minWidthPx(net.classes[k]) / 2;
    for (let p = s; p < e; p++) {
      // Unit directions of the segments before and after this point (east, north).
      const prev = p > s ? p - 1 : p;
      const next = p < e - 1 ? p + 1 : p;
      let ax = points[3 * p] - points[3 * prev];
      let ay = points[3 * p + 1] - points[3 * prev + 1];
      let bx = points[3 * next] - points[3 * p];
      let by = points[3 * next + 1] - points[3 * p + 1];
      const la = Math.hypot(ax, ay);
      const lb = Math.hypot(bx, by);
      if (la > 0) {
        ax /= la;
        ay /= la;
      }
      if (lb > 0) {
        bx /= lb;
        by /= lb;
      }
      if (la === 0) [ax, ay] = [bx, by];
      if (lb === 0) [bx, by] = [ax, ay];
      let tx = ax + bx;
      let ty = ay + by;
      const lt = Math.hypot(tx, ty);
      if (lt < 1e-6) [tx, ty] = [ax, ay];
      else [tx, ty] = [tx / lt, ty / lt];
      // Left of the direction of travel, scaled so both segments keep their width at the join.
      const cos = Math.abs(tx * ax + ty * ay);
      const scale = Math.min(MAX_MITRE, 1 / Math.max(cos, 1e-3));
      const nx = -ty * scale;
      const ny = tx * scale;
      const pair = base + 2 * (p - s);
      for (let v = 0; v < 2; v++) {
        const o = pair + v;
        const sign = v === 0 ? 1 : -1;
        position[3 * o] = points[3 * p];
        position[3 * o + 1] = points[3 * p + 2];
        position[3 * o + 2] = -points[3 * p + 1];
        // North is −z in the scene.
        side[2 * o] = nx * sign;
        side[2 * o + 1] = -ny * sign;
        linkData[3 * o] = k;
        linkData[3 * o + 1] = halfWidth;
        linkData[3 * o + 2] = minHalfPx;
      }
      if (p < e - 1) {
        const l0 = pair;
        const r0 = l0 + 1;
        const l1 = l0 + 2;
        const r1 = l0 + 3;
        index.set([l0, r0, l1, r0, r1, l1], ii);
        ii += 6;
      }
    }
    base += 2 * (e - s);
  }
  const geometry = new BufferGeometry();
  geometry.setAttribute('position', new BufferAttribute(position, 3));
  geometry.setAttribute('side', new BufferAttribute(side, 2));
  geometry.setAttribute('linkData', new BufferAttribute(linkData, 3));
  geometry.setIndex(new BufferAttribute(index, 1));
  geometry.computeBoundingSphere();
  geometry.boundingSphere!.radius += CHUNK_MARGIN_M;
  return geometry;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Metres per CSS pixel per metre of distance for a camera and a view `height` CSS pixels high. */
export function pixelAngleOf(camera: PerspectiveCamera, height: number): number {
  return (2 * Math.tan((camera.fov * Math.PI) / 360)) / camera.zoom / Math.max(1, height);
}

/** Coloured road ribbons in the night view; shown once the first link frame arrived, while the layer is on. */
export class TrafficRoads {
  private net: RoadNet | null = null;
  /** One ribbon mesh per cell of CHUNK_M, all with one material. */
  private group: Group | null = null;
  private material: ShaderMaterial | null = null;
  private texture: DataTexture | null = null;
  /** The texture's bytes: RGBA per link, and as they were before the last link frame. */
  private colors = new Uint8Array(0);
  private previousColors = new Uint8Array(0);
  private shownVersion = -1;
  private dirty = false;
  private disposed = false;
  private visible = true;
  private readonly unsubscribe: () => void;
  private readonly size = new Vector2();
  private readonly uniforms = UniformsUtils.merge([
    UniformsLib.fog,
    {
      linkColors: { value: null },
      pixelAngle: { value: 0.001 },
      depthPull: { value: DEPTH_PULL },
      pickedLink: { value: -1 },
      brightness: { value: BRIGHTNESS },
      maxLuma: { value: MAX_LUMA },
      pickedLuma: { value: PICKED_LUMA },
    },
  ]);

  constructor(
    private readonly parent: Scene,
    roads: Promise<RoadNet>,
    private readonly traffic: LiveTraffic,
    private readonly store: TwinStore,
    private readonly telemetry: Telemetry,
  ) {
    this.unsubscribe = store.subscribe((state, previous) => {
      if (state.layerPick !== previous.layerPick) this.applyState(state);
    });
    roads.then(
      (net) => {
        if (!this.disposed) this.build(net);
      },
      (error: Error) => {
        console.warn(`TrafficRoads: ${error.message}`);
        telemetry.emit('three', 'traffic-roads-failed', { message: error.message });
      },
    );
  }

  /** The road network once loaded. */
  get roads(): RoadNet | null {
    return this.net;
  }

  /** True while ribbons are drawn (roads loaded, a link frame in, the layer on). */
  get shown(): boolean {
    return this.group?.visible ?? false;
  }

  /** Shows or hides the ribbons (the traffic layer); the next update reports the change. */
  setShown(visible: boolean): void {
    this.visible = visible;
    this.applyState(this.store.getState());
  }

  /** Recolours from the latest link frame when it changed; true when the view must redraw. */
  update(): boolean {
    if (!this.group || !this.texture || !this.net) return false;
    let changed = this.dirty;
    this.dirty = false;
    // Hidden, the colours wait: showing the ribbons again (dirty) recolours them from the latest frame.
    if (!this.visible) return changed;
    const traffic = this.traffic;
    if (traffic.version !== this.shownVersion) {
      this.shownVersion = traffic.version;
      this.previousColors.set(this.colors);
      fillLinkColors(traffic.links, this.net.count, this.colors, LEVEL_EMPHASIS);
      this.applyState(this.store.getState());
      // Levels are coarse: most link frames recolour nothing, and then the still city need not be drawn again.
      if (!sameBytes(this.colors, this.previousColors)) {
        this.texture.needsUpdate = true;
        this.telemetry.count('three.trafficRecolors');
        changed = true;
      }
    }
    return changed;
  }

  /** The link under (or within a few pixels of) a click, with its distance from the camera. */
  pick(query: PickQuery): LayerHit | null {
    const net = this.net;
    if (!net || !this.shown) return null;
    const { camera, x, y, width, height } = query;
    const m = camera.projectionMatrix.clone().multiply(camera.matrixWorldInverse).elements;
    const pixelAngle = pixelAngleOf(camera, height);
    const { starts, points, widths, classes } = net;
    let best: { score: number; k: number; t: number; p: number } | null = null;
    let px0 = 0;
    let py0 = 0;
    let w0 = 0;
    for (let k = 0; k < net.count; k++) {
      const halfWidthM = (widths[k] * WIDTH_FRACTION) / 2;
      const minHalfPx = minWidthPx(classes[k]) / 2;
      for (let p = starts[k]; p < starts[k + 1]; p++) {
        const sx = points[3 * p];
        const sy = points[3 * p + 2];
        const sz = -points[3 * p + 1];
        const cx = m[0] * sx + m[4] * sy + m[8] * sz + m[12];
        const cy = m[1] * sx + m[5] * sy + m[9] * sz + m[13];
        const w = m[3] * sx + m[7] * sy + m[11] * sz + m[15];
        const px = ((cx / w + 1) / 2) * width;
        const py = ((1 - cy / w) / 2) * height;
        if (p > starts[k] && w > camera.near && w0 > camera.near) {
          const dx = px - px0;
          const dy = py - py0;
          const len2 = dx * dx + dy * dy;
          const t = len2 > 0 ? Math.min(1, Math.max(0, ((x - px0) * dx + (y - py0) * dy) / len2)) : 0;
          const d = Math.hypot(px0 + t * dx - x, py0 + t * dy - y);
          const depth = w0 + t * (w - w0);
          const halfPx = Math.max(halfWidthM / (pixelAngle * depth), minHalfPx);
          const score = d - halfPx;
          if (score <= PICK_TOLERANCE_PX && (!best || score < best.score)) best = { score, k, t, p };
        }
        px0 = px;
        py0 = py;
        w0 = w;
      }
    }
    if (!best) return null;
    const a = best.p - 1;
    const at = new Vector3(
      points[3 * a] + best.t * (points[3 * best.p] - points[3 * a]),
      points[3 * a + 2] + best.t * (points[3 * best.p + 2] - points[3 * a + 2]),
      -(points[3 * a + 1] + best.t * (points[3 * best.p + 1] - points[3 * a + 1])),
    );
    return { distance: at.distanceTo(camera.position), offPx: Math.max(0, best.score), rank: 1, pick: linkPick(net.ids[best.k], best.k) };
  }

  /** Scene position of the point `fraction` of the way along link `index`'s polyline, or null. */
  pointOnLink(index: number, fraction: number): Vector3 | null {
    const net = this.net;
    if (!net || index < 0 || index >= net.count) return null;
    const { starts, points } = net;
    const s = starts[index];
    const e = starts[index + 1];
    if (e - s < 1) return null;
    let total = 0;
    for (let p = s + 1; p < e; p++) total += Math.hypot(points[3 * p] - points[3 * p - 3], points[3 * p + 1] - points[3 * p - 2]);
    let left = Math.min(1, Math.max(0, fraction)) * total;
    for (let p = s + 1; p < e; p++) {
      const len = Math.hypot(points[3 * p] - points[3 * p - 3], points[3 * p + 1] - points[3 * p - 2]);
      if (left <= len || p === e - 1) {
        const t = len > 0 ? Math.min(1, left / len) : 0;
        const q = (i: number) => points[3 * (p - 1) + i] + t * (points[3 * p + i] - points[3 * (p - 1) + i]);
        return new Vector3(q(0), q(2), -q(1));
      }
      left -= len;
    }
    return new Vector3(points[3 * s], points[3 * s + 2], -points[3 * s + 1]);
  }

  dispose(): void {
    this.disposed = true;
    this.unsubscribe();
    if (this.group) {
      this.group.removeFromParent();
      for (const mesh of this.group.children) (mesh as Mesh).geometry.dispose();
    }
    this.material?.dispose();
    this.texture?.dispose();
  }

  private build(net: RoadNet): void {
    this.net = net;
    const rows = Math.max(1, Math.ceil(net.count / COLOR_TEXTURE_WIDTH));
    this.colors = new Uint8Array(COLOR_TEXTURE_WIDTH * rows * 4);
    this.previousColors = new Uint8Array(this.colors.length);
    const texture = new DataTexture(this.colors, COLOR_TEXTURE_WIDTH, rows, RGBAFormat, UnsignedByteType);
    // The palette is sRGB: sampled through an sRGB format it arrives linear, as the shader works.
    texture.colorSpace = SRGBColorSpace;
    texture.minFilter = NearestFilter;
    texture.magFilter = NearestFilter;
    texture.generateMipmaps = false;
    this.texture = texture;
    this.uniforms.linkColors.value = texture;
    const material = new ShaderMaterial({
      uniforms: this.uniforms,
      vertexShader,
      fragmentShader,
      fog: true,
      side: DoubleSide,
      // Ribbons cover the road but never hide a vehicle: the vehicles, drawn next, test against the city only.
      depthWrite: false,
    });
    this.material = material;
    const group = new Group();
    group.name = 'traffic-roads';
    group.visible = false;
    // The pixel minimum of the width needs the view's height in CSS pixels, known where it is drawn.
    const setPixelAngle: Mesh['onBeforeRender'] = (renderer, _scene, camera) => {
      renderer.getSize(this.size);
      this.uniforms.pixelAngle.value = pixelAngleOf(camera as PerspectiveCamera, this.size.y);
    };
    for (const links of chunksOf(net)) {
      const mesh = new Mesh(ribbonGeometry(net, links), material);
      mesh.renderOrder = ROADS_RENDER_ORDER;
      mesh.onBeforeRender = setPixelAngle;
      group.add(mesh);
    }
    this.group = group;
    this.parent.add(group);
    this.telemetry.counters['three.trafficLinks'] = net.count;
    this.telemetry.emit('three', 'traffic-roads-ready', { links: net.count });
    this.applyState(this.store.getState());
  }

  private applyState(state: TwinState): void {
    if (!this.group || !this.net) return;
    const visible = this.visible && this.traffic.links !== null;
    const pick = trafficPickOf(state.layerPick);
    const picked = pick?.kind === 'link' ? pick.index : -1;
    if (visible !== this.group.visible || picked !== this.uniforms.pickedLink.value) {
      this.group.visible = visible;
      this.uniforms.pickedLink.value = picked;
      this.dirty = true;
    }
  }
}

