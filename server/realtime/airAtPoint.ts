import type { Ack } from '../protocol/controls.ts';
import { AQI_POLLUTANTS, aqiStandardFor, computeAqi, type AqiInput, type AqiPollutant, type AqiStandard } from '../protocol/aqi.ts';
import { enuToGeodetic, geodeticToEnu } from '../protocol/geo.ts';
import { fail, type RunSession } from './RunSession.ts';

/** A point of a run's city: local metres east and north of its origin, or WGS84 degrees. */
export type PlaceQuery = { x: number; y: number } | { lon: number; lat: number };

/** GET /api/runs/:id/air/point: the air at one point of a run's city now. */
export interface AirAtPoint {
  runId: string;
  /** When the values hold: now for a sim run, the grids' time for a replay. */
  simTimeMs: number;
  x: number;
  y: number;
  lon: number;
  lat: number;
  heightM: number;
  /** 'exact': computed at the point by the engines; 'grid': the latest replayed grids' cell (ground level). */
  source: 'exact' | 'grid';
  /** µg/m³ by pollutant or substance (CO mg/m³). */
  concentrations: Record<string, number>;
  /** The realtime AQI of the six pollutants' values here (null when none is known), its level 1–6 and primary pollutants. */
  aqi: number | null;
  level: number | null;
  primary: AqiPollutant[];
  /** The AQI standard in force on the run's sim date. */
  standard: AqiStandard;
}

/** Rounds away float noise from coordinates people read (centimetres, 1e-7 degrees). */
const tidy = (value: number, digits: number): number => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * The air at a point of `session`'s city: its concentrations (exact for sim runs, a grid cell for
 * replays) and their realtime AQI under the standard of the run's sim date. Refuses a point
 * outside the city's extent and a run without air figures.
 */
export function airAtPoint(session: RunSession, place: PlaceQuery, heightM: number): Ack<AirAtPoint> {
  const city = session.city;
  if (!city) return fail('not_found', `RunManager: run ${session.id} runs in a city this server does not serve`);
  const origin = city.origin;
  let x: number;
  let y: number;
  let lon: number;
  let lat: number;
  if ('lon' in place) {
    ({ lon, lat } = place);
    [x, y] = geodeticToEnu(origin, { lon, lat, height: origin.height });
  } else {
    ({ x, y } = place);
    ({ lon, lat } = enuToGeodetic(origin, [x, y, 0]));
  }
  const e = city.extent;
  if (!(x >= e.minX && x <= e.maxX && y >= e.minY && y <= e.maxY)) {
    const where = 'lon' in place ? `lon ${place.lon}, lat ${place.lat} (x ${tidy(x, 1)}, y ${tidy(y, 1)} m)` : `x ${place.x}, y ${place.y} m`;
    return fail('outside_city', `RunManager: the point ${where} lies outside city ${city.id}'s extent (x ${e.minX}…${e.maxX} m, y ${e.minY}…${e.maxY} m)`);
  }
  const sampled = session.sampleAt(x, y, heightM);
  if (!sampled.ok) return sampled;
  const { simTimeMs, concentrations, source } = sampled.result;
  const standard = aqiStandardFor(session.summary().startEpochMs + simTimeMs);
  const input: AqiInput = {};
  for (const p of AQI_POLLUTANTS) {
    const v = concentrations[p];
    if (Number.isFinite(v) && v >= 0) input[p] = v;
  }
  // HJ 633 computes no IAQI from an 8-hour O3 above 800 µg/m³ alone.
  const known = AQI_POLLUTANTS.some((p) => p !== 'o3_8h' && input[p] !== undefined) || (input.o3_8h !== undefined && input.o3_8h <= 800);
  const aqi = known ? computeAqi(input, { mode: 'realtime', standard }) : undefined;
  return {
    ok: true,
    result: {
      runId: session.id,
      simTimeMs,
      x: tidy(x, 2),
      y: tidy(y, 2),
      lon: tidy(lon, 7),
      lat: tidy(lat, 7),
      heightM,
      source,
      concentrations,
      aqi: aqi?.aqi ?? null,
      level: aqi?.level ?? null,
      primary: aqi?.primary ?? [],
      standard,
    },
  };
}
