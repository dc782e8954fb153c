/**
 * Moving objects in the Three.js view: one InstancedMesh of small arrowheads pointing along each
 * object's heading, lit at night like a vehicle (a white headlight nose, red tail lamps) over a body
 * coloured by kind (instanceColor), so traffic reads apart from the warm lit windows; emergency
 * vehicles flash red and blue (a per-instance flag and a time uniform: no colour upload per frame).
 * Matrices are rewritten every animation frame from the interpolated live state, set on the
 * terrain once the road lines (which carry the terrain heights) are in. Scene coordinates: x east,
 * y up, z south, the city origin at 0.
 */
import { BufferAttribute, BufferGeometry, Color, DynamicDrawUsage, InstancedBufferAttribute, InstancedMesh, MeshBasicMaterial, Vector3 } from 'three';
import type { Camera, Object3D, PerspectiveCamera, WebGLProgramParametersWithUniforms } from 'three';
import { ObjectFlags, ObjectKind } from '../../../../server/protocol/ObjectState.ts';
import { DYNAMIC_LAYER } from '../../../three/CachedScenePass.ts';
import type { LayerHit, PickQuery } from '../../../three/ThreeLayer.ts';
import type { LiveConnection } from '../../../twin/live/LiveConnection.ts';
import { objectKindColor } from '../../../twin/live/objectColors.ts';
import type { Telemetry } from '../../../twin/telemetry.ts';
import { terrainHeightAt } from '../../../twin/traffic/roads.ts';
import type { RoadNet, TerrainHeights } from '../../../twin/traffic/roads.ts';
import { vehiclePick } from '../trafficPick.ts';
import { DEPTH_PULL, pixelAngleOf, ROADS_RENDER_ORDER } from './trafficRoads.ts';

/** Height of an arrow's underside above the city origin until the terrain is known, metres (the stream carries no height). */
const OBJECT_HEIGHT = 2;
/** An arrow's underside above the terrain: on the road surface, which the ground tiles lift this much. */
const ROAD_SURFACE_LIFT = 0.25;
/** Emergency lights: red, then blue, this many times a second. */
const FLASH_HZ = 2;
/** A click this many CSS pixels beside an arrow still hits it. */
const PICK_TOLERANCE_PX = 6;
/** Boxes keep at least this size on screen from afar: scaled by camera distance / this many metres. */
const TRUE_SIZE_WITHIN = 2000;
const MAX_SCALE = 3;
/** Body colours are dimmed so thousands of arrows glow as streams under the bloom rather than flood the view. */
const BRIGHTNESS = 0.75;
const HEADLIGHT = new Color('#e8f6ff');
const TAIL_LAMP = new Color('#ff2030');
/**
 * The night view's body colours where the shared palette would hide a kind: cars are warm yellow
 * there, the colour of lit windows, so at night they are the cool white-blue of xenon headlights.
 */
const NIGHT_KIND_COLORS: Partial<Record<number, string>> = { [ObjectKind.car]: '#9ee7ff' };

/**
 * An arrowhead (a chevron prism) 2.4 m wide, 5 m long and 1.4 m high, its nose towards −z; 8 shared
 * vertices (a box needs 24): thousands of them are drawn every frame. `lamp` is how much of a
 * vertex's colour is its lamp colour (`color`) rather than the body colour of its instance.
 */
function arrowGeometry(): BufferGeometry {
  const w = 1.2;
  const h = 1.4;
  // nose, rear left, notch, rear right; at the bottom, then the same at the top.
  const outline = [
    [0, -2.5],
    [-w, 2.5],
    [0, 1.3],
    [w, 2.5],
  ];
  const positions: number[] = [];
  const colors: number[] = [];
  const lamp: number[] = [];
  for (const y of [0, h]) {
    outline.forEach(([x, z], i) => {
      positions.push(x, y, z);
      const c = i === 0 ? HEADLIGHT : TAIL_LAMP;
      colors.push(c.r, c.g, c.b);
      // The nose is all headlight; the rear corners show tail lamps below and the body colour on top.
      lamp.push(i === 0 ? 1 : i === 2 ? 0 : y === 0 ? 1 : 0);
    });
  }
  const geometry = new BufferGeometry();
  geometry.setAttribute('position', new BufferAttribute(new Float32Array(positions), 3));
  geometry.setAttribute('color', new BufferAttribute(new Float32Array(colors), 3));
  geometry.setAttribute('lamp', new BufferAttribute(new Float32Array(lamp), 1));
  // Top (two triangles about the notch), bottom, and the four side quads, counter-clockwise from outside.
  const top = [4, 5, 6, 4, 6, 7];
  const bottom = [0, 2, 1, 0, 3, 2];
  const sides: number[] = [];
  for (let i = 0; i < 4; i++) {
    const j = (i + 1) % 4;
    sides.push(i, j, j + 4, i, j + 4, i + 4);
  }
  geometry.setIndex([...top, ...bottom, ...sides]);
  return geometry;
}

/**
 * Basic material whose vertex colour is the instance's body colour mixed with the vertex's lamp
 * colour; a flashing instance's body alternates red and blue with `time` (seconds).
 */
function arrowMaterial(time: { value: number }): MeshBasicMaterial {
  const material = new MeshBasicMaterial({ vertexColors: true });
  material.customProgramCacheKey = () => 'yingcheng-moving-arrow';
  material.onBeforeCompile = (shader: WebGLProgramParametersWithUniforms) => {
    shader.uniforms.time = time;
    shader.vertexShader = shader.vertexShader
      .replace('#include <common>', '#include <common>\nattribute float lamp;\nattribute float flash;\nuniform float time;')
      .replace(
        '#include <color_vertex>',
        // A flashing arrow is all light, red then blue: saturated enough to stay so through the tone mapping.
        `vec3 body = instanceColor.rgb;
float lampShare = lamp;
if (flash > 0.5) {
  body = fract(time * ${FLASH_HZ.toFixed(1)}) < 0.5 ? vec3(1.4, 0.0, 0.03) : vec3(0.0, 0.15, 2.0);
  lampShare = 0.0;
}
vColor = vec4(mix(body, color.rgb, lampShare), 1.0);`,
      )
      // Pulled towards the camera like the road ribbons, so a coarse ground tile never buries an arrow.
      .replace('#include <project_vertex>', `#include <project_vertex>
mvPosition.xyz *= ${(1 - DEPTH_PULL).toFixed(6)};
gl_Position = projectionMatrix * mvPosition;`);
  };
  return material;
}

/**
 * Draws live objects as instanced arrows on DYNAMIC_LAYER (vehicles move every frame: drawn over
 * the cached picture of the still city); `update(camera)` once per frame returns true when they changed.
 */
export class MovingObjects {
  private mesh: InstancedMesh;
  private visible = true;
  private readonly time = { value: 0 };
  private readonly geometry = arrowGeometry();
  private readonly material = arrowMaterial(this.time);
  private readonly colors = new Map<number, Color>();
  private shownKind = new Int16Array(0);
  private shownFlash = new Uint8Array(0);
  /** Object ids of the instances drawn last, in instance order (for picking). */
  private drawnIds = new Uint32Array(0);
  private drawnKinds = new Uint8Array(0);
  private shown = 0;
  private scale = 1;
  private terrain: TerrainHeights | null = null;
  private readonly start = performance.now();

  constructor(
    private readonly parent: Object3D,
    private readonly live: LiveConnection,
    private readonly telemetry: Telemetry,
    roads?: Promise<RoadNet>,
  ) {
    this.mesh = this.createMesh(1024);
    parent.add(this.mesh);
    // Without the road lines the arrows keep a fixed height; the roads layer reports the failure.
    roads?.then(
      (net) => {
        this.terrain = net.terrain;
      },
      () => undefined,
    );
  }

  /** Shows or hides the arrows; hidden, they are neither updated nor picked. */
  setShown(visible: boolean): void {
    this.visible = visible;
    this.mesh.visible = visible;
    this.telemetry.counters['three.objectsDrawn'] = visible ? this.shown : 0;
  }

  /** Rewrites every instance from the live state at this moment; false when there is nothing to draw. */
  update(camera: Camera): boolean {
    if (!this.visible) return false;
    const objects = this.live.sample();
    const n = objects.count;
    if (n === 0 && this.shown === 0) return false;
    if (n > this.mesh.instanceMatrix.count) {
      // Grow by doubling: a new mesh, because an InstancedMesh's capacity is fixed.
      this.parent.remove(this.mesh);
      this.mesh.geometry.dispose();
      this.mesh.dispose();
      this.mesh = this.createMesh(Math.max(n, this.mesh.instanceMatrix.count * 2));
      this.mesh.visible = this.visible;
      this.parent.add(this.mesh);
    }
    const { x, y, heading, kind, flags, id } = objects;
    const m = this.mesh.instanceMatrix.array as Float32Array;
    const colors = this.mesh.instanceColor!;
    const flash = this.mesh.geometry.getAttribute('flash') as InstancedBufferAttribute;
    const k = Math.min(MAX_SCALE, Math.max(1, camera.position.length() / TRUE_SIZE_WITHIN));
    this.scale = k;
    const terrain = this.terrain;
    let recolored = false;
    let reflagged = false;
    for (let i = 0; i < n; i++) {
      // Rotation about y by −heading turns the arrow's nose (−z) to (sin h, 0, −cos h): the heading.
      const c = Math.cos(heading[i]) * k;
      const s = -Math.sin(heading[i]) * k;
      const o = i * 16;
      m[o] = c;
      m[o + 1] = 0;
      m[o + 2] = -s;
      m[o + 3] = 0;
      m[o + 4] = 0;
      m[o + 5] = k;
      m[o + 6] = 0;
      m[o + 7] = 0;
      m[o + 8] = s;
      m[o + 9] = 0;
      m[o + 10] = c;
      m[o + 11] = 0;
      m[o + 12] = x[i];
      m[o + 13] = terrain ? terrainHeightAt(terrain, x[i], y[i]) + ROAD_SURFACE_LIFT : OBJECT_HEIGHT * k;
      m[o + 14] = -y[i];
      m[o + 15] = 1;
      if (this.shownKind[i] !== kind[i]) {
        this.shownKind[i] = kind[i];
        const color = this.colorOf(kind[i]);
        colors.setXYZ(i, color.r, color.g, color.b);
        recolored = true;
      }
      const flashing = kind[i] === ObjectKind.emergency || (flags[i] & ObjectFlags.sirens) !== 0 ? 1 : 0;
      if (this.shownFlash[i] !== flashing) {
        this.shownFlash[i] = flashing;
        flash.setX(i, flashing);
        reflagged = true;
      }
    }
    this.drawnIds.set(id.subarray(0, n));
    this.drawnKinds.set(kind.subarray(0, n));
    this.time.value = (performance.now() - this.start) / 1000;
    this.mesh.count = n;
    this.mesh.instanceMatrix.needsUpdate = true;
    if (recolored) colors.needsUpdate = true;
    if (reflagged) flash.needsUpdate = true;
    this.shown = n;
    this.telemetry.counters['three.objectsDrawn'] = n;
    this.telemetry.counters['live.sequence'] = objects.lastSequence;
    return true;
  }

  /** Scene position (the middle of the arrow) of drawn instance `i`, its object id and kind. */
  instance(i: number): { id: number; kind: number; at: Vector3 } | null {
    if (i < 0 || i >= this.shown) return null;
    const m = this.mesh.instanceMatrix.array as Float32Array;
    const o = i * 16;
    return { id: this.drawnIds[i], kind: this.drawnKinds[i], at: new Vector3(m[o + 12], m[o + 13] + 0.7 * this.scale, m[o + 14]) };
  }

  /** False while hidden (the traffic layer off). */
  get isShown(): boolean {
    return this.visible;
  }

  /** How many instances were drawn last. */
  get count(): number {
    return this.shown;
  }

  /** The vehicle under (or within a few pixels of) a click, with its distance from the camera. */
  pick(query: PickQuery): LayerHit | null {
    if (!this.visible) return null;
    const { camera, x, y, width, height } = query;
    const m = camera.projectionMatrix.clone().multiply(camera.matrixWorldInverse).elements;
    const a = this.mesh.instanceMatrix.array as Float32Array;
    const pixelAngle = pixelAngleOf(camera as PerspectiveCamera, height);
    const lift = 0.7 * this.scale;
    // Half an arrow's length, metres: the click may land anywhere on its body.
    const radius = 2.5 * this.scale;
    let best = -1;
    let bestScore = Infinity;
    for (let i = 0; i < this.shown; i++) {
      const sx = a[i * 16 + 12];
      const sy = a[i * 16 + 13] + lift;
      const sz = a[i * 16 + 14];
      const w = m[3] * sx + m[7] * sy + m[11] * sz + m[15];
      if (w <= camera.near) continue;
      const px = (((m[0] * sx + m[4] * sy + m[8] * sz + m[12]) / w + 1) / 2) * width;
      const py = ((1 - (m[1] * sx + m[5] * sy + m[9] * sz + m[13]) / w) / 2) * height;
      const score = Math.hypot(px - x, py - y) - radius / (pixelAngle * w);
      if (score <= PICK_TOLERANCE_PX && score < bestScore) {
        bestScore = score;
        best = i;
      }
    }
    const hit = this.instance(best);
    if (!hit) return null;
    return { distance: hit.at.distanceTo(camera.position), offPx: Math.max(0, bestScore), rank: 0, pick: vehiclePick(hit.id) };
  }

  dispose(): void {
    this.mesh.removeFromParent();
    this.mesh.geometry.dispose();
    this.mesh.dispose();
    this.geometry.dispose();
    this.material.dispose();
    this.telemetry.counters['three.objectsDrawn'] = 0;
  }

  private createMesh(capacity: number): InstancedMesh {
    // Each mesh has its own copy of the (8-vertex) arrow, to carry a per-instance flag of its capacity.
    const geometry = this.geometry.clone();
    geometry.setAttribute('flash', new InstancedBufferAttribute(new Float32Array(capacity), 1));
    const mesh = new InstancedMesh(geometry, this.material, capacity);
    mesh.instanceMatrix.setUsage(DynamicDrawUsage);
    mesh.instanceColor = new InstancedBufferAttribute(new Float32Array(capacity * 3), 3);
    mesh.count = 0;
    // Instances move every frame; the mesh's bounding sphere would be stale, so never cull it.
    mesh.frustumCulled = false;
    // After the road ribbons, which write no depth: an arrow is always drawn over its road.
    mesh.renderOrder = ROADS_RENDER_ORDER + 1;
    mesh.name = 'moving-objects';
    mesh.layers.set(DYNAMIC_LAYER);
    this.shownKind = new Int16Array(capacity).fill(-1);
    this.shownFlash = new Uint8Array(capacity);
    this.drawnIds = new Uint32Array(capacity);
    this.drawnKinds = new Uint8Array(capacity);
    return mesh;
  }

  private colorOf(kind: number): Color {
    let c = this.colors.get(kind);
    if (!c) this.colors.set(kind, (c = new Color(NIGHT_KIND_COLORS[kind] ?? objectKindColor(kind)).multiplyScalar(BRIGHTNESS)));
    return c;
  }
}
