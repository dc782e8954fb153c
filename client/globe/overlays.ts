/** Cesium primitives for the city's overlays: facility markers, district outlines and grid cells. */
import {
  BillboardCollection,
  Cartesian2,
  Cartesian3,
  Color,
  ColorMaterialProperty,
  CustomDataSource,
  DistanceDisplayCondition,
  HorizontalOrigin,
  LabelCollection,
  LabelStyle,
  NearFarScalar,
  PolylineDashMaterialProperty,
  VerticalOrigin,
} from 'cesium';
import { DISTRICT_LINE_COLOR, GRID_LINE_COLOR } from '../twin/palette.ts';
import { poiIcon } from '../twin/poiIcon.ts';
import type { CityInfo, PoiKind } from '../twin/types.ts';

const FONT = '"Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif';

/** Facility markers and their names; call `destroy` on both when done. */
export function createPoiPrimitives(city: CityInfo, kinds: Record<PoiKind, boolean>, zh: boolean) {
  const billboards = new BillboardCollection();
  const labels = new LabelCollection();
  for (const poi of city.pois) {
    if (!kinds[poi.kind]) continue;
    // Above the roofs of the neighbourhood, and drawn over them: a marker must never hide.
    const position = Cartesian3.fromDegrees(poi.lon, poi.lat, (poi.height ?? city.origin.height) + 25);
    billboards.add({
      position,
      image: poiIcon(poi.kind),
      width: 24,
      height: 24,
      verticalOrigin: VerticalOrigin.CENTER,
      disableDepthTestDistance: Number.POSITIVE_INFINITY,
      scaleByDistance: new NearFarScalar(2000, 1.2, 40000, 0.6),
      id: { poi: poi.id },
    });
    labels.add({
      position,
      text: zh ? poi.name.zh : poi.name.en,
      font: `13px ${FONT}`,
      fillColor: Color.WHITE,
      outlineColor: Color.fromCssColorString('#0b1a2a'),
      outlineWidth: 3,
      style: LabelStyle.FILL_AND_OUTLINE,
      pixelOffset: new Cartesian2(16, 0),
      horizontalOrigin: HorizontalOrigin.LEFT,
      verticalOrigin: VerticalOrigin.CENTER,
      disableDepthTestDistance: Number.POSITIVE_INFINITY,
      distanceDisplayCondition: new DistanceDisplayCondition(0, 5000),
    });
  }
  return { billboards, labels };
}

function ringPositions(ring: [number, number][], height: number): Cartesian3[] {
  const closed = [...ring, ring[0]];
  return Cartesian3.fromDegreesArrayHeights(closed.flatMap(([lon, lat]) => [lon, lat, height]));
}

function centroid(ring: [number, number][]): [number, number] {
  let lon = 0;
  let lat = 0;
  for (const [x, y] of ring) {
    lon += x;
    lat += y;
  }
  return [lon / ring.length, lat / ring.length];
}

/** District outlines with their names, as a data source; lines show dashed where hills hide them. */
export function createDistrictSource(city: CityInfo, zh: boolean): CustomDataSource {
  const source = new CustomDataSource('districts');
  const lineColor = Color.fromCssColorString(DISTRICT_LINE_COLOR);
  const height = city.origin.height + 3;
  for (const d of city.districts) {
    for (const ring of d.rings) {
      source.entities.add({
        polyline: {
          positions: ringPositions(ring, height),
          width: 3,
          material: new ColorMaterialProperty(lineColor),
          depthFailMaterial: new PolylineDashMaterialProperty({ color: lineColor.withAlpha(0.6) }),
        },
      });
    }
    const outer = d.rings[0];
    if (!outer) continue;
    const [lon, lat] = centroid(outer);
    source.entities.add({
      position: Cartesian3.fromDegrees(lon, lat, height + 200),
      label: {
        text: zh ? d.name.zh : d.name.en,
        font: `bold 18px ${FONT}`,
        fillColor: lineColor,
        outlineColor: Color.BLACK,
        outlineWidth: 4,
        style: LabelStyle.FILL_AND_OUTLINE,
        disableDepthTestDistance: Number.POSITIVE_INFINITY,
      },
    });
  }
  return source;
}

/** Management grid cells with their ids (ids only when near, so the overview stays readable). */
export function createGridSource(city: CityInfo): CustomDataSource {
  const source = new CustomDataSource('grid');
  const lineColor = Color.fromCssColorString(GRID_LINE_COLOR).withAlpha(0.8);
  const height = city.origin.height + 2;
  for (const cell of city.grid) {
    source.entities.add({
      polyline: {
        positions: ringPositions(cell.ring, height),
        width: 1.5,
        material: new ColorMaterialProperty(lineColor),
        depthFailMaterial: new ColorMaterialProperty(lineColor.withAlpha(0.3)),
      },
    });
    const [lon, lat] = centroid(cell.ring);
    source.entities.add({
      position: Cartesian3.fromDegrees(lon, lat, height + 60),
      label: {
        text: cell.id,
        font: `12px ${FONT}`,
        fillColor: lineColor,
        outlineColor: Color.BLACK,
        outlineWidth: 3,
        style: LabelStyle.FILL_AND_OUTLINE,
        disableDepthTestDistance: Number.POSITIVE_INFINITY,
        distanceDisplayCondition: new DistanceDisplayCondition(0, 6000),
      },
    });
  }
  return source;
}
