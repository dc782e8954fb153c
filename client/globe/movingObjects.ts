/**
 * Moving objects in the Cesium view: one PointPrimitiveCollection updated in place every display
 * frame from the interpolated live state (never one Entity per object), coloured by kind.
 */
import { BlendOption, Cartesian3, Color, NearFarScalar, PointPrimitiveCollection } from 'cesium';
import type { PointPrimitive, Viewer } from 'cesium';
import type { LiveConnection } from '../twin/live/LiveConnection.ts';
import { objectKindColor } from '../twin/live/objectColors.ts';
import { enuToEcefMatrix } from '../twin/geo.ts';
import type { Telemetry } from '../twin/telemetry.ts';
import type { CityInfo } from '../twin/types.ts';

/** Height above the city origin objects are drawn at, metres (the stream carries no height). */
const OBJECT_HEIGHT = 3;

/** Draws the live objects in `viewer` until the returned function is called. */
export function showMovingObjects(viewer: Viewer, city: CityInfo, live: LiveConnection, telemetry: Telemetry): () => void {
  const scene = viewer.scene;
  const collection = new PointPrimitiveCollection({ blendOption: BlendOption.OPAQUE });
  scene.primitives.add(collection);
  const m = enuToEcefMatrix(city.origin);
  const colors = new Map<number, Color>();
  const colorOf = (kind: number): Color => {
    let c = colors.get(kind);
    if (!c) colors.set(kind, (c = Color.fromCssColorString(objectKindColor(kind))));
    return c;
  };
  // Smaller from far away, so a whole city of cars reads as streams rather than a carpet.
  const scaleByDistance = new NearFarScalar(500, 1.6, 10000, 0.6);
  const points: PointPrimitive[] = [];
  const shownKind: number[] = [];
  const position = new Cartesian3();
  let shown = 0;
  let frame = 0;

  const update = () => {
    frame = requestAnimationFrame(update);
    if (viewer.isDestroyed()) return;
    const objects = live.sample();
    const n = objects.count;
    if (n === 0 && shown === 0) return;
    const { x, y, kind } = objects;
    const u = OBJECT_HEIGHT;
    for (let i = 0; i < n; i++) {
      let p = points[i];
      if (!p) {
        // Drawn over the ground: objects carry no height and the terrain is not sampled.
        p = collection.add({ pixelSize: 3, scaleByDistance, disableDepthTestDistance: Number.POSITIVE_INFINITY });
        points.push(p);
        shownKind.push(-1);
      }
      const e = x[i];
      const nn = y[i];
      position.x = m[0] * e + m[4] * nn + m[8] * u + m[12];
      position.y = m[1] * e + m[5] * nn + m[9] * u + m[13];
      position.z = m[2] * e + m[6] * nn + m[10] * u + m[14];
      p.position = position;
      if (shownKind[i] !== kind[i]) {
        shownKind[i] = kind[i];
        p.color = colorOf(kind[i]);
      }
      if (!p.show) p.show = true;
    }
    for (let i = n; i < shown; i++) points[i].show = false;
    shown = n;
    telemetry.counters['cesium.objectsDrawn'] = n;
    telemetry.counters['live.sequence'] = objects.lastSequence;
    scene.requestRender();
  };
  frame = requestAnimationFrame(update);

  return () => {
    cancelAnimationFrame(frame);
    if (!viewer.isDestroyed()) scene.primitives.remove(collection);
    telemetry.counters['cesium.objectsDrawn'] = 0;
  };
}
