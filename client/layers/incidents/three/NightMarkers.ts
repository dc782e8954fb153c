/**
 * The incidents layer's markers in the night view (incidentMarkers: incidents, units on the road,
 * shelters, hospitals): a sprite each of fixed size on screen with its marker's canvas, its foot at
 * the place, never hidden by a building, at the station markers' scale; kept in step by a MarkerSet.
 */
import { CanvasTexture, Group, SRGBColorSpace, Sprite, SpriteMaterial } from 'three';
import type { PerspectiveCamera, Scene, Vector3 } from 'three';
import type { LayerHit, PickQuery } from '../../../three/ThreeLayer.ts';
import type { TerrainHeights } from '../../../twin/traffic/roads.ts';
import { markerScale } from '../../air/three/NightStations.ts';
import { sceneOf } from '../../air/three/sceneFrame.ts';
import type { BurningBuildings } from '../burningBuildings.ts';
import type { MarkerKind } from '../incidentMarkers.ts';
import { markerPick } from '../incidentPick.ts';
import type { LiveIncidents } from '../LiveIncidents.ts';
import { MarkerSet } from '../markerSet.ts';

/** Sprite size per CSS pixel of a marker (sizeAttenuation off), as the station markers': about a pixel on a 720-pixel-high view. */
const PX = 1 / 720;
/** Over the stations' markers. */
const RENDER_ORDER = 10;
/** Colours scaled so, not tone-mapped: brighter than the station markers (an emergency first), the text still crisp under the bloom. */
const BRIGHTNESS = 0.8;

export class NightMarkers {
  private readonly group = new Group();
  private readonly markers: MarkerSet<Sprite>;
  private dirty = false;

  constructor(scene: Scene, incidents: LiveIncidents, buildings: BurningBuildings) {
    this.group.name = 'incident-markers';
    scene.add(this.group);
    const group = this.group;
    this.markers = new MarkerSet(incidents, buildings, {
      make() {
        const sprite = new Sprite(new SpriteMaterial({ depthTest: false, depthWrite: false, sizeAttenuation: false, transparent: true, toneMapped: false }));
        sprite.renderOrder = RENDER_ORDER;
        sprite.material.color.setScalar(BRIGHTNESS);
        group.add(sprite);
        return sprite;
      },
      place(sprite, spec, image) {
        sceneOf(spec.x, spec.y, spec.z, sprite.position);
        sprite.visible = true;
        if (!image) return;
        const texture = new CanvasTexture(image.canvas);
        texture.colorSpace = SRGBColorSpace;
        sprite.material.map?.dispose();
        sprite.material.map = texture;
        sprite.material.needsUpdate = true;
        sprite.scale.set(image.width * PX, image.height * PX, 1);
        sprite.center.set(image.anchor.x, image.anchor.y);
      },
      hide: (sprite) => (sprite.visible = false),
    });
  }

  setTerrain(terrain: TerrainHeights): void {
    this.markers.terrain = terrain;
  }

  setShown(visible: boolean): void {
    this.group.visible = visible;
    this.dirty = true;
  }

  /** The markers drawn, with their feet in the scene. */
  shown(): { id: string; kind: MarkerKind; at: Vector3 }[] {
    if (!this.group.visible) return [];
    return this.markers
      .all()
      .filter(({ entry }) => entry.visible)
      .map(({ entry, spec }) => ({ id: spec.id, kind: spec.kind, at: entry.position.clone() }));
  }

  /** The marker whose image is under a click (the last drawn wins: it is on top). */
  pick(query: PickQuery): LayerHit | null {
    const { camera, x, y, width, height } = query;
    const s = markerScale(camera as PerspectiveCamera, height) / PX;
    let hit: LayerHit | null = null;
    for (const { entry: sprite, spec } of this.markers.all()) {
      if (!sprite.visible || !this.group.visible) continue;
      const v = sprite.position.clone().project(camera);
      if (v.z > 1) continue;
      const [fx, fy] = [((v.x + 1) / 2) * width, ((1 - v.y) / 2) * height];
      const [w, h] = [sprite.scale.x * s, sprite.scale.y * s];
      const left = fx - sprite.center.x * w;
      const top = fy - (1 - sprite.center.y) * h;
      // Drawn over everything (no depth test): nothing is in front of it, so its distance is 0.
      if (x >= left && x <= left + w && y >= top && y <= top + h) hit = { distance: 0, offPx: 0, rank: 0, pick: markerPick(spec.kind, spec.id) };
    }
    return hit;
  }

  /** Brings the markers in line with the summary; true when the still picture must be drawn again. */
  update(): boolean {
    const dirty = this.dirty;
    this.dirty = false;
    return (this.group.visible && this.markers.sync()) || dirty;
  }

  destroy(): void {
    this.group.removeFromParent();
    for (const { entry } of this.markers.all()) {
      entry.material.map?.dispose();
      entry.material.dispose();
    }
  }
}
