import type { CityModel } from '../../city/CityModel.ts';
import { polygonArea, ringCentroid } from '../../city/polygon.ts';
import type { AirRaster } from './AirRaster.ts';

/** Floor area a resident of a Chinese city lives in, m² (urban per-capita housing of about 40 m², NBS 2020 census). */
const FLOOR_M2_PER_PERSON = 40;

/** People per raster cell, estimated from residential floor area (footprint × floors / 40 m² a person). */
export function populationGrid(city: CityModel, raster: AirRaster): Float32Array {
  const pop = new Float32Array(raster.cells);
  for (const b of city.buildings) {
    if (b.use !== 'residential') continue;
    const [cx, cy] = ringCentroid(b.footprint[0]);
    const cell = raster.cellAt(cx, cy);
    if (cell >= 0) pop[cell] += (polygonArea(b.footprint) * b.floors) / FLOOR_M2_PER_PERSON;
  }
  return pop;
}
