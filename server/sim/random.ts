import { hashInts } from '../city/generate/random.ts';

/**
 * A seeded stream of pseudo-random numbers whose whole state is one 32-bit integer, so a run can
 * save it in a checkpoint and restore it exactly.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  range(min: number, max: number): number;
  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /**
   * An independent stream named by `label`. It depends only on this stream's seed and the label,
   * never on how much has been drawn, so engines get the same stream whatever order they register in.
   */
  fork(label: string): Rng;
  /** The current state, to save in a checkpoint. */
  getState(): number;
  /** Restores a state returned by getState(). */
  setState(state: number): void;
}

function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A mulberry32 stream from an integer seed (any safe integer; both 32-bit halves are mixed in). */
export function createRng(seed: number): Rng {
  if (!Number.isSafeInteger(seed)) throw new Error(`createRng: seed must be a safe integer, got ${String(seed)}`);
  const seed32 = hashInts(seed, Math.floor(seed / 4294967296));
  let state = seed32 | 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    range: (min, max) => min + (max - min) * next(),
    int: (min, max) => min + Math.floor((max - min + 1) * next()),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(items.length * next())],
    fork: (label) => createRng(hashInts(seed32, hashLabel(label))),
    getState: () => state,
    setState: (s) => {
      if (!Number.isInteger(s)) throw new Error(`Rng.setState: state must be an integer, got ${String(s)}`);
      state = s | 0;
    },
  };
}
