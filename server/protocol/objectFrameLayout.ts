/** Quantization and layout constants shared by ObjectFrameEncoder and ObjectFrameDecoder (README.md has the tables). */

/** Positions travel as integer centimetres: error ≤ 5 mm per axis. */
export const POSITION_STEPS_PER_METRE = 100;
/** Heading travels as uint16 turns/65536: error ≤ 0.0028°. */
export const HEADING_STEPS = 65536;
/** Speed travels as integer cm/s. */
export const SPEED_STEPS_PER_MPS = 100;

/** |x|, |y| ≤ 1000 km in centimetres: keeps every second difference inside int32. */
export const MAX_POSITION_Q = 100_000_000;
/** Speed ≤ 10 km/s in cm/s. */
export const MAX_SPEED_Q = 1_000_000;
/** Most objects a decoder accepts in one frame unless told otherwise. */
export const DEFAULT_MAX_OBJECTS = 1 << 21;

/** Bytes of the object frame header after the 16-byte common header. */
export const OBJECT_HEADER_BYTES = 20;

/** Change-mask bits of a delta entry. */
export const Change = {
  x: 1,
  y: 2,
  heading: 4,
  speed: 8,
  kind: 16,
  flags: 32,
  /** A new object: absolute x, y, heading, speed, kind, flags follow; no other bit may be set. */
  added: 64,
  /** The object is gone: nothing follows; no other bit may be set. */
  removed: 128,
} as const;

/** The least bytes one keyframe entry can take (9 one-byte fields): caps a hostile count. */
export const MIN_KEYFRAME_ENTRY_BYTES = 9;
/** The least bytes one delta entry can take (id gap + mask). */
export const MIN_DELTA_ENTRY_BYTES = 2;

/** Per-object quantized state both ends keep, structure of arrays, sorted by id. */
export interface QuantizedObjects {
  count: number;
  id: Uint32Array;
  qx: Int32Array;
  qy: Int32Array;
  /** Displacement since the previous frame, the predictor for the next one. */
  dx: Int32Array;
  dy: Int32Array;
  qh: Uint16Array;
  qs: Uint32Array;
  kind: Uint8Array;
  flags: Uint8Array;
}

export function createQuantizedObjects(capacity: number): QuantizedObjects {
  return {
    count: 0,
    id: new Uint32Array(capacity),
    qx: new Int32Array(capacity),
    qy: new Int32Array(capacity),
    dx: new Int32Array(capacity),
    dy: new Int32Array(capacity),
    qh: new Uint16Array(capacity),
    qs: new Uint32Array(capacity),
    kind: new Uint8Array(capacity),
    flags: new Uint8Array(capacity),
  };
}

/** `q` with room for at least `capacity` objects, its first `keep` entries preserved. */
export function ensureQuantizedCapacity(q: QuantizedObjects, capacity: number, keep: number): QuantizedObjects {
  if (q.id.length >= capacity) return q;
  const next = createQuantizedObjects(Math.max(capacity, q.id.length * 2, 16));
  next.count = q.count;
  next.id.set(q.id.subarray(0, keep));
  next.qx.set(q.qx.subarray(0, keep));
  next.qy.set(q.qy.subarray(0, keep));
  next.dx.set(q.dx.subarray(0, keep));
  next.dy.set(q.dy.subarray(0, keep));
  next.qh.set(q.qh.subarray(0, keep));
  next.qs.set(q.qs.subarray(0, keep));
  next.kind.set(q.kind.subarray(0, keep));
  next.flags.set(q.flags.subarray(0, keep));
  return next;
}

/** Metres → centimetres, the exact value both ends agree on. */
export function quantizePosition(metres: number): number {
  return Math.round(metres * POSITION_STEPS_PER_METRE);
}

/** Radians clockwise from north → uint16 (wraps, so any finite angle is fine). */
export function quantizeHeading(radians: number): number {
  const steps = Math.round((radians / (2 * Math.PI)) * HEADING_STEPS) % HEADING_STEPS;
  return steps < 0 ? steps + HEADING_STEPS : steps;
}

/** Metres per second → cm/s. */
export function quantizeSpeed(mps: number): number {
  return Math.round(mps * SPEED_STEPS_PER_MPS);
}

/** Shortest signed difference of two uint16 headings, in [-32768, 32767]. */
export function headingDelta(to: number, from: number): number {
  return ((to - from + 32768) & 0xffff) - 32768;
}
