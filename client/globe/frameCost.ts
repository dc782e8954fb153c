/**
 * Keeping the Cesium view's frames cheap where the picture does not need the work: no atmosphere
 * when no sky is in view, and half resolution while the camera moves and frames come slowly.
 *
 * Measured under SwiftShader at 1280×720 (the bench's city-centre pose, looking down 35°, no sky
 * on screen): a frame cost ~1.5 s, of which the fog and ground atmosphere took ~500 ms and the sky
 * atmosphere, drawn behind everything whether seen or not, more; what is left is mostly pixels:
 * half the resolution took a frame from ~850 to ~330 ms.
 */
import { Cartesian2, Cartesian3, Ellipsoid } from 'cesium';
import type { Scene, Viewer } from 'cesium';
import { FrameCost, MOTION_RESOLUTION } from '../twin/frameCost.ts';
import type { Telemetry } from '../twin/telemetry.ts';

/** Screen points along the top edge (fractions of the width) that decide whether any sky shows. */
const TOP_EDGE = [0, 0.25, 0.5, 0.75, 1];

/**
 * True when the view shows some sky: one of the points along the top edge of the canvas looks
 * past the ellipsoid. (Buildings standing above the horizon only hide more of it.)
 */
export function skyInView(scene: Scene): boolean {
  const width = scene.canvas.clientWidth;
  const hit = new Cartesian3();
  const point = new Cartesian2();
  return TOP_EDGE.some((f) => !scene.camera.pickEllipsoid(Cartesian2.fromElements(f * width, 0, point), Ellipsoid.WGS84, hit));
}

/**
 * Draws the sky atmosphere, the fog and the ground's atmosphere only in frames where sky is in
 * view; returns the undo. Looking down on the city, the fog and the ground atmosphere change no
 * pixel one can see (compared side by side at the city-centre pose) and cost ~500 ms of a frame.
 */
export function drawAtmosphereOnlyWithSky(scene: Scene): () => void {
  const show = (on: boolean) => {
    if (scene.skyAtmosphere) scene.skyAtmosphere.show = on;
    scene.fog.enabled = on;
    scene.globe.showGroundAtmosphere = on;
  };
  const remove = scene.preRender.addEventListener(() => show(skyInView(scene)));
  return () => {
    remove();
    // Leaving the view destroys the scene (and its globe) first: nothing is left to restore.
    if (!scene.isDestroyed()) show(true);
  };
}

/** The `complete` and `cancel` options of a Cesium camera flight. */
export interface FlightEnds {
  complete: () => void;
  cancel: () => void;
}

export interface MotionResolution {
  /** False from the camera's stop until the sharp frame after it has been drawn. */
  settled(): boolean;
  /**
   * Before a flight the view starts itself: reduces the resolution now if frames are slow, so its
   * first frame is not drawn at full size. Returns the flight's `complete` and `cancel` options.
   */
  flightStarting(): FlightEnds;
  destroy(): void;
}

/**
 * The Cesium view's frame cost: the time from a frame's start to the next animation frame the
 * browser grants, which waits for the GPU (or SwiftShader) to finish it.
 */
export class FrameCostMeter extends FrameCost {
  private startedAt = 0;
  private measuring = false;
  private readonly listeners: (() => void)[] = [];
  private readonly removers: (() => void)[];

  constructor(scene: Scene) {
    super();
    this.removers = [
      scene.preRender.addEventListener(() => {
        this.startedAt = performance.now();
      }),
      scene.postRender.addEventListener(() => {
        if (this.measuring) return;
        this.measuring = true;
        const started = this.startedAt;
        requestAnimationFrame(() => {
          this.measuring = false;
          this.add(performance.now() - started);
          for (const l of this.listeners) l();
        });
      }),
    ];
  }

  /** Calls `listener` after each measurement. */
  onMeasured(listener: () => void): void {
    this.listeners.push(listener);
  }

  destroy(): void {
    for (const remove of this.removers) remove();
    this.listeners.length = 0;
  }
}

/**
 * Half resolution while the camera moves and frames are slow, full resolution again when it stops
 * (and one frame drawn at it). Counts `cesium.resolutionReduced` / `cesium.resolutionFull`. A
 * camera that starts moving after slow frames at rest (vehicles moving, say) is reduced from its
 * second moving frame (Cesium reports the move while drawing the first); a flight the view starts
 * itself is reduced before its first frame (`flightStarting`).
 */
export function reduceResolutionInMotion(viewer: Viewer, cost: FrameCostMeter, telemetry: Telemetry): MotionResolution {
  const scene = viewer.scene;
  let moving = false;
  let sharpOwed = false;
  const reduceIfSlow = () => {
    // A measurement can land after resium destroyed the viewer (in a layout effect) and before the
    // view's own cleanup (a passive effect, after paint) stopped the meter.
    if (viewer.isDestroyed()) return;
    // Once reduced, reduced until the camera stops: the faster frames that follow are the reduction's doing.
    if (!moving || !cost.slow || viewer.resolutionScale !== 1) return;
    viewer.resolutionScale = MOTION_RESOLUTION;
    telemetry.count('cesium.resolutionReduced');
  };
  cost.onMeasured(reduceIfSlow);
  const restore = () => {
    if (viewer.isDestroyed() || viewer.resolutionScale === 1) return;
    viewer.resolutionScale = 1;
    sharpOwed = true;
    telemetry.count('cesium.resolutionFull');
    scene.requestRender();
  };
  const removeStart = viewer.camera.moveStart.addEventListener(() => {
    moving = true;
    reduceIfSlow();
  });
  const removeEnd = viewer.camera.moveEnd.addEventListener(() => {
    moving = false;
    restore();
  });
  const removePostRender = scene.postRender.addEventListener(() => {
    if (viewer.resolutionScale === 1) sharpOwed = false;
  });
  return {
    settled: () => !viewer.isDestroyed() && !sharpOwed && viewer.resolutionScale === 1,
    flightStarting() {
      const wasMoving = moving;
      moving = true;
      reduceIfSlow();
      // Cesium reports the move while drawing the flight's first frame; a flight that never moves the camera reports nothing.
      moving = wasMoving;
      const ended = () => {
        if (!moving) restore();
      };
      return { complete: ended, cancel: ended };
    },
    destroy() {
      removeStart();
      removeEnd();
      removePostRender();
      if (!viewer.isDestroyed()) viewer.resolutionScale = 1;
    },
  };
}
