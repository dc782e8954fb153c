import { parseRouXml } from './parseRouXml.ts';
import { parseTripCsv } from './parseTripCsv.ts';
import type { TripTable } from './TripTable.ts';

export { ExplicitTrips, tripFileProblems, type ExplicitTripCounts, type ExplicitTripsSnapshot } from './ExplicitTrips.ts';
export { parseRouXml } from './parseRouXml.ts';
export { parseTripCsv } from './parseTripCsv.ts';
export { TripTable } from './TripTable.ts';

/** Reads a trip file's text by its name: SUMO route files (*.xml, e.g. trips.rou.xml) or CSV (*.csv). Messages start with `label`. */
export function parseTripFile(text: string, label: string): { table: TripTable; errors: [] } | { table?: undefined; errors: string[] } {
  if (/\.xml$/i.test(label)) return parseRouXml(text, label);
  if (/\.csv$/i.test(label)) return parseTripCsv(text, label);
  return { errors: [`${label}: expected a SUMO route file (.rou.xml) or a CSV of trips (.csv)`] };
}
