/**
 * The air-quality stations on the globe: each a stem from the station up to its name on a dark
 * plate and a disc in its AQI level's official colour with the AQI on it (stationMarker's layout),
 * never hidden by a building; the figures and names are labels, the discs one image per level.
 * A click on a disc or its label picks the station.
 */
import { BillboardCollection, Cartesian2, Cartesian3, Color, HorizontalOrigin, LabelCollection, SceneTransforms, VerticalOrigin } from 'cesium';
import type { Billboard, Label, Scene } from 'cesium';
import i18next from 'i18next';
import { terrainHeightAt, type TerrainHeights } from '../../../twin/traffic/roads.ts';
import type { LiveAir } from '../LiveAir.ts';
import { DISC_ABOVE_PX, DISC_PX, discImage, figureColor, MARKER_FONT, markerLevel, NAME_PX, PLATE_ABOVE_PX, STEM_PX, stemImage } from '../stationMarker.ts';
import type { EnuFrame } from './EnuFrame.ts';

/** Metres above the terrain the marker stands at: the city's station icon's height. */
export const STATION_LIFT_M = 25;

/** What a station's billboards and labels carry as their pick id. */
interface StationId {
  airStation: string;
}

interface Marker {
  stem: Billboard;
  disc: Billboard;
  figure: Label;
  name: Label;
  aqi: number;
}

const NAME_COLOR = Color.fromCssColorString('#e6f0fa');
const PLATE_COLOR = Color.fromCssColorString('rgba(4, 14, 26, 0.78)');

export class GlobeStations {
  readonly billboards = new BillboardCollection();
  readonly labels = new LabelCollection();
  private readonly byId = new Map<string, Marker>();
  private terrain: TerrainHeights | null = null;
  private shownVersion = -1;
  private visible = true;
  private readonly cleanups: (() => void)[] = [];

  constructor(
    private readonly scene: Scene,
    private readonly frame: EnuFrame,
    private readonly air: LiveAir,
  ) {
    scene.primitives.add(this.billboards);
    scene.primitives.add(this.labels);
    this.cleanups.push(scene.preUpdate.addEventListener(() => this.beforeRender()));
    const redraw = () => {
      this.shownVersion = -1;
      if (!scene.isDestroyed()) scene.requestRender();
    };
    i18next.on('languageChanged', redraw);
    this.cleanups.push(() => i18next.off('languageChanged', redraw));
  }

  setTerrain(terrain: TerrainHeights): void {
    this.terrain = terrain;
    this.shownVersion = -1;
    this.scene.requestRender();
  }

  setShown(visible: boolean): void {
    this.visible = visible;
    this.billboards.show = visible;
    this.labels.show = visible;
    this.scene.requestRender();
  }

  /** The station id of a `scene.pick` result on one of these markers, else null. */
  stationAt(picked: unknown): string | null {
    if (!picked || typeof picked !== 'object') return null;
    const p = picked as { collection?: unknown; id?: Partial<StationId> };
    const mine = p.collection === this.billboards || p.collection === this.labels;
    return mine && typeof p.id?.airStation === 'string' ? p.id.airStation : null;
  }

  /** The stations drawn, with their AQI and where their discs are on the canvas (CSS pixels; those behind the camera left out). */
  shown(): { id: string; aqi: number; x: number; y: number }[] {
    const out: { id: string; aqi: number; x: number; y: number }[] = [];
    if (!this.visible) return out;
    for (const [id, m] of this.byId) {
      if (!m.disc.show) continue;
      const w = SceneTransforms.worldToWindowCoordinates(this.scene, m.disc.position);
      if (w) out.push({ id, aqi: m.aqi, x: w.x, y: w.y - DISC_ABOVE_PX });
    }
    return out;
  }

  destroy(): void {
    for (const c of this.cleanups) c();
    if (this.scene.isDestroyed()) return;
    this.scene.primitives.remove(this.billboards);
    this.scene.primitives.remove(this.labels);
  }

  private beforeRender(): void {
    if (!this.visible || this.air.version === this.shownVersion) return;
    this.shownVersion = this.air.version;
    const zh = i18next.language?.startsWith('zh') ?? true;
    const seen = new Set<string>();
    for (const s of this.air.summary?.stations ?? []) {
      seen.add(s.id);
      const m = this.byId.get(s.id) ?? this.add(s.id);
      const position = this.frame.toEcef(s.x, s.y, (this.terrain ? terrainHeightAt(this.terrain, s.x, s.y) : 0) + STATION_LIFT_M);
      const level = markerLevel(s.aqi);
      m.aqi = s.aqi;
      for (const part of [m.stem, m.disc, m.figure, m.name]) {
        part.position = position;
        part.show = true;
      }
      m.disc.setImage(`air-disc-${level.level}`, () => discImage(level));
      m.figure.text = String(s.aqi);
      m.figure.font = `bold ${s.aqi >= 100 ? 12 : 14}px ${MARKER_FONT}`;
      m.figure.fillColor = Color.fromCssColorString(figureColor(level));
      m.name.text = zh ? s.name.zh : s.name.en;
    }
    for (const [id, m] of this.byId) if (!seen.has(id)) for (const part of [m.stem, m.disc, m.figure, m.name]) part.show = false;
  }

  private add(stationId: string): Marker {
    const id: StationId = { airStation: stationId };
    const common = { id, position: Cartesian3.ZERO, horizontalOrigin: HorizontalOrigin.CENTER, disableDepthTestDistance: Number.POSITIVE_INFINITY };
    const stem = this.billboards.add({ ...common, verticalOrigin: VerticalOrigin.BOTTOM, width: 6, height: STEM_PX });
    stem.setImage('air-station-stem', stemImage);
    const disc = this.billboards.add({ ...common, verticalOrigin: VerticalOrigin.CENTER, width: DISC_PX, height: DISC_PX, pixelOffset: new Cartesian2(0, -DISC_ABOVE_PX) });
    const figure = this.labels.add({ ...common, verticalOrigin: VerticalOrigin.CENTER, pixelOffset: new Cartesian2(0, -DISC_ABOVE_PX) });
    const name = this.labels.add({
      ...common,
      verticalOrigin: VerticalOrigin.CENTER,
      pixelOffset: new Cartesian2(0, -PLATE_ABOVE_PX),
      font: `${NAME_PX}px ${MARKER_FONT}`,
      fillColor: NAME_COLOR,
      showBackground: true,
      backgroundColor: PLATE_COLOR,
      backgroundPadding: new Cartesian2(5, 3),
    });
    const marker: Marker = { stem, disc, figure, name, aqi: 0 };
    this.byId.set(stationId, marker);
    return marker;
  }
}
