/**
 * Per-link traffic figures of a run at one sim time, structure of arrays indexed like the city's
 * `roads.links` (entry k is link k). Traffic engines fill it; the link frame codec sends the part
 * the map colours by; the rest is served on request.
 */
export interface LinkState {
  /** Links: entries [0, count) of every array are valid; equals the city's link count. */
  count: number;
  /** Mean speed of the vehicles on the link, m/s; the free-flow speed when the link is empty. */
  speed: Float32Array;
  /** Vehicles per kilometre, over all lanes of the link. */
  density: Float32Array;
  /** Vehicles per hour leaving the link (smoothed over the last few minutes). */
  flow: Float32Array;
  /** Length of the standing queue at the link's end, metres. */
  queue: Float32Array;
  /** Traffic performance index, 0 (free) to 10 (jammed); see server/sim/traffic/performanceIndex.ts. */
  index: Float32Array;
  /** Lanes closed now; equal to the link's lane count when the whole link is closed. */
  closedLanes: Uint8Array;
}

/** An empty link state for `count` links. */
export function createLinkState(count: number): LinkState {
  return {
    count,
    speed: new Float32Array(count),
    density: new Float32Array(count),
    flow: new Float32Array(count),
    queue: new Float32Array(count),
    index: new Float32Array(count),
    closedLanes: new Uint8Array(count),
  };
}
