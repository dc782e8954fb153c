/**
 * Moving objects in the Three.js view: one InstancedMesh of small arrowheads pointing along each
 * object's heading, lit at night like a vehicle (a white headlight nose, red tail lamps) over a body
 * coloured by kind (instanceColor), so traffic reads apart from the warm lit windows. Matrices are
 * rewritten every animation frame from the interpolated live state. Scene coordinates: x east, y up,
 * z south, the city origin at 0.
 */
import { BufferAttribute, BufferGeometry, Color, DynamicDrawUsage, InstancedBufferAttribute, InstancedMesh, MeshBasicMaterial } from 'three';
import type { Camera, Object3D, WebGLProgramParametersWithUniforms } from 'three';
import { ObjectKind } from '../../server/protocol/ObjectState.ts';
import type { LiveConnection } from '../twin/live/LiveConnection.ts';
import { objectKindColor } from '../twin/live/objectColors.ts';
import type { Telemetry } from '../twin/telemetry.ts';

/** Height of an arrow's underside above the city origin, metres (the stream carries no height): above the road. */
const OBJECT_HEIGHT = 2;
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

/** Basic material whose vertex colour is the instance's body colour mixed with the vertex's lamp colour. */
function arrowMaterial(): MeshBasicMaterial {
  const material = new MeshBasicMaterial({ vertexColors: true });
  material.customProgramCacheKey = () => 'yingcheng-moving-arrow';
  material.onBeforeCompile = (shader: WebGLProgramParametersWithUniforms) => {
    shader.vertexShader = shader.vertexShader
      .replace('#include <common>', '#include <common>\nattribute float lamp;')
      .replace('#include <color_vertex>', 'vColor = vec4(mix(instanceColor.rgb, color.rgb, lamp), 1.0);');
  };
  return material;
}

/** Draws live objects as instanced boxes; `update(camera)` once per frame returns true when they changed. */
export class MovingObjects {
  private mesh: InstancedMesh;
  private readonly geometry = arrowGeometry();
  private readonly material = arrowMaterial();
  private readonly colors = new Map<number, Color>();
  private shownKind = new Int16Array(0);
  private shown = 0;

  constructor(
    private readonly parent: Object3D,
    private readonly live: LiveConnection,
    private readonly telemetry: Telemetry,
  ) {
    this.mesh = this.createMesh(1024);
    parent.add(this.mesh);
  }

  /** Rewrites every instance from the live state at this moment; false when there is nothing to draw. */
  update(camera: Camera): boolean {
    const objects = this.live.sample();
    const n = objects.count;
    if (n === 0 && this.shown === 0) return false;
    if (n > this.mesh.instanceMatrix.count) {
      // Grow by doubling: a new mesh, because an InstancedMesh's capacity is fixed.
      this.parent.remove(this.mesh);
      this.mesh.dispose();
      this.mesh = this.createMesh(Math.max(n, this.mesh.instanceMatrix.count * 2));
      this.parent.add(this.mesh);
    }
    const { x, y, heading, kind } = objects;
    const m = this.mesh.instanceMatrix.array as Float32Array;
    const colors = this.mesh.instanceColor!;
    const k = Math.min(MAX_SCALE, Math.max(1, camera.position.length() / TRUE_SIZE_WITHIN));
    let recolored = false;
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
      m[o + 13] = OBJECT_HEIGHT * k;
      m[o + 14] = -y[i];
      m[o + 15] = 1;
      if (this.shownKind[i] !== kind[i]) {
        this.shownKind[i] = kind[i];
        const color = this.colorOf(kind[i]);
        colors.setXYZ(i, color.r, color.g, color.b);
        recolored = true;
      }
    }
    this.mesh.count = n;
    this.mesh.instanceMatrix.needsUpdate = true;
    if (recolored) colors.needsUpdate = true;
    this.shown = n;
    this.telemetry.counters['three.objectsDrawn'] = n;
    this.telemetry.counters['live.sequence'] = objects.lastSequence;
    return true;
  }

  dispose(): void {
    this.mesh.removeFromParent();
    this.mesh.dispose();
    this.geometry.dispose();
    this.material.dispose();
    this.telemetry.counters['three.objectsDrawn'] = 0;
  }

  private createMesh(capacity: number): InstancedMesh {
    const mesh = new InstancedMesh(this.geometry, this.material, capacity);
    mesh.instanceMatrix.setUsage(DynamicDrawUsage);
    mesh.instanceColor = new InstancedBufferAttribute(new Float32Array(capacity * 3), 3);
    mesh.count = 0;
    // Instances move every frame; the mesh's bounding sphere would be stale, so never cull it.
    mesh.frustumCulled = false;
    mesh.name = 'moving-objects';
    this.shownKind = new Int16Array(capacity).fill(-1);
    return mesh;
  }

  private colorOf(kind: number): Color {
    let c = this.colors.get(kind);
    if (!c) this.colors.set(kind, (c = new Color(NIGHT_KIND_COLORS[kind] ?? objectKindColor(kind)).multiplyScalar(BRIGHTNESS)));
    return c;
  }
}
