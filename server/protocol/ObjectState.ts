/**
 * The state of a run's moving objects (vehicles, responders…) at one sim time, structure of arrays.
 * Engines fill it; the frame encoder (server/protocol) turns it into bytes; the client decodes into it.
 * Positions are local east-north-up metres at the city origin.
 */
export interface ObjectState {
  /** Objects in use: entries [0, count) of every array are valid. */
  count: number;
  /** Stable object ids, unique within a run; sorted ascending by the producer. */
  id: Uint32Array;
  /** East, metres. */
  x: Float64Array;
  /** North, metres. */
  y: Float64Array;
  /** Radians clockwise from north, [0, 2π). */
  heading: Float32Array;
  /** Metres per second, ≥ 0. */
  speed: Float32Array;
  /** ObjectKind. */
  kind: Uint8Array;
  /** Bit flags (ObjectFlags). */
  flags: Uint8Array;
}

/** What an object is; later engines add kinds at the end, never renumber. */
export const ObjectKind = { car: 0, bus: 1, truck: 2, emergency: 3, responder: 4, person: 5 } as const;
export type ObjectKind = (typeof ObjectKind)[keyof typeof ObjectKind];

/** State bits; later engines add bits, never reuse one. */
export const ObjectFlags = { braking: 1, sirens: 2, stopped: 4, selected: 8 } as const;

/** An empty state with room for `capacity` objects. */
export function createObjectState(capacity: number): ObjectState {
  return {
    count: 0,
    id: new Uint32Array(capacity),
    x: new Float64Array(capacity),
    y: new Float64Array(capacity),
    heading: new Float32Array(capacity),
    speed: new Float32Array(capacity),
    kind: new Uint8Array(capacity),
    flags: new Uint8Array(capacity),
  };
}
