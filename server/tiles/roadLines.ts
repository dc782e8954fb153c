import type { CityModel } from '../city/CityModel.ts';
import { LANE_WIDTH, LIFT, linkPoints, mitre, TerrainSurface, twoWayTest } from './groundGeometry.ts';
import { simplifyLine, type Point3 } from './simplifyLine.ts';

/** Metres above the road surface the traffic lines are drawn at, so they never z-fight with it. */
export const TRAFFIC_LINE_LIFT = 0.65;

/**
 * Every road link as the traffic overlay draws it, in the order of the city's `roads.links` (the
 * order link frames use): the middle of the link's own half of the street (its centre line for a
 * one-way street), on the full-resolution terrain, in the city's local metres (x east, y north,
 * z up from the origin's datum like the ground tiles).
 */
export interface RoadLines {
  city: string;
  count: number;
  ids: string[];
  names: string[];
  classes: string[];
  lanes: number[];
  /** Width of the link's carriageway, metres (lanes × lane width). */
  widths: number[];
  speedLimitKmh: number[];
  /** Point p of link k is points[3p … 3p+2] for p in [starts[k], starts[k+1]). */
  starts: number[];
  points: number[];
  /**
   * The terrain's heights (metres, up from the origin's datum) at the corners of a grid of
   * `cellSize` cells from (originX, originY), row by row from the south: for drawing vehicles on
   * the ground (the stream carries no height). Coarser than the city's grid for a large city.
   */
  terrain: { originX: number; originY: number; cellSize: number; cols: number; rows: number; heights: number[] };
}

/** Most terrain heights sent with the road lines; a larger terrain is sent at a stride. */
const MAX_TERRAIN_HEIGHTS = 65536;

/**
 * Metres a road line may stray from its terrain-following points: well under its lift above the
 * road, so a simplified line never dips into the ground. Cuts the default city's points by ~70 %.
 */
const LINE_TOLERANCE = 0.2;

const round1 = (v: number) => Math.round(v * 10) / 10;

export function roadLines(city: CityModel): RoadLines {
  const links = city.roads.links;
  const surface = new TerrainSurface(city.terrain, 1);
  const twoWay = twoWayTest(links);
  const step = Math.max(city.terrain.cellSize * 0.5, 2);
  const t = city.terrain;
  let stride = 1;
  while (Math.ceil(t.cols / stride) * Math.ceil(t.rows / stride) > MAX_TERRAIN_HEIGHTS) stride++;
  const cols = Math.floor((t.cols - 1) / stride) + 1;
  const rows = Math.floor((t.rows - 1) / stride) + 1;
  const heights: number[] = [];
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) heights.push(round1(t.heights[r * stride * t.cols + c * stride]));
  const out: RoadLines = {
    city: city.id,
    count: links.length,
    ids: [],
    names: [],
    classes: [],
    lanes: [],
    widths: [],
    speedLimitKmh: [],
    starts: [0],
    points: [],
    terrain: { originX: t.originX, originY: t.originY, cellSize: t.cellSize * stride, cols, rows, heights },
  };
  for (const link of links) {
    const width = link.lanes * LANE_WIDTH;
    const offset = twoWay(link) ? width / 2 : 0;
    const points = linkPoints(link, step);
    const line = points.map((_, i): Point3 => {
      const [here, mx, my, scale] = mitre(points, i);
      const x = here[0] + mx * offset * scale;
      const y = here[1] + my * offset * scale;
      return [x, y, surface.heightAt(x, y) + LIFT.road + TRAFFIC_LINE_LIFT];
    });
    for (const p of simplifyLine(line, LINE_TOLERANCE)) out.points.push(round1(p[0]), round1(p[1]), round1(p[2]));
    out.ids.push(link.id);
    out.names.push(link.name);
    out.classes.push(link.class);
    out.lanes.push(link.lanes);
    out.widths.push(width);
    out.speedLimitKmh.push(link.speedLimitKmh);
    out.starts.push(out.points.length / 3);
  }
  return out;
}
