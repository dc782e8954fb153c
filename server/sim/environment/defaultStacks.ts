import type { CityModel } from '../../city/CityModel.ts';
import { polygonArea, ringCentroid } from '../../city/polygon.ts';
import type { Stack } from './environmentParams.ts';

/**
 * China's ultra-low emission limits for coal-fired boilers (超低排放: SO2 35, NOx 50, PM 10 mg/m³;
 * MEE/NDRC/NEA 2015, 《全面实施燃煤电厂超低排放和节能改造工作方案》), g per m³ of flue gas.
 */
const LIMIT_G_PER_M3 = { so2: 0.035, nox: 0.05, pm10: 0.01 };
/** Share of the PM that is PM2.5 behind a wet electrostatic precipitator (of the order measured at Chinese ultra-low plants). */
const PM25_PER_PM10 = 0.6;
/** Stack sizes for the largest, second and third plant: height, diameter, exit velocity; flue gas at 50 °C after wet desulphurisation. */
const SIZES = [
  { heightM: 120, diameterM: 5, exitVelocityMs: 15 },
  { heightM: 80, diameterM: 3.5, exitVelocityMs: 12 },
  { heightM: 60, diameterM: 2.5, exitVelocityMs: 10 },
];
const EXIT_TEMP_K = 323;
/** Plants stand at least this far apart. */
const MIN_APART_M = 1500;

/**
 * A few stacks for a city that names none: at the three largest industrial buildings at least 1.5 km
 * apart, each emitting at the ultra-low limits for its flue-gas flow (exit velocity × area).
 */
export function defaultStacks(city: CityModel): Stack[] {
  const candidates = city.buildings
    .filter((b) => b.use === 'industrial')
    .map((b) => ({ b, area: polygonArea(b.footprint), centre: ringCentroid(b.footprint[0]) }))
    .sort((p, q) => q.area - p.area || (p.b.id < q.b.id ? -1 : 1));
  const chosen: typeof candidates = [];
  for (const c of candidates) {
    if (chosen.length === SIZES.length) break;
    if (chosen.every((o) => Math.hypot(o.centre[0] - c.centre[0], o.centre[1] - c.centre[1]) >= MIN_APART_M)) chosen.push(c);
  }
  return chosen.map(({ b, centre }, k) => {
    const size = SIZES[k];
    const flowM3s = size.exitVelocityMs * Math.PI * (size.diameterM / 2) ** 2;
    const round = (v: number): number => Math.round(v * 100) / 100;
    const pm10 = round(LIMIT_G_PER_M3.pm10 * flowM3s);
    return {
      id: `stack-${k + 1}`,
      name: b.name ? { zh: `${b.name}烟囱`, en: `Industrial stack ${k + 1} (${b.name})` } : { zh: `工业烟囱${k + 1}号`, en: `Industrial stack ${k + 1}` },
      x: Math.round(centre[0]),
      y: Math.round(centre[1]),
      ...size,
      exitTempK: EXIT_TEMP_K,
      gPerS: { so2: round(LIMIT_G_PER_M3.so2 * flowM3s), nox: round(LIMIT_G_PER_M3.nox * flowM3s), pm10, pm25: round(pm10 * PM25_PER_PM10), co: 0 },
    };
  });
}
