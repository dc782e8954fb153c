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
import type { Telemetry } from '../twin/telemetry.ts';

/** Frames further apart than this (ms) while the camera moves drop the view to MOTION_RESOLUTION. */
const MOTION_SLOW_FRAME_MS = 40;
const MOTION_RESOLUTION = 0.5;

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

export interface MotionResolution {
  /** False from the camera's stop until the sharp frame after it has been drawn. */
  settled(): boolean;
  destroy(): void;
}

/**
 * Half resolution while the camera moves and frames are slow, full resolution again when it stops
 * (and one frame drawn at it). Counts `cesium.resolutionReduced` / `cesium.resolutionFull`.
 */
export function reduceResolutionInMotion(viewer: Viewer, telemetry: Telemetry): MotionResolution {
  const scene = viewer.scene;
  let moving = false;
  let lastFrameAt = -Infinity;
  let gapMs = 0;
  let sharpOwed = false;
  const removeStart = viewer.camera.moveStart.addEventListener(() => {
    moving = true;
    lastFrameAt = -Infinity;
    gapMs = 0;
  });
  const removeEnd = viewer.camera.moveEnd.addEventListener(() => {
    moving = false;
    if (viewer.resolutionScale === 1) return;
    viewer.resolutionScale = 1;
    sharpOwed = true;
    telemetry.count('cesium.resolutionFull');
    scene.requestRender();
  });
  const removePostRender = scene.postRender.addEventListener(() => {
    if (viewer.resolutionScale === 1) sharpOwed = false;
    if (!moving) return;
    const now = performance.now();
    const gap = now - lastFrameAt;
    lastFrameAt = now;
    if (Number.isFinite(gap)) gapMs = gapMs === 0 ? gap : (gapMs + gap) / 2;
    // Once reduced, reduced until the camera stops: the faster frames that follow are the reduction's doing.
    if (gapMs > MOTION_SLOW_FRAME_MS && viewer.resolutionScale === 1) {
      viewer.resolutionScale = MOTION_RESOLUTION;
      telemetry.count('cesium.resolutionReduced');
    }
  });
  return {
    settled: () => !sharpOwed && viewer.resolutionScale === 1,
    destroy() {
      removeStart();
      removeEnd();
      removePostRender();
      if (!viewer.isDestroyed()) viewer.resolutionScale = 1;
    },
  };
}
