/**
 * Vehicles in the Cesium view: one BillboardCollection of arrowheads (never one Entity per
 * vehicle), a billboard per slot reused frame after frame, each turned along its vehicle's heading
 * (`alignedAxis` in ECEF, so it points along the road whatever the camera's heading), coloured by
 * kind; emergency vehicles flash red and blue.
 */
import { BillboardCollection, Cartesian3, Color, NearFarScalar, VerticalOrigin } from 'cesium';
import type { Billboard } from 'cesium';
import { ObjectFlags, ObjectKind } from '../../../../server/protocol/ObjectState.ts';
import type { LiveObjects } from '../../../twin/live/LiveObjects.ts';
import { objectKindColor } from '../../../twin/live/objectColors.ts';
import { enuToEcefMatrix } from '../../../twin/geo.ts';
import { terrainHeightAt, type TerrainHeights } from '../../../twin/traffic/roads.ts';
import type { CityInfo } from '../../../twin/types.ts';
import { VEHICLE_ARROW_HEIGHT, VEHICLE_ARROW_ID, VEHICLE_ARROW_WIDTH, vehicleArrow } from './vehicleArrow.ts';

/** Height above the city origin vehicles are drawn at until the terrain is known, metres. */
const FLAT_HEIGHT = 3;
/** Height of a vehicle's marker above the terrain, metres: above the road surface and its coloured line. */
const ABOVE_TERRAIN = 1.6;
/** Emergency lights: each colour shows this long, milliseconds (two flashes a second). */
const FLASH_MS = 250;
const FLASH_RED = Color.fromCssColorString('#ff2338');
const FLASH_BLUE = Color.fromCssColorString('#2f7bff');
/** Colour codes past the kinds' own. */
const RED_CODE = 256;
const BLUE_CODE = 257;

/** The vehicle billboards of one city's view; `update` shows a sampled LiveObjects. */
export class VehicleBillboards {
  readonly collection = new BillboardCollection();
  /** Billboards shown by the last update: slots [0, count). */
  count = 0;
  private readonly slots: Billboard[] = [];
  /** Object id shown in each slot at the last update. */
  private ids = new Uint32Array(0);
  private colorCode = new Int16Array(0);
  /** Heading each slot's billboard is turned to, radians (NaN: not yet). */
  private headings = new Float32Array(0);
  private readonly kindColors: Color[] = [];
  private readonly m: number[];
  private terrain: TerrainHeights | null = null;
  /** What the last update showed, to tell whether another would change anything. */
  private last = { simTimeMs: Number.NaN, sequence: -1, phase: -1, flashing: false, terrain: null as TerrainHeights | null };
  private readonly position = new Cartesian3();
  private readonly axis = new Cartesian3();
  // Smaller from far away, so a whole city of vehicles reads as streams rather than a carpet.
  private readonly scaleByDistance = new NearFarScalar(300, 1.2, 12000, 0.55);

  constructor(city: CityInfo) {
    this.m = enuToEcefMatrix(city.origin);
  }

  /** Sets vehicles on the terrain from now on (until then: a flat height, drawn over everything). */
  setTerrain(terrain: TerrainHeights): void {
    this.terrain = terrain;
    for (const b of this.slots) b.disableDepthTestDistance = 0;
  }

  /** The object id of a `scene.pick` result on one of these billboards, else null. */
  objectIdAt(picked: unknown): number | null {
    if (!picked || typeof picked !== 'object') return null;
    const p = picked as { collection?: unknown; id?: unknown };
    if (p.collection !== this.collection || typeof p.id !== 'number' || p.id >= this.count) return null;
    return this.ids[p.id];
  }

  /** Where each shown vehicle is, in ECEF, with its object id (tests). */
  shown(): { objectId: number; position: Cartesian3 }[] {
    return this.slots.slice(0, this.count).map((b, i) => ({ objectId: this.ids[i], position: Cartesian3.clone(b.position) }));
  }

  /** False when an update with these objects would draw the same picture (a paused run without sirens): no need to draw. */
  wouldChange(objects: LiveObjects, nowMs: number): boolean {
    const l = this.last;
    if (objects.count !== this.count || objects.lastSequence !== l.sequence || objects.simTimeMs !== l.simTimeMs || this.terrain !== l.terrain) return true;
    return l.flashing && Math.floor(nowMs / FLASH_MS) !== l.phase;
  }

  /** Moves the billboards to the objects' last sampled state; `nowMs` (wall clock) times the flashing. */
  update(objects: LiveObjects, nowMs: number): void {
    const n = objects.count;
    let flashing = false;
    this.reserve(n);
    const { x, y, heading, kind, flags, id } = objects;
    const m = this.m;
    const terrain = this.terrain;
    const position = this.position;
    const axis = this.axis;
    const flash = Math.floor(nowMs / FLASH_MS) % 2 === 0 ? RED_CODE : BLUE_CODE;
    for (let i = 0; i < n; i++) {
      const b = this.slots[i];
      const e = x[i];
      const nn = y[i];
      const u = terrain ? terrainHeightAt(terrain, e, nn) + ABOVE_TERRAIN : FLAT_HEIGHT;
      position.x = m[0] * e + m[4] * nn + m[8] * u + m[12];
      position.y = m[1] * e + m[5] * nn + m[9] * u + m[13];
      position.z = m[2] * e + m[6] * nn + m[10] * u + m[14];
      b.position = position;
      // Most vehicles drive straight on: turn the billboard only when its heading changed.
      const h = heading[i];
      if (this.headings[i] !== h || this.ids[i] !== id[i]) {
        this.headings[i] = h;
        // Heading is clockwise from north: the direction is east·sin + north·cos.
        const s = Math.sin(h);
        const c = Math.cos(h);
        axis.x = m[0] * s + m[4] * c;
        axis.y = m[1] * s + m[5] * c;
        axis.z = m[2] * s + m[6] * c;
        b.alignedAxis = axis;
      }
      const k = kind[i];
      const sirens = k === ObjectKind.emergency || (flags[i] & ObjectFlags.sirens) !== 0;
      flashing ||= sirens;
      const code = sirens ? flash : k;
      if (this.colorCode[i] !== code) {
        this.colorCode[i] = code;
        b.color = code === RED_CODE ? FLASH_RED : code === BLUE_CODE ? FLASH_BLUE : this.kindColor(k);
      }
      this.ids[i] = id[i];
      if (i >= this.count) b.show = true;
    }
    for (let i = n; i < this.count; i++) this.slots[i].show = false;
    this.count = n;
    this.last = { simTimeMs: objects.simTimeMs, sequence: objects.lastSequence, phase: Math.floor(nowMs / FLASH_MS), flashing, terrain };
  }

  /** Removes the billboards from whatever they were added to. */
  destroy(): void {
    if (!this.collection.isDestroyed()) this.collection.destroy();
  }

  private kindColor(kind: number): Color {
    return (this.kindColors[kind] ??= Color.fromCssColorString(objectKindColor(kind)));
  }

  private reserve(n: number): void {
    if (this.ids.length < n) {
      const capacity = Math.max(n, this.ids.length * 2);
      const ids = new Uint32Array(capacity);
      ids.set(this.ids);
      this.ids = ids;
      const codes = new Int16Array(capacity).fill(-1);
      codes.set(this.colorCode);
      this.colorCode = codes;
      const headings = new Float32Array(capacity).fill(Number.NaN);
      headings.set(this.headings);
      this.headings = headings;
    }
    const image = vehicleArrow();
    while (this.slots.length < n) {
      const b = this.collection.add({
        id: this.slots.length,
        position: Cartesian3.ZERO,
        show: false,
        width: VEHICLE_ARROW_WIDTH,
        height: VEHICLE_ARROW_HEIGHT,
        verticalOrigin: VerticalOrigin.CENTER,
        scaleByDistance: this.scaleByDistance,
        // Without heights the markers would sink into hills: draw them over everything until the terrain is known.
        disableDepthTestDistance: this.terrain ? 0 : Number.POSITIVE_INFINITY,
      });
      b.setImage(VEHICLE_ARROW_ID, image);
      this.slots.push(b);
    }
  }
}
