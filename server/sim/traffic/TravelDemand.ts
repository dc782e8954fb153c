import type { CityModel } from '../../city/CityModel.ts';
import { polygonArea } from '../../city/polygon.ts';
import type { TrafficNetwork } from './TrafficNetwork.ts';

/** Trip purposes; each has its own origin–destination matrix and time-of-day profile. */
export const PURPOSES = ['homeToWork', 'workToHome', 'homeToSchool', 'schoolToHome', 'homeToShop', 'shopToHome', 'freight'] as const;
export type Purpose = (typeof PURPOSES)[number];

/**
 * Share of a purpose's daily trips that start in each hour 0–23 (each row sums to 1). Shaped on
 * Chinese urban travel surveys: a sharp morning peak 7–9, a broader evening peak 17–19, school
 * runs at 7 and 16–17, shopping through the day and evening, freight by day.
 */
const PROFILES: Record<Purpose, number[]> = {
  homeToWork: normalise([0, 0, 0, 0, 0, 1, 4, 22, 30, 14, 6, 3, 3, 4, 4, 2, 1, 1, 1, 1, 1, 1, 0, 0]),
  workToHome: normalise([1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 4, 6, 4, 3, 4, 6, 18, 24, 12, 7, 4, 2, 1]),
  homeToSchool: normalise([0, 0, 0, 0, 0, 0, 8, 60, 10, 2, 1, 1, 6, 8, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]),
  schoolToHome: normalise([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 6, 10, 2, 1, 4, 30, 36, 6, 2, 1, 0, 0, 0]),
  homeToShop: normalise([0, 0, 0, 0, 0, 0, 1, 2, 4, 8, 10, 10, 8, 8, 8, 8, 8, 8, 9, 10, 8, 4, 1, 0]),
  shopToHome: normalise([1, 0, 0, 0, 0, 0, 0, 1, 2, 4, 7, 9, 10, 8, 8, 8, 8, 9, 10, 10, 10, 8, 4, 2]),
  freight: normalise([1, 1, 1, 1, 2, 3, 5, 6, 7, 8, 8, 8, 7, 7, 7, 7, 6, 5, 4, 3, 2, 1, 1, 1]),
};

/** Share of the daily vehicle trips by purpose (the rest of a household's trips are on foot, by bike or bus). */
const PURPOSE_SHARE: Record<Purpose, number> = {
  homeToWork: 0.26,
  workToHome: 0.26,
  homeToSchool: 0.06,
  schoolToHome: 0.06,
  homeToShop: 0.15,
  shopToHome: 0.15,
  freight: 0.06,
};

/** Kind of day whose travel pattern applies: China's working week is Monday to Friday. */
export type DayType = 'weekday' | 'weekend';

/**
 * Hourly profiles of a Saturday or Sunday. Estimates, not a survey of Pingdingshan (none is
 * published): the shape general urban travel studies describe for Chinese cities' weekends — no
 * sharp 7–9 peak, a later and flatter start, shopping and leisure from late morning into the
 * evening, the few remaining commutes (shops, services and plants working six or seven days)
 * spread wider, weekend classes instead of the school runs.
 */
const WEEKEND_PROFILES: Record<Purpose, number[]> = {
  homeToWork: normalise([0, 0, 0, 0, 0, 1, 3, 10, 14, 10, 6, 4, 4, 4, 4, 2, 1, 1, 1, 1, 1, 1, 0, 0]),
  workToHome: normalise([1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 4, 6, 4, 3, 4, 6, 12, 14, 10, 7, 4, 2, 1]),
  homeToSchool: normalise([0, 0, 0, 0, 0, 0, 1, 6, 10, 6, 2, 1, 4, 6, 4, 1, 1, 1, 0, 0, 0, 0, 0, 0]),
  schoolToHome: normalise([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 8, 10, 4, 2, 4, 8, 10, 6, 2, 1, 0, 0, 0]),
  homeToShop: normalise([0, 0, 0, 0, 0, 0, 0, 1, 2, 5, 9, 10, 9, 8, 9, 10, 10, 9, 9, 9, 7, 4, 1, 0]),
  shopToHome: normalise([1, 0, 0, 0, 0, 0, 0, 0, 1, 2, 4, 7, 9, 8, 8, 9, 9, 10, 10, 10, 10, 8, 5, 2]),
  freight: PROFILES.freight,
};

/**
 * A weekend day's trips of each purpose as a share of a weekday's (estimates, as the profiles):
 * under half the commutes, few school trips, about twice the shopping and leisure, less freight.
 * With PURPOSE_SHARE that makes 0.52·0.45 + 0.12·0.15 + 0.30·1.9 + 0.06·0.6 = 0.858 of a
 * weekday's vehicle trips, in line with the 80–90 % weekend road volumes Chinese cities' traffic
 * counts commonly show.
 */
const WEEKEND_VOLUME: Record<Purpose, number> = {
  homeToWork: 0.45,
  workToHome: 0.45,
  homeToSchool: 0.15,
  schoolToHome: 0.15,
  homeToShop: 1.9,
  shopToHome: 1.9,
  freight: 0.6,
};

const DAY_MS = 86_400_000;
/** Asia/Shanghai is UTC+8 all year (no daylight saving since 1991). */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** The kind of day at epoch `epochMs` in Asia/Shanghai: Saturday and Sunday are the weekend (official holidays are not modelled). */
export function dayTypeAt(epochMs: number): DayType {
  // 1970-01-01 was a Thursday (4, with Sunday 0).
  const weekday = (((Math.floor((epochMs + SHANGHAI_OFFSET_MS) / DAY_MS) + 4) % 7) + 7) % 7;
  return weekday === 0 || weekday === 6 ? 'weekend' : 'weekday';
}

/** Gravity model deterrence: trips fall off as exp(-β · distance in km). */
const BETA_PER_KM = 0.28;

function normalise(values: number[]): number[] {
  const sum = values.reduce((a, b) => a + b, 0);
  return values.map((v) => v / sum);
}

/** A traffic zone: one management grid cell that has roads, with its land use. */
export interface TrafficZone {
  id: string;
  x: number;
  y: number;
  /** Households (residential floor area / 90 m²). */
  homes: number;
  /** Jobs (office, commercial, industrial, public and hospital floor area / 40 m²). */
  jobs: number;
  /** School places (school floor area / 10 m²). */
  school: number;
  /** Shops (commercial floor area / 60 m²). */
  shops: number;
  /** Industrial floor area, 1000 m² (freight). */
  industry: number;
}

/** One trip to start now: origin and destination zones, and whether it is freight. */
export interface TripRequest {
  origin: number;
  destination: number;
  purpose: Purpose;
}

/**
 * Travel demand from land use: zones on the management grid, origin–destination matrices per
 * purpose by a production-constrained gravity model (productions and attractions from the floor
 * area of homes, jobs, schools and shops; deterrence exp(-β·d)), and hourly profiles. The engine
 * draws departures from it with its seeded generator.
 */
export class TravelDemand {
  readonly zones: TrafficZone[];
  /** Link indices usable as trip ends in each zone, and their cumulative length for weighted picks. */
  readonly zoneLinks: Int32Array[];
  readonly zoneLinkWeight: Float64Array[];
  /** Per purpose: cumulative origin weights over zones, and per origin the cumulative destination weights. */
  private readonly originCdf = new Map<Purpose, Float64Array>();
  private readonly destCdf = new Map<Purpose, Float64Array[]>();

  constructor(city: CityModel, net: TrafficNetwork) {
    const { grid } = city;
    const cellOf = (x: number, y: number): number => {
      const col = Math.floor((x - grid.originX) / grid.cellSize);
      const row = Math.floor((y - grid.originY) / grid.cellSize);
      return col < 0 || row < 0 || col >= grid.cols || row >= grid.rows ? -1 : row * grid.cols + col;
    };
    const cells = grid.cols * grid.rows;
    const homes = new Float64Array(cells);
    const jobs = new Float64Array(cells);
    const school = new Float64Array(cells);
    const shops = new Float64Array(cells);
    const industry = new Float64Array(cells);
    for (const b of city.buildings) {
      const ring = b.footprint[0];
      let cx = 0;
      let cy = 0;
      for (const [x, y] of ring) {
        cx += x;
        cy += y;
      }
      const cell = cellOf(cx / ring.length, cy / ring.length);
      if (cell < 0) continue;
      const floorArea = polygonArea(b.footprint) * b.floors;
      switch (b.use) {
        case 'residential':
          homes[cell] += floorArea / 90;
          break;
        case 'commercial':
          jobs[cell] += floorArea / 40;
          shops[cell] += floorArea / 60;
          break;
        case 'school':
          school[cell] += floorArea / 10;
          jobs[cell] += floorArea / 200;
          break;
        case 'industrial':
          jobs[cell] += floorArea / 80;
          industry[cell] += floorArea / 1000;
          break;
        default:
          jobs[cell] += floorArea / 40;
      }
    }
    // Trip ends: links whose midpoint is in the cell; locals and collectors first, where people park.
    const linksOf: number[][] = Array.from({ length: cells }, () => []);
    for (let k = 0; k < net.linkCount; k++) {
      if (net.linkClasses[k] === 'expressway') continue;
      const [mx, my] = net.pointAt(k, net.length[k] / 2);
      const cell = cellOf(mx, my);
      if (cell >= 0) linksOf[cell].push(k);
    }
    this.zones = [];
    this.zoneLinks = [];
    this.zoneLinkWeight = [];
    for (let c = 0; c < cells; c++) {
      const active = homes[c] + jobs[c] + school[c] + shops[c] + industry[c] > 0;
      if (!active || linksOf[c].length === 0) continue;
      const col = c % grid.cols;
      const row = Math.floor(c / grid.cols);
      this.zones.push({
        id: `Z${row}-${col}`,
        x: grid.originX + (col + 0.5) * grid.cellSize,
        y: grid.originY + (row + 0.5) * grid.cellSize,
        homes: homes[c],
        jobs: jobs[c],
        school: school[c],
        shops: shops[c],
        industry: industry[c],
      });
      const links = Int32Array.from(linksOf[c]);
      const weight = new Float64Array(links.length);
      let w = 0;
      links.forEach((k, i) => {
        w += net.length[k] * (net.linkClasses[k] === 'local' || net.linkClasses[k] === 'collector' ? 1 : 0.3);
        weight[i] = w;
      });
      this.zoneLinks.push(links);
      this.zoneLinkWeight.push(weight);
    }
    const z = this.zones;
    const attr: Record<Purpose, [(t: TrafficZone) => number, (t: TrafficZone) => number]> = {
      homeToWork: [(t) => t.homes, (t) => t.jobs],
      workToHome: [(t) => t.jobs, (t) => t.homes],
      homeToSchool: [(t) => t.homes, (t) => t.school],
      schoolToHome: [(t) => t.school, (t) => t.homes],
      homeToShop: [(t) => t.homes, (t) => t.shops],
      shopToHome: [(t) => t.shops, (t) => t.homes],
      freight: [(t) => t.industry + t.shops * 0.01, (t) => t.industry + t.shops * 0.01],
    };
    for (const purpose of PURPOSES) {
      const [production, attraction] = attr[purpose];
      this.originCdf.set(purpose, cumulative(z.map(production)));
      const a = z.map(attraction);
      this.destCdf.set(
        purpose,
        z.map((o) => cumulative(z.map((d, j) => a[j] * Math.exp((-BETA_PER_KM * Math.hypot(d.x - o.x, d.y - o.y)) / 1000)))),
      );
    }
  }

  /** Expected trips of `purpose` per second at hour-of-day `hour` (fractional, 0–24) of a `day` for `dailyTrips` vehicle trips a weekday. */
  rate(purpose: Purpose, hour: number, dailyTrips: number, day: DayType = 'weekday'): number {
    return tripRate(purpose, hour, dailyTrips, day);
  }

  /** Draws an origin and a destination zone for a trip of `purpose` from two uniform numbers. */
  draw(purpose: Purpose, u1: number, u2: number): TripRequest {
    const origin = pick(this.originCdf.get(purpose) as Float64Array, u1);
    const destination = pick((this.destCdf.get(purpose) as Float64Array[])[origin], u2);
    return { origin, destination, purpose };
  }

  /** Draws a link of zone z, weighted by length, from a uniform number. */
  drawLink(z: number, u: number): number {
    return this.zoneLinks[z][pick(this.zoneLinkWeight[z], u)];
  }

  /** Draws a zone with homes, weighted by households (special events send people home). */
  drawHomeZone(u: number): number {
    return pick(this.originCdf.get('homeToWork') as Float64Array, u);
  }

  /** The zone whose centre is nearest (x, y). */
  nearestZone(x: number, y: number): number {
    let best = 0;
    let bestD = Infinity;
    this.zones.forEach((z, i) => {
      const d = Math.hypot(z.x - x, z.y - y);
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    });
    return best;
  }
}

function cumulative(values: number[]): Float64Array {
  const out = new Float64Array(values.length);
  let s = 0;
  values.forEach((v, i) => {
    s += Math.max(0, v);
    out[i] = s;
  });
  return out;
}

/** Index i with cdf[i-1] ≤ u·total < cdf[i] (binary search). */
function pick(cdf: Float64Array, u: number): number {
  const r = u * cdf[cdf.length - 1];
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid] > r) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

const demands = new WeakMap<CityModel, TravelDemand>();

/** The travel demand of a city, built on first use and shared by every run of that city. */
export function travelDemandOf(city: CityModel, net: TrafficNetwork): TravelDemand {
  let d = demands.get(city);
  if (!d) {
    d = new TravelDemand(city, net);
    demands.set(city, d);
  }
  return d;
}

/**
 * Expected trips of `purpose` per second at hour-of-day `hour` (fractional, 0–24) of a `day` for
 * `dailyTrips` vehicle trips a weekday (a weekend day has about 86 % of them: WEEKEND_VOLUME), by
 * the hourly profiles (linear between hour centres, so the rate has no steps). The emergency
 * twin's people follow the same profiles.
 */
export function tripRate(purpose: Purpose, hour: number, dailyTrips: number, day: DayType = 'weekday'): number {
  const profile = day === 'weekend' ? WEEKEND_PROFILES[purpose] : PROFILES[purpose];
  const h = (((hour - 0.5) % 24) + 24) % 24;
  const i = Math.floor(h);
  const f = h - i;
  const share = profile[i] * (1 - f) + profile[(i + 1) % 24] * f;
  const trips = day === 'weekend' ? dailyTrips * PURPOSE_SHARE[purpose] * WEEKEND_VOLUME[purpose] : dailyTrips * PURPOSE_SHARE[purpose];
  return (trips * share) / 3600;
}
