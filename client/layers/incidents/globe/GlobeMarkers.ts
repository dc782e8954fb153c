/**
 * The incidents layer's markers on the globe (incidentMarkers: incidents, units on the road,
 * shelters, hospitals): one billboard each with its marker's canvas (an image per look in the
 * texture atlas), its foot at the place, never hidden by a building; kept in step by a MarkerSet.
 */
import { BillboardCollection, Cartesian2, Cartesian3, HorizontalOrigin, SceneTransforms, VerticalOrigin } from 'cesium';
import type { Billboard, Scene } from 'cesium';
import i18next from 'i18next';
import type { TerrainHeights } from '../../../twin/traffic/roads.ts';
import type { EnuFrame } from '../../air/globe/EnuFrame.ts';
import type { BurningBuildings } from '../burningBuildings.ts';
import type { MarkerKind, MarkerSpec } from '../incidentMarkers.ts';
import { imageId } from '../markerImage.ts';
import { MarkerSet } from '../markerSet.ts';
import type { LiveIncidents } from '../LiveIncidents.ts';

export class GlobeMarkers {
  readonly billboards = new BillboardCollection();
  private readonly markers: MarkerSet<Billboard>;
  private readonly cleanups: (() => void)[] = [];

  constructor(
    private readonly scene: Scene,
    frame: EnuFrame,
    incidents: LiveIncidents,
    buildings: BurningBuildings,
  ) {
    scene.primitives.add(this.billboards);
    this.markers = new MarkerSet(incidents, buildings, {
      make: () => this.billboards.add({ position: Cartesian3.ZERO, horizontalOrigin: HorizontalOrigin.LEFT, verticalOrigin: VerticalOrigin.BOTTOM, disableDepthTestDistance: Number.POSITIVE_INFINITY }),
      place(b, spec, image) {
        b.position = frame.toEcef(spec.x, spec.y, spec.z);
        b.show = true;
        b.id = { incidentMarker: spec };
        if (!image) return;
        b.setImage(imageId(spec.key), image.canvas);
        b.width = image.width;
        b.height = image.height;
        b.pixelOffset = new Cartesian2(-image.anchor.x * image.width, image.anchor.y * image.height);
      },
      hide: (b) => (b.show = false),
    });
    this.cleanups.push(scene.preUpdate.addEventListener(() => this.billboards.show && this.markers.sync()));
    const redraw = () => !scene.isDestroyed() && scene.requestRender();
    i18next.on('languageChanged', redraw);
    this.cleanups.push(() => i18next.off('languageChanged', redraw), incidents.subscribe(redraw));
  }

  setTerrain(terrain: TerrainHeights): void {
    this.markers.terrain = terrain;
    this.scene.requestRender();
  }

  setShown(visible: boolean): void {
    this.billboards.show = visible;
    this.scene.requestRender();
  }

  /** The markers drawn and where their feet are on the canvas (CSS pixels; those behind the camera left out). */
  shown(): { id: string; kind: MarkerKind; x: number; y: number }[] {
    if (!this.billboards.show) return [];
    return this.markers.all().flatMap(({ entry, spec }) => {
      const w = entry.show ? SceneTransforms.worldToWindowCoordinates(this.scene, entry.position) : undefined;
      return w ? [{ id: spec.id, kind: spec.kind, x: w.x, y: w.y }] : [];
    });
  }

  /** The marker (its kind and id) of a `scene.pick` result, else null. */
  markerAt(picked: unknown): { kind: MarkerKind; id: string } | null {
    const p = picked as { collection?: unknown; id?: { incidentMarker?: MarkerSpec } } | null;
    const spec = p?.collection === this.billboards ? p.id?.incidentMarker : undefined;
    return spec ? { kind: spec.kind, id: spec.id } : null;
  }

  destroy(): void {
    for (const c of this.cleanups) c();
    if (!this.scene.isDestroyed()) this.scene.primitives.remove(this.billboards);
  }
}
