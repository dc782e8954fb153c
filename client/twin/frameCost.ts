/**
 * What the views' frames cost, and the two rules both views follow when frames are slow (software
 * WebGL, or a weak GPU driving a 4K wall): draw at MOTION_RESOLUTION while the camera moves, and
 * let moving objects alone ask for a frame at most every other frame's time, so the GPU keeps
 * time for the camera (which then moves at once) and the panels.
 */

/** A frame costing more than this (ms) is slow: under 25 frames a second. */
export const SLOW_FRAME_MS = 40;
/** Fraction of the pixel ratio drawn while the camera moves and frames are slow. */
export const MOTION_RESOLUTION = 0.5;

/** A running mean of what frames cost; each view measures its frames its own way and adds them. */
export class FrameCost {
  /** Running mean, ms; 0 before the first frame. */
  ms = 0;

  add(costMs: number): void {
    this.ms = this.ms === 0 ? costMs : (this.ms + costMs) / 2;
  }

  get slow(): boolean {
    return this.ms > SLOW_FRAME_MS;
  }

  /** Whether moving objects alone may have a frame drawn at `now`, the last one being at `lastAt`. */
  allowsObjectFrame(now: number, lastAt: number): boolean {
    return !this.slow || now - lastAt >= 2 * this.ms;
  }
}
