import fs from 'node:fs';
import path from 'node:path';
import { parseTripFile, type TripTable } from '../sim/traffic/tripFiles/index.ts';
import type { Scenario } from './Scenario.ts';
import { labelOf } from './yamlFolder.ts';

/** Trip files read during one load, by absolute path, so that scenarios naming the same file share its table. */
export type TripFileCache = Map<string, { table?: TripTable; errors: string[] }>;

/**
 * Reads the trip file a scenario's traffic engine names (`engines.traffic.trips`, a path relative
 * to the folder of the scenario file, `dir`) and puts its table in the parameters in place of the
 * path. Returns the problems, each "engines.traffic.trips: <file>:<line>: <element>: <field>: …".
 */
export function readTripFiles(scenario: Scenario, dir: string, cache: TripFileCache = new Map()): string[] {
  const params = scenario.engines.traffic;
  const given = params?.trips;
  if (typeof given !== 'string') return [];
  const file = path.resolve(dir, given);
  let read = cache.get(file);
  if (!read) {
    let text: string | undefined;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      read = { errors: [`cannot read ${labelOf(file)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`] };
    }
    read ??= parseTripFile(text as string, labelOf(file));
    cache.set(file, read);
  }
  if (!read.table) return read.errors.map((e) => `engines.traffic.trips: ${e}`);
  scenario.engines.traffic = { ...params, trips: read.table };
  return [];
}
