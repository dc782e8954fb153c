import { contours } from 'd3-contour';
import type { Point2, Polygon } from '../../city/CityModel.ts';
import { orientPolygon, polygonArea } from '../../city/polygon.ts';
import { AEGL_COLORS, AEGL_LEVELS, aeglMgM3, type AeglDuration, type AeglLevel, type ChemicalId } from '../../protocol/aegl.ts';
import { enuToGeodetic, type Geodetic } from '../../protocol/geo.ts';
import type { ScalarGrid } from '../../protocol/ScalarGridCodec.ts';

/**
 * Toxic threat zones: where a ground-level concentration reaches a threshold, as polygons in local
 * metres, traced by marching squares (d3-contour) with linear interpolation along cell edges.
 */

/**
 * A ground-level concentration raster, mg/m³, laid out as a ScalarGrid (row 0 the southmost), each
 * cell's value read at its centre. NaN is "no value", below every threshold.
 */
export type ConcentrationRaster = Pick<ScalarGrid, 'cols' | 'rows' | 'originX' | 'originY' | 'cellSize' | 'values'>;

/** MultiPolygon coordinates as GeoJSON has them: polygons of rings, each ring closed (last point = first), outer rings counter-clockwise, holes clockwise. */
export type MultiPolygonCoords = Polygon[];

export interface ThreatZone {
  /** Concentration bound, mg/m³: the zone is where the concentration is at least this. */
  threshold: number;
  /** Local east/north metres. Empty when the concentration nowhere reaches the threshold. */
  polygons: MultiPolygonCoords;
  /** Area, m², holes subtracted. */
  areaM2: number;
  /** Farthest point of the zone from the source, m (0 without a source or an empty zone). */
  farthestM: number;
  /** How far downwind of the source the zone reaches, m (along the wind; 0 without a wind direction or an empty zone). */
  downwindM: number;
}

export interface ThreatZoneOptions {
  /** The release point, local metres: distances are measured from it. */
  source?: { x: number; y: number };
  /** Direction the wind blows from, degrees clockwise from north (meteorological): `downwindM` is measured along the opposite direction. */
  windFromDeg?: number;
}

/**
 * One zone per threshold (mg/m³), in the order given. Grid coordinates of d3-contour put value i
 * at i + 0.5, so grid coordinate g is local originX + g·cellSize: a cell's value sits at its centre,
 * and a zone touching the raster's edge is closed along the edge.
 */
export function threatZones(raster: ConcentrationRaster, thresholds: readonly number[], options: ThreatZoneOptions = {}): ThreatZone[] {
  const { cols, rows, originX, originY, cellSize, values } = raster;
  if (!Number.isInteger(cols) || !Number.isInteger(rows) || cols < 1 || rows < 1) throw new Error(`threatZones: ${cols} × ${rows} is not a grid`);
  if (values.length !== cols * rows) throw new Error(`threatZones: ${values.length} values for ${cols} × ${rows} cells`);
  if (!(cellSize > 0)) throw new Error(`threatZones: cellSize ${cellSize} must be positive`);
  const generator = contours().size([cols, rows]);
  const grid = values as unknown as number[];
  return thresholds.map((threshold) => {
    if (!Number.isFinite(threshold)) throw new Error(`threatZones: threshold ${threshold} is not a finite number`);
    const { coordinates } = generator.contour(grid, threshold);
    const polygons = coordinates.map((rings) =>
      orientPolygon(rings.map((ring) => ring.map(([gx, gy]): Point2 => [originX + gx * cellSize, originY + gy * cellSize]))),
    );
    return { threshold, polygons, areaM2: multiPolygonArea(polygons), ...reach(polygons, options) };
  });
}

/** A threat zone of an AEGL level, with ALOHA's colour. */
export interface AeglThreatZone extends ThreatZone {
  level: AeglLevel;
  color: string;
}

/** The AEGL-1, -2 and -3 zones of a chemical (in that order, so each holds the next). */
export function aeglThreatZones(
  raster: ConcentrationRaster,
  chemical: ChemicalId,
  options: ThreatZoneOptions & { duration?: AeglDuration } = {},
): AeglThreatZone[] {
  const thresholds = AEGL_LEVELS.map((level) => aeglMgM3(chemical, level, options.duration));
  return threatZones(raster, thresholds, options).map((zone, i) => ({ ...zone, level: AEGL_LEVELS[i], color: AEGL_COLORS[AEGL_LEVELS[i]] }));
}

/** Area of MultiPolygon coordinates, m², holes subtracted. */
export function multiPolygonArea(polygons: MultiPolygonCoords): number {
  return polygons.reduce((sum, polygon) => sum + polygonArea(polygon), 0);
}

function reach(polygons: MultiPolygonCoords, { source, windFromDeg }: ThreatZoneOptions): { farthestM: number; downwindM: number } {
  if (!source) return { farthestM: 0, downwindM: 0 };
  const toward = ((windFromDeg ?? 0) + 180) * (Math.PI / 180);
  const ux = Math.sin(toward);
  const uy = Math.cos(toward);
  let farthest = 0;
  let downwind = 0;
  for (const polygon of polygons) {
    for (const [x, y] of polygon[0]) {
      const dx = x - source.x;
      const dy = y - source.y;
      farthest = Math.max(farthest, Math.hypot(dx, dy));
      downwind = Math.max(downwind, dx * ux + dy * uy);
    }
  }
  return { farthestM: farthest, downwindM: windFromDeg === undefined ? 0 : downwind };
}

/** MultiPolygon coordinates in local metres → [longitude, latitude] degrees at the city's origin (ground level). */
export function toLonLat(polygons: MultiPolygonCoords, origin: Geodetic): MultiPolygonCoords {
  return polygons.map((polygon) =>
    polygon.map((ring) =>
      ring.map(([x, y]): Point2 => {
        const { lon, lat } = enuToGeodetic(origin, [x, y, 0]);
        return [lon, lat];
      }),
    ),
  );
}
