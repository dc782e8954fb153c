/**
 * Moving objects in the Three.js view: one InstancedMesh of small boxes, each oriented by its
 * heading and coloured by kind (instanceColor), matrices rewritten every animation frame from the
 * interpolated live state. Scene coordinates: x east, y up, z south, the city origin at 0.
 */
import { BoxGeometry, Color, DynamicDrawUsage, InstancedBufferAttribute, InstancedMesh, MeshBasicMaterial } from 'three';
import type { Camera, Object3D } from 'three';
import type { LiveConnection } from '../twin/live/LiveConnection.ts';
import { objectKindColor } from '../twin/live/objectColors.ts';
import type { Telemetry } from '../twin/telemetry.ts';

/** Height of a box's centre above the city origin, metres (the stream carries no height). */
const OBJECT_HEIGHT = 3;
/** Boxes keep at least this size on screen from afar: scaled by camera distance / this many metres. */
const TRUE_SIZE_WITHIN = 2000;
const MAX_SCALE = 3;
/** Colours are dimmed so thousands of boxes glow as streams under the bloom rather than flood the view. */
const BRIGHTNESS = 0.55;

/** Draws live objects as instanced boxes; `update(camera)` once per frame returns true when they changed. */
export class MovingObjects {
  private mesh: InstancedMesh;
  private readonly geometry = new BoxGeometry(2.2, 1.6, 4.8);
  private readonly material = new MeshBasicMaterial({ color: '#ffffff' });
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
      // Rotation about y by −heading turns the box's long (z) axis to (sin h, 0, −cos h): the heading.
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
    if (!c) this.colors.set(kind, (c = new Color(objectKindColor(kind)).multiplyScalar(BRIGHTNESS)));
    return c;
  }
}
