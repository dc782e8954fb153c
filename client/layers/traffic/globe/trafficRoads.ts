/**
 * Roads coloured by their congestion level in the Cesium view: one Primitive of pixel-wide
 * polylines, one GeometryInstance per link (id = the link's index in link frames), built once in
 * Cesium's workers and recoloured in place from the live link frames — only the links whose
 * colour changed, never rebuilding the geometry.
 */
import { ArcType, Cartesian3, Color, ColorGeometryInstanceAttribute, GeometryInstance, PolylineColorAppearance, PolylineGeometry, Primitive, SceneTransforms } from 'cesium';
import type { Scene } from 'cesium';
import { enuToEcefMatrix } from '../../../twin/geo.ts';
import type { Telemetry } from '../../../twin/telemetry.ts';
import { loadRoads, type RoadNet } from '../../../twin/traffic/roads.ts';
import type { CityInfo } from '../../../twin/types.ts';
import type { LiveTraffic } from '../LiveTraffic.ts';
import { fillLinkColors, NO_DATA_COLOR } from '../trafficColors.ts';

/** Line width by road class, pixels: readable from the whole-city view, main roads stand out. */
const WIDTH_PX: Record<string, number> = { expressway: 5, arterial: 4, collector: 3, local: 2 };
const DEFAULT_WIDTH_PX = 2;

interface InstanceAttributes {
  color: Uint8Array;
}

/** The coloured road lines of one city; `destroy` removes them. */
export class TrafficRoads {
  /** The road network once loaded, else null. */
  net: RoadNet | null = null;
  /** Links drawn once the primitive is ready, else 0. */
  readyLinks = 0;
  /** `traffic.version` the colours show; -1 before the first colouring. */
  coloredVersion = -1;
  /** True when the colours come from a link frame (not the no-data grey). */
  hasLinkFrame = false;

  private primitive: Primitive | null = null;
  private attributes: (InstanceAttributes | undefined)[] = [];
  private colors = new Uint8Array(0);
  private shown = new Uint8Array(0);
  private visible = true;
  private destroyed = false;
  private building = 0;
  private drawnPending = false;
  private readonly matrix: number[];
  private readonly cleanups: (() => void)[] = [];

  constructor(
    private readonly scene: Scene,
    city: CityInfo,
    private readonly traffic: LiveTraffic,
    private readonly telemetry: Telemetry,
  ) {
    this.matrix = enuToEcefMatrix(city.origin);
    loadRoads(city.id).then(
      (net) => this.build(net),
      (error: Error) => {
        if (this.destroyed) return;
        console.warn(`TrafficRoads: ${error.message}`);
        telemetry.emit('cesium', 'roads-failed', { message: error.message });
      },
    );
    // React may destroy the viewer before this object's owner cleans up: a frame arriving in between must not touch it.
    this.cleanups.push(traffic.subscribe(() => !scene.isDestroyed() && scene.requestRender()));
    this.cleanups.push(scene.preUpdate.addEventListener(() => this.beforeRender()));
    this.cleanups.push(
      scene.postRender.addEventListener(() => {
        if (!this.drawnPending) return;
        this.drawnPending = false;
        telemetry.emit('cesium', 'roads-colored', { version: this.coloredVersion, data: this.hasLinkFrame });
      }),
    );
  }

  /** True while the lines' geometry is being made (in the web workers), from the network's arrival until they are drawn. */
  get isBuilding(): boolean {
    return this.primitive !== null && this.readyLinks === 0;
  }

  /** Shows or hides the lines (the traffic layer). */
  setShown(visible: boolean): void {
    this.visible = visible;
    if (this.primitive) this.primitive.show = visible;
    this.scene.requestRender();
  }

  get isShown(): boolean {
    return this.visible;
  }

  /** The link index of a `scene.pick` result on these lines, else null. */
  linkAt(picked: unknown): number | null {
    if (!this.primitive || !picked || typeof picked !== 'object') return null;
    const p = picked as { primitive?: unknown; id?: unknown };
    return p.primitive === this.primitive && typeof p.id === 'number' ? p.id : null;
  }

  /** The colour link `k` is drawn in, as RGB bytes. */
  linkColor(k: number): [number, number, number] {
    return [this.shown[4 * k], this.shown[4 * k + 1], this.shown[4 * k + 2]];
  }

  /** Where `n` evenly spaced points along link `k` are on screen (CSS pixels from the canvas's top-left), null when behind the camera. */
  linkScreenPoints(k: number, n: number): ({ x: number; y: number } | null)[] {
    const net = this.net;
    if (!net || k < 0 || k >= net.count) return [];
    const { starts, points } = net;
    const a = starts[k];
    const b = starts[k + 1];
    const cumulative = [0];
    for (let p = a + 1; p < b; p++) {
      cumulative.push(cumulative[cumulative.length - 1] + Math.hypot(points[3 * p] - points[3 * p - 3], points[3 * p + 1] - points[3 * p - 2]));
    }
    const length = cumulative[cumulative.length - 1];
    const out: ({ x: number; y: number } | null)[] = [];
    for (let i = 0; i < n; i++) {
      const s = (length * (i + 0.5)) / n;
      let j = 1;
      while (j < cumulative.length - 1 && cumulative[j] < s) j++;
      const t = cumulative[j] > cumulative[j - 1] ? (s - cumulative[j - 1]) / (cumulative[j] - cumulative[j - 1]) : 0;
      const p0 = a + j - 1;
      const lerp = (o: number) => points[3 * p0 + o] + (points[3 * p0 + 3 + o] - points[3 * p0 + o]) * t;
      const w = SceneTransforms.worldToWindowCoordinates(this.scene, this.toEcef(lerp(0), lerp(1), lerp(2)));
      out.push(w ? { x: w.x, y: w.y } : null);
    }
    return out;
  }

  destroy(): void {
    this.destroyed = true;
    for (const c of this.cleanups) c();
    cancelAnimationFrame(this.building);
    if (this.primitive && !this.scene.isDestroyed()) this.scene.primitives.remove(this.primitive);
    this.primitive = null;
  }

  private toEcef(x: number, y: number, z: number, out = new Cartesian3()): Cartesian3 {
    const m = this.matrix;
    out.x = m[0] * x + m[4] * y + m[8] * z + m[12];
    out.y = m[1] * x + m[5] * y + m[9] * z + m[13];
    out.z = m[2] * x + m[6] * y + m[10] * z + m[14];
    return out;
  }

  private build(net: RoadNet): void {
    if (this.destroyed || this.scene.isDestroyed()) return;
    this.net = net;
    const { starts, points } = net;
    const instances: GeometryInstance[] = [];
    // Until the first recolouring (the lines are ready before any link frame is applied): the no-data grey, not black.
    const color = ColorGeometryInstanceAttribute.fromColor(Color.fromCssColorString(NO_DATA_COLOR));
    for (let k = 0; k < net.count; k++) {
      const positions: Cartesian3[] = [];
      for (let p = starts[k]; p < starts[k + 1]; p++) {
        const q = this.toEcef(points[3 * p], points[3 * p + 1], points[3 * p + 2]);
        // PolylineGeometry drops repeated points and makes nothing of fewer than two: skip such links here, so ids stay links.
        if (positions.length === 0 || Cartesian3.distanceSquared(q, positions[positions.length - 1]) > 1e-4) positions.push(q);
      }
      if (positions.length < 2) continue;
      instances.push(
        new GeometryInstance({
          id: k,
          geometry: new PolylineGeometry({
            positions,
            width: WIDTH_PX[net.classes[k]] ?? DEFAULT_WIDTH_PX,
            vertexFormat: PolylineColorAppearance.VERTEX_FORMAT,
            arcType: ArcType.NONE,
          }),
          attributes: { color },
        }),
      );
    }
    // Geometry is made in Cesium's web workers (asynchronous): the view keeps drawing meanwhile.
    const primitive = new Primitive({
      geometryInstances: instances,
      appearance: new PolylineColorAppearance({ translucent: false }),
      asynchronous: true,
      show: this.visible,
    });
    this.primitive = primitive;
    this.colors = new Uint8Array(4 * net.count);
    this.shown = new Uint8Array(4 * net.count);
    this.scene.primitives.add(primitive);
    // With requestRenderMode nothing draws while the workers run: keep asking until the lines are in.
    const poll = () => {
      if (this.destroyed || this.scene.isDestroyed()) return;
      if (this.readyLinks > 0) return;
      this.scene.requestRender();
      this.building = requestAnimationFrame(poll);
    };
    poll();
  }

  /** Before each render: once the lines are ready, recolour them when the link frame changed. */
  private beforeRender(): void {
    const primitive = this.primitive;
    const net = this.net;
    if (!primitive || !net || !primitive.ready) return;
    if (this.readyLinks === 0) {
      // Attribute objects looked up once in id order: Primitive searches from the last hit, so this is linear.
      this.attributes = Array.from({ length: net.count }, (_, k) => primitive.getGeometryInstanceAttributes(k) as InstanceAttributes | undefined);
      this.readyLinks = net.count;
      this.telemetry.emit('cesium', 'roads-ready', { links: net.count });
    }
    const version = this.traffic.version;
    if (version === this.coloredVersion) return;
    this.coloredVersion = version;
    const frame = this.traffic.links && this.traffic.links.count === net.count ? this.traffic.links : null;
    this.hasLinkFrame = frame !== null;
    const colors = fillLinkColors(frame, net.count, this.colors);
    const shown = this.shown;
    const value = new Uint8Array(4);
    let changed = 0;
    for (let k = 0; k < net.count; k++) {
      const o = 4 * k;
      if (shown[o] === colors[o] && shown[o + 1] === colors[o + 1] && shown[o + 2] === colors[o + 2] && shown[o + 3] === colors[o + 3]) continue;
      shown[o] = colors[o];
      shown[o + 1] = colors[o + 1];
      shown[o + 2] = colors[o + 2];
      shown[o + 3] = colors[o + 3];
      const a = this.attributes[k];
      if (!a) continue;
      value[0] = colors[o];
      value[1] = colors[o + 1];
      value[2] = colors[o + 2];
      value[3] = colors[o + 3];
      a.color = value;
      changed++;
    }
    this.telemetry.count('cesium.linksRecolored', changed);
    this.drawnPending = true;
  }
}
