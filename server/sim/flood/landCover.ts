import type { CityModel } from '../../city/CityModel.ts';
import { sampleTerrain } from '../../city/generate/terrain.ts';
import type { FloodParams } from './floodParams.ts';
import { FloodRaster } from './FloodRaster.ts';
import type { ShallowWaterSetup } from './ShallowWater.ts';

/** mm/h to m/s. */
const MM_PER_H = 1 / 3.6e6;

/** What covers a cell; it sets the cell's roughness and how it loses water. */
export const Cover = { urban: 0, road: 1, park: 2, forest: 3, water: 4, building: 5 } as const;
export type Cover = (typeof Cover)[keyof typeof Cover];

/**
 * Manning's n by cover, s/m^(1/3):
 * - road 0.02 and urban 0.05: the UK Environment Agency's urban benchmark (Néelz and Pender 2013,
 *   test 8A: "roads and pavements" 0.02, everything else 0.05);
 * - building 0.10: a cell mostly under buildings, its alleys and yards lumped, as Australian practice
 *   rates dense residential and commercial blocks (TUFLOW material files, e.g. the Macquarie Rivulet study);
 * - park 0.035: Chow 1959, Open-Channel Hydraulics, table 5-6, flood plains, pasture with high grass (normal);
 * - forest 0.10: Chow 1959, table 5-6, flood plains, heavy stand of timber (normal);
 * - water 0.030: Chow 1959, table 5-6, natural streams, clean and straight (normal).
 */
export const MANNING_N: Readonly<Record<Cover, number>> = {
  [Cover.urban]: 0.05,
  [Cover.road]: 0.02,
  [Cover.park]: 0.035,
  [Cover.forest]: 0.1,
  [Cover.water]: 0.03,
  [Cover.building]: 0.1,
};

/**
 * What a building raises its cells by, metres: its ground floor's step above the street (the
 * design standard for civil buildings, GB 50352-2019, asks at least 0.15 m; 0.3 m is usual).
 */
export const BUILDING_STEP_M = 0.3;

/**
 * The city on the flood raster: cover, bed elevation, districts, and which cells each link and
 * building touches. Shared by every run of the city (landCoverOf): read, never changed.
 */
export interface LandCover {
  cover: Uint8Array;
  /** Bed elevation, metres: the terrain at the cell centre, a step higher on building cells. */
  z: Float32Array;
  /** Index into city.districts of the district holding the cell centre, −1 outside every district. */
  district: Int16Array;
  /** Link k crosses cells linkCell[linkStart[k] … linkStart[k + 1] − 1]. */
  linkStart: Int32Array;
  linkCell: Int32Array;
  /** Building k's doorsteps: cells doorCell[doorStart[k] … doorStart[k + 1] − 1] next to its footprint. */
  doorStart: Int32Array;
  doorCell: Int32Array;
}

/**
 * Puts the city on the raster. Later layers win: districts, then green land (park, forest), then
 * buildings, then roads (a street stays open even where a footprint covers its cell centre), then
 * the river and reservoir.
 *
 * A cell whose centre a footprint covers is a building cell: raised by a doorstep and rough. Water
 * shallower than the step goes round it and rain on it runs off; deeper water passes, slowly. A
 * 25 m cell holds alleys and yards besides the building, and raising it by the building's whole
 * height would dam hillside streets into pits metres deep; this is the "improved building treatment"
 * of coarse urban grids (Wuhan, Water 2018, 10(12), 1760: the ground raised by the entrance
 * threshold, the roughness raised for the walls).
 */
export function buildLandCover(city: CityModel, raster: FloodRaster): LandCover {
  const n = raster.cells;
  const { cols, rows } = raster;
  const cover = new Uint8Array(n);
  const z = new Float32Array(n);
  const district = new Int16Array(n).fill(-1);
  for (let r = 0; r < rows; r++) {
    const y = raster.rowY(r);
    for (let c = 0; c < cols; c++) z[r * cols + c] = sampleTerrain(city.terrain, raster.colX(c), y);
  }
  city.districts.forEach((d, k) => raster.forEachCellIn(d.polygon, (i) => (district[i] = k)));
  for (const g of city.green) {
    const kind = g.kind === 'forest' ? Cover.forest : Cover.park;
    raster.forEachCellIn(g.polygon, (i) => (cover[i] = kind));
  }
  const footprints: number[][] = city.buildings.map((b) => {
    const cells: number[] = [];
    raster.forEachCellIn(b.footprint, (i) => {
      cover[i] = Cover.building;
      cells.push(i);
    });
    return cells;
  });
  const linkStart = new Int32Array(city.roads.links.length + 1);
  const linkCells: number[] = [];
  city.roads.links.forEach((link, k) => {
    for (const i of raster.lineCells(link.geometry)) {
      if (cover[i] !== Cover.water) cover[i] = Cover.road;
      linkCells.push(i);
    }
    linkStart[k + 1] = linkCells.length;
  });
  for (const w of city.water) raster.forEachCellIn(w.polygon, (i) => (cover[i] = Cover.water));
  for (let i = 0; i < n; i++) if (cover[i] === Cover.building) z[i] += BUILDING_STEP_M;

  // Doorsteps: the cells beside a building's own cells; a building too small to hold a cell
  // centre (or standing where a street won the cell) is read at the cell it stands in.
  const doorStart = new Int32Array(city.buildings.length + 1);
  const doors: number[] = [];
  city.buildings.forEach((b, k) => {
    const own = footprints[k].filter((i) => cover[i] === Cover.building);
    const found = new Set<number>();
    for (const i of own) {
      const c = i % cols;
      const r = (i - c) / cols;
      if (c > 0 && cover[i - 1] !== Cover.building) found.add(i - 1);
      if (c + 1 < cols && cover[i + 1] !== Cover.building) found.add(i + 1);
      if (r > 0 && cover[i - cols] !== Cover.building) found.add(i - cols);
      if (r + 1 < rows && cover[i + cols] !== Cover.building) found.add(i + cols);
    }
    if (found.size === 0) {
      const ring = b.footprint[0];
      const cell = raster.cellAt(ring.reduce((s, p) => s + p[0], 0) / ring.length, ring.reduce((s, p) => s + p[1], 0) / ring.length);
      if (cell >= 0) found.add(cell);
    }
    doors.push(...[...found].sort((a, c) => a - c));
    doorStart[k + 1] = doors.length;
  });
  return { cover, z, district, linkStart, linkCell: Int32Array.from(linkCells), doorStart, doorCell: Int32Array.from(doors) };
}

const landCovers = new WeakMap<CityModel, Map<number, { raster: FloodRaster; land: LandCover }>>();

/**
 * The flood raster of `cellM` metres over a city and its land cover, built on first use and shared
 * by every run of that city (building the cover took most of the flood engine's set-up).
 */
export function landCoverOf(city: CityModel, cellM: number): { raster: FloodRaster; land: LandCover } {
  let bySize = landCovers.get(city);
  if (!bySize) landCovers.set(city, (bySize = new Map()));
  let built = bySize.get(cellM);
  if (!built) {
    const raster = new FloodRaster(city, cellM);
    built = { raster, land: buildLandCover(city, raster) };
    bySize.set(cellM, built);
  }
  return built;
}

/**
 * What the water solver needs of the land: the bed, roughness by cover, and each cell's losses —
 * infiltration on parks and woods, the drains of its district on built-up land (streets, yards,
 * roofs) — with the river and reservoir as sinks. Throws on a drain rate for a district the city
 * does not have (the scenario's parameters cannot be checked against the city before).
 */
export function waterSetup(city: CityModel, raster: FloodRaster, land: LandCover, params: FloodParams): ShallowWaterSetup {
  const ids = city.districts.map((d) => d.id);
  for (const id of Object.keys(params.districtDrainageMmPerH)) {
    if (!ids.includes(id)) throw new Error(`FloodEngine: districtDrainageMmPerH: no district "${id}" in city ${city.id} (its districts: ${ids.join(', ') || 'none'})`);
  }
  const drainOf = city.districts.map((d) => (params.districtDrainageMmPerH[d.id] ?? params.drainageMmPerH) * MM_PER_H);
  const { cover, district } = land;
  const n = raster.cells;
  const manningN = new Float32Array(n);
  const lossRate = new Float32Array(n);
  const soaks = new Float32Array(n);
  const sinks: number[] = [];
  for (let i = 0; i < n; i++) {
    const kind = cover[i] as Cover;
    manningN[i] = MANNING_N[kind];
    if (kind === Cover.water) sinks.push(i);
    else if (kind === Cover.park || kind === Cover.forest) {
      lossRate[i] = params.infiltrationMmPerH * MM_PER_H;
      soaks[i] = 1;
    } else lossRate[i] = district[i] >= 0 ? drainOf[district[i]] : params.drainageMmPerH * MM_PER_H;
  }
  const { cols, rows, cellM } = raster;
  return { cols, rows, cellM, z: land.z, manningN, lossRate, soaks, sinks: Int32Array.from(sinks) };
}
