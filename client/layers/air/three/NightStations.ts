/**
 * The air-quality stations in the night view: a glowing marker each (stationMarker with its glow),
 * a sprite of fixed size on screen over the station, never hidden by a building, showing the AQI
 * on its level's colour and the station's name; redrawn when a station's AQI or the language changes.
 */
import { CanvasTexture, Group, SRGBColorSpace, Sprite, SpriteMaterial, Vector2, Vector3 } from 'three';
import type { PerspectiveCamera, Scene } from 'three';
import i18next from 'i18next';
import type { LayerHit, PickQuery } from '../../../three/ThreeLayer.ts';
import { terrainHeightAt, type TerrainHeights } from '../../../twin/traffic/roads.ts';
import { stationPick } from '../airPick.ts';
import type { LiveAir } from '../LiveAir.ts';
import { DISC_ABOVE_PX, stationMarker } from '../stationMarker.ts';
import { sceneOf } from './sceneFrame.ts';

/** Metres above the terrain the marker stands at (the city's station icon's height), as on the globe. */
const STATION_LIFT_M = 25;
/** Sprite sizes (sizeAttenuation off) per CSS pixel, as the view's own facility labels: about a pixel on a 720-pixel-high view. */
const PX = 1 / 720;
/** Over the city's labels of the scene; under nothing. */
const RENDER_ORDER = 9;
/**
 * The markers' colours are scaled by this and not tone-mapped: the official colours as they are,
 * just under the bloom's threshold, so the canvas's own glow rings the disc and the AQI stays legible.
 */
const MARKER_BRIGHTNESS = 0.5;
/** The disc's radius on screen and the slack around it a click still hits, CSS pixels. */
const PICK_RADIUS_PX = 19;

/** CSS pixels on screen per CSS pixel of a marker drawn at PX, for `camera` on a view `heightPx` high. */
export function markerScale(camera: PerspectiveCamera, heightPx: number): number {
  return (PX * heightPx) / (2 * Math.tan((camera.fov * Math.PI) / 360));
}

interface Entry {
  sprite: Sprite;
  key: string;
  aqi: number;
}

export class NightStations {
  private readonly group = new Group();
  private readonly byId = new Map<string, Entry>();
  private terrain: TerrainHeights | null = null;
  private shownVersion = -1;
  private visible = true;
  private dirty = false;
  private readonly unlisten: () => void;

  constructor(
    scene: Scene,
    private readonly air: LiveAir,
  ) {
    this.group.name = 'air-stations';
    scene.add(this.group);
    const redraw = () => {
      this.shownVersion = -1;
    };
    i18next.on('languageChanged', redraw);
    this.unlisten = () => i18next.off('languageChanged', redraw);
  }

  setTerrain(terrain: TerrainHeights): void {
    this.terrain = terrain;
    this.shownVersion = -1;
  }

  setShown(visible: boolean): void {
    this.visible = visible;
    this.group.visible = visible;
    this.dirty = true;
  }

  /** Brings the markers in line with the latest summary; true when the still picture must be drawn again. */
  update(): boolean {
    let changed = this.dirty;
    this.dirty = false;
    if (!this.visible || this.air.version === this.shownVersion) return changed;
    this.shownVersion = this.air.version;
    const zh = i18next.language?.startsWith('zh') ?? true;
    const seen = new Set<string>();
    for (const s of this.air.summary?.stations ?? []) {
      seen.add(s.id);
      const name = zh ? s.name.zh : s.name.en;
      const key = `${s.aqi}|${name}`;
      let entry = this.byId.get(s.id);
      if (!entry) {
        const sprite = new Sprite(new SpriteMaterial({ depthTest: false, depthWrite: false, sizeAttenuation: false, transparent: true, toneMapped: false }));
        sprite.renderOrder = RENDER_ORDER;
        sprite.material.color.setScalar(MARKER_BRIGHTNESS);
        sprite.userData.airStation = s.id;
        this.group.add(sprite);
        entry = { sprite, key: '', aqi: s.aqi };
        this.byId.set(s.id, entry);
        changed = true;
      }
      const z = (this.terrain ? terrainHeightAt(this.terrain, s.x, s.y) : 0) + STATION_LIFT_M;
      const before = entry.sprite.position.clone();
      sceneOf(s.x, s.y, z, entry.sprite.position);
      if (!before.equals(entry.sprite.position)) changed = true;
      if (!entry.sprite.visible) {
        entry.sprite.visible = true;
        changed = true;
      }
      if (entry.key !== key) {
        entry.key = key;
        entry.aqi = s.aqi;
        const marker = stationMarker(s.aqi, name);
        const texture = new CanvasTexture(marker.canvas);
        texture.colorSpace = SRGBColorSpace;
        const material = entry.sprite.material;
        material.map?.dispose();
        material.map = texture;
        material.needsUpdate = true;
        entry.sprite.scale.set(marker.width * PX, marker.height * PX, 1);
        entry.sprite.center = new Vector2(marker.anchor.x, marker.anchor.y);
        changed = true;
      }
    }
    for (const [id, entry] of this.byId) {
      if (!seen.has(id) && entry.sprite.visible) {
        entry.sprite.visible = false;
        changed = true;
      }
    }
    return changed;
  }

  /** The stations drawn with their AQI and scene positions (the stems' feet; the discs are DISC_ABOVE_PX above, at markerScale). */
  shown(): { id: string; aqi: number; at: Vector3 }[] {
    if (!this.visible) return [];
    return [...this.byId].filter(([, e]) => e.sprite.visible).map(([id, e]) => ({ id, aqi: e.aqi, at: e.sprite.position.clone() }));
  }

  /** The station whose disc is under (or a few pixels from) a click. */
  pick(query: PickQuery): LayerHit | null {
    const { camera, x, y, width, height } = query;
    let best: LayerHit | null = null;
    for (const s of this.shown()) {
      const v = s.at.clone().project(camera as PerspectiveCamera);
      if (v.z > 1) continue;
      const off = Math.hypot(((v.x + 1) / 2) * width - x, ((1 - v.y) / 2) * height - DISC_ABOVE_PX * markerScale(camera as PerspectiveCamera, height) - y);
      if (off > PICK_RADIUS_PX) continue;
      const offPx = Math.max(0, off - PICK_RADIUS_PX + 4);
      // Drawn over everything (no depth test): nothing is in front of it, so its distance is 0.
      if (!best || offPx < best.offPx) best = { distance: 0, offPx, rank: 0, pick: stationPick(s.id) };
    }
    return best;
  }

  destroy(): void {
    this.unlisten();
    this.group.removeFromParent();
    for (const { sprite } of this.byId.values()) {
      sprite.material.map?.dispose();
      sprite.material.dispose();
    }
  }
}

