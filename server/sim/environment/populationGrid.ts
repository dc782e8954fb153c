import type { CityModel } from '../../city/CityModel.ts';
import { buildingPopulation } from '../emergency/population.ts';
import type { AirRaster } from './AirRaster.ts';

/**
 * Residents per raster cell: each building's residents (emergency/population.ts, the people the
 * traffic demand's homes hold) at its footprint's centroid, so the air's exposure figures and the
 * emergency twin count the same people.
 */
export function populationGrid(city: CityModel, raster: AirRaster): Float32Array {
  const pop = new Float32Array(raster.cells);
  const people = buildingPopulation(city);
  for (let b = 0; b < people.count; b++) {
    if (people.residents[b] === 0) continue;
    const cell = raster.cellAt(people.centroidX[b], people.centroidY[b]);
    if (cell >= 0) pop[cell] += people.residents[b];
  }
  return pop;
}
