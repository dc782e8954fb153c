import type { BuildingUse, CityModel, Polygon } from '../../city/CityModel.ts';
import { pointInPolygon, polygonArea, ringCentroid, ringsBox } from '../../city/polygon.ts';
import { tripRate, type DayType, type Purpose } from '../traffic/TravelDemand.ts';

/**
 * Who is in each building, by hour of a weekday or a weekend day, on the same land-use figures the traffic demand
 * draws its trips from (TravelDemand): homes are residential floor area / 90 m², jobs are office,
 * commercial, public and hospital floor area / 40 m², industrial / 80 m² and school / 200 m² (staff),
 * school places school floor area / 10 m², shops commercial floor area / 60 m². Floor area is
 * footprint area × floors.
 */

/** Floor area of one home, m² (TravelDemand's household unit). */
const M2_PER_HOME = 90;
/**
 * Most residents a home holds: 2.62, the mean size of a family household in China's 2020 census
 * (第七次全国人口普查: 2.62 persons), i.e. 34 m² of floor a resident — the census's 36.5 m² per
 * urban resident, near enough.
 */
const MAX_RESIDENTS_PER_HOME = 2.62;
/** Fewest residents a home holds here: one, 90 m² a resident, a half-empty city. */
const MIN_RESIDENTS_PER_HOME = 1;
/**
 * Employed persons per urban resident: 0.51 (NBS 2020: 463 M urban employed of 902 M urban
 * residents). The modelled area is taken as a whole city with its own labour market: its residents
 * are its jobs / 0.51, within the bounds per home above. The default city's 507 k jobs ask for
 * 0.99 M residents, under the bound of one a home: it houses 1.17 M (central Pingdingshan has about
 * a million), where the census density alone would put 3.1 M in its 105 km² of housing.
 */
const EMPLOYED_PER_RESIDENT = 0.51;

/** Floor area per job by use, m² (TravelDemand); school buildings' jobs are their staff. */
const M2_PER_JOB: Record<Exclude<BuildingUse, 'residential'>, number> = {
  commercial: 40,
  office: 40,
  public: 40,
  hospital: 40,
  industrial: 80,
  school: 200,
};
/** School floor area per pupil's place, m² (TravelDemand). */
const M2_PER_PUPIL = 10;
/** Commercial floor area per shop unit, m² (TravelDemand): shoppers spread over commercial floor area. */
const M2_PER_SHOP = 60;
/**
 * Hospital floor area per bed, m²: China's general hospitals are built at about 90–120 m² of floor
 * a bed (综合医院建设标准, 建标 110); 100 m² here, with 85 % of the beds occupied (about the bed
 * occupancy rate of China's public hospitals before 2020).
 */
const M2_PER_BED = 100;
const BED_OCCUPANCY = 0.85;

/** Share of the jobs at work at the busiest hour of a weekday (leave, sickness, field work, part-time). */
const WORK_PEAK_PRESENCE = 0.9;
/** Share of the school places filled at the busiest hour of a school day. */
const SCHOOL_PEAK_PRESENCE = 0.95;
/** Share of the jobs at work in the small hours: night shifts in continuous plants and hospitals, guards elsewhere. */
const WORK_NIGHT_PRESENCE: Record<BuildingUse, number> = {
  residential: 0,
  commercial: 0.05,
  office: 0.05,
  public: 0.05,
  school: 0.05,
  industrial: 0.3,
  hospital: 0.3,
};

/** Grid index cell, m: a query looks at the buildings of the cells its box covers. */
const INDEX_CELL_M = 200;

/** An hourly presence profile: its value at each hour boundary 0..24 (24 = 0), linear between. */
type Profile = Float64Array;

/**
 * People away on trips of a pair of purposes (out and back) at each hour boundary, per daily trip:
 * the difference of the cumulative shares of trips started, shifted so the least is 0. Its sum
 * over the day is the mean stay in hours.
 */
function awayProfile(out: Purpose, back: Purpose, day: DayType = 'weekday'): Profile {
  const a = tripStartShares(out, day);
  const d = tripStartShares(back, day);
  const p = new Float64Array(25);
  let ca = 0;
  let cd = 0;
  for (let h = 0; h < 24; h++) {
    p[h] = ca - cd;
    ca += a[h];
    cd += d[h];
  }
  const min = Math.min(...p.subarray(0, 24));
  for (let h = 0; h < 24; h++) p[h] -= min;
  p[24] = p[0];
  return p;
}

/** An away profile scaled so its busiest hour is 1. */
function presenceProfile(out: Purpose, back: Purpose): Profile {
  const p = awayProfile(out, back);
  const max = Math.max(...p);
  return p.map((v) => v / max);
}

/**
 * The weekend's away profile on the weekday presence profile's scale: its trips are fewer
 * (TravelDemand's weekend volumes), so fewer are away at its busiest hour than on a weekday.
 */
function weekendPresenceProfile(out: Purpose, back: Purpose): Profile {
  const weekdayMax = Math.max(...awayProfile(out, back));
  const volume = purposeShare(out, 'weekend') / purposeShare(out, 'weekday');
  return awayProfile(out, back, 'weekend').map((v) => (v * volume) / weekdayMax);
}

/**
 * Share of a purpose's daily trips that start in each hour, from TravelDemand's profiles (tripRate):
 * at an hour's centre the rate is that hour's share exactly.
 */
function tripStartShares(purpose: Purpose, day: DayType): Float64Array {
  const perHour = Float64Array.from({ length: 24 }, (_, h) => dailyRate(purpose, h + 0.5, day));
  const sum = perHour.reduce((s, v) => s + v, 0);
  return perHour.map((v) => v / sum);
}

/** Trips of a purpose starting per second at `hour` of a `day`, per weekday trip of all purposes (TravelDemand's tripRate). */
function dailyRate(purpose: Purpose, hour: number, day: DayType): number {
  return tripRate(purpose, hour, 1, day);
}

/** The whole day's trips of a purpose per weekday trip of all purposes (TravelDemand's purpose share, and its weekend volume). */
function purposeShare(purpose: Purpose, day: DayType = 'weekday'): number {
  let sum = 0;
  for (let h = 0; h < 24; h++) sum += dailyRate(purpose, h + 0.5, day) * 3600;
  return sum;
}

function at(profile: Profile, hour: number): number {
  const h = ((hour % 24) + 24) % 24;
  const i = Math.floor(h);
  const f = h - i;
  return profile[i] * (1 - f) + profile[i + 1] * f;
}

/** City totals of the population model. */
export interface PopulationTotals {
  residents: number;
  jobs: number;
  schoolPlaces: number;
  /** Hospital inpatients, there day and night. */
  inpatients: number;
  /** Shopping trips a weekday (each a visit to the commercial buildings); a weekend day has more (TravelDemand's weekend volume). */
  shoppingVisitsPerDay: number;
  residentialFloorM2: number;
}

/** Occupants of the city's buildings by hour of day; `peopleAt` gives everyone, in `city.buildings` order. */
export class BuildingPopulation {
  readonly count: number;
  /** People who live in each building. */
  readonly residents: Float32Array;
  /** Jobs in each building (people at work at the busiest hour: jobs × 0.9). */
  readonly jobs: Float32Array;
  /** School places in each building. */
  readonly schoolPlaces: Float32Array;
  /** Inpatients in each building (hospitals). */
  readonly inpatients: Float32Array;
  /** Each building's share of the city's shoppers (commercial floor area). */
  readonly shopShare: Float32Array;
  /** Footprint centroids, local metres. */
  readonly centroidX: Float64Array;
  readonly centroidY: Float64Array;
  readonly totals: PopulationTotals;

  private readonly nightPresence: Float32Array;
  /** Per kind of day: the share of the jobs at work and of the pupils at school (1 at a weekday's busiest hour), and the shoppers present. */
  private readonly work: Record<DayType, Profile> = { weekday: presenceProfile('homeToWork', 'workToHome'), weekend: weekendPresenceProfile('homeToWork', 'workToHome') };
  private readonly school: Record<DayType, Profile> = { weekday: presenceProfile('homeToSchool', 'schoolToHome'), weekend: weekendPresenceProfile('homeToSchool', 'schoolToHome') };
  /** Shoppers present at each hour boundary (its integral over a day is the visits times the mean visit in hours). */
  private readonly shop: Record<DayType, Profile>;
  private readonly index: { originX: number; originY: number; cols: number; rows: number; start: Int32Array; items: Int32Array };

  constructor(city: CityModel) {
    const n = city.buildings.length;
    this.count = n;
    this.residents = new Float32Array(n);
    this.jobs = new Float32Array(n);
    this.schoolPlaces = new Float32Array(n);
    this.inpatients = new Float32Array(n);
    this.shopShare = new Float32Array(n);
    this.nightPresence = new Float32Array(n);
    this.centroidX = new Float64Array(n);
    this.centroidY = new Float64Array(n);
    const homes = new Float64Array(n);
    let totalHomes = 0;
    let totalJobs = 0;
    let shopFloor = 0;
    city.buildings.forEach((b, i) => {
      const [cx, cy] = ringCentroid(b.footprint[0]);
      this.centroidX[i] = cx;
      this.centroidY[i] = cy;
      const floor = polygonArea(b.footprint) * b.floors;
      if (b.use === 'residential') {
        homes[i] = floor / M2_PER_HOME;
        totalHomes += homes[i];
      } else {
        this.jobs[i] = floor / M2_PER_JOB[b.use];
        totalJobs += this.jobs[i];
      }
      if (b.use === 'school') this.schoolPlaces[i] = floor / M2_PER_PUPIL;
      if (b.use === 'hospital') this.inpatients[i] = (floor / M2_PER_BED) * BED_OCCUPANCY;
      if (b.use === 'commercial') {
        this.shopShare[i] = floor / M2_PER_SHOP;
        shopFloor += this.shopShare[i];
      }
      this.nightPresence[i] = WORK_NIGHT_PRESENCE[b.use];
    });
    const perHome = Math.min(MAX_RESIDENTS_PER_HOME, Math.max(MIN_RESIDENTS_PER_HOME, totalHomes > 0 ? totalJobs / EMPLOYED_PER_RESIDENT / totalHomes : 0));
    for (let i = 0; i < n; i++) {
      this.residents[i] = homes[i] * perHome;
      if (shopFloor > 0) this.shopShare[i] /= shopFloor;
    }
    // Shopping visits a day: TravelDemand's ratio of shopping to commuting trips, one commute a job.
    const shoppingVisitsPerDay = shopFloor > 0 ? (totalJobs * purposeShare('homeToShop')) / purposeShare('homeToWork') : 0;
    const weekendVisits = (shoppingVisitsPerDay * purposeShare('homeToShop', 'weekend')) / purposeShare('homeToShop');
    this.shop = {
      weekday: awayProfile('homeToShop', 'shopToHome').map((v) => v * shoppingVisitsPerDay),
      weekend: awayProfile('homeToShop', 'shopToHome', 'weekend').map((v) => v * weekendVisits),
    };
    this.totals = {
      residents: totalHomes * perHome,
      jobs: totalJobs,
      schoolPlaces: this.schoolPlaces.reduce((s, v) => s + v, 0),
      inpatients: this.inpatients.reduce((s, v) => s + v, 0),
      shoppingVisitsPerDay,
      residentialFloorM2: totalHomes * M2_PER_HOME,
    };
    this.index = buildIndex(this.centroidX, this.centroidY);
  }

  /**
   * People in each building at an hour (fractional, 0–24) of a weekday or a weekend day, in
   * `city.buildings` order: workers by the commute profiles, pupils by the school runs, shoppers
   * by the shopping trips (TravelDemand's profiles of that kind of day), inpatients always;
   * residents are at home unless they are one of those.
   */
  peopleAt(hourOfDay: number, day: DayType = 'weekday'): Float32Array {
    if (!Number.isFinite(hourOfDay)) throw new Error(`BuildingPopulation.peopleAt: hour ${hourOfDay} is not a finite number`);
    const work = at(this.work[day], hourOfDay);
    const school = at(this.school[day], hourOfDay) * SCHOOL_PEAK_PRESENCE;
    const shoppers = at(this.shop[day], hourOfDay);
    const out = new Float32Array(this.count);
    let away = shoppers;
    for (let i = 0; i < this.count; i++) {
      const night = this.nightPresence[i];
      const workers = this.jobs[i] * (night + (WORK_PEAK_PRESENCE - night) * work);
      const pupils = this.schoolPlaces[i] * school;
      away += workers + pupils;
      out[i] = workers + pupils + this.shopShare[i] * shoppers + this.inpatients[i];
    }
    const home = this.totals.residents > 0 ? Math.max(0, 1 - away / this.totals.residents) : 0;
    for (let i = 0; i < this.count; i++) out[i] += this.residents[i] * home;
    return out;
  }

  /** Indices of the buildings whose footprint centroid lies in any of the polygons (local metres; rings open or closed). */
  buildingsInside(polygons: readonly Polygon[]): Int32Array {
    const found: number[] = [];
    for (const polygon of polygons) {
      const box = ringsBox([polygon[0]]);
      this.visit(box.minX, box.minY, box.maxX, box.maxY, (i) => {
        const x = this.centroidX[i];
        const y = this.centroidY[i];
        if (x >= box.minX && x <= box.maxX && y >= box.minY && y <= box.maxY && pointInPolygon([x, y], polygon)) found.push(i);
      });
    }
    // Polygons of one MultiPolygon do not overlap, but a caller may pass several that do.
    return Int32Array.from(new Set(found)).sort();
  }

  /** Indices of the buildings whose centroid is within `radiusM` of (x, y). */
  buildingsWithin(x: number, y: number, radiusM: number): Int32Array {
    const found: number[] = [];
    const r2 = radiusM * radiusM;
    this.visit(x - radiusM, y - radiusM, x + radiusM, y + radiusM, (i) => {
      const dx = this.centroidX[i] - x;
      const dy = this.centroidY[i] - y;
      if (dx * dx + dy * dy <= r2) found.push(i);
    });
    return Int32Array.from(found).sort();
  }

  /** People (from `peopleAt`) in the buildings whose centroid lies in the polygons. */
  peopleInside(polygons: readonly Polygon[], people: Float32Array): number {
    return sumOver(people, this.buildingsInside(polygons));
  }

  /** Calls `fn` for every building in the index cells that the box touches. */
  private visit(minX: number, minY: number, maxX: number, maxY: number, fn: (i: number) => void): void {
    const g = this.index;
    const c0 = Math.max(0, Math.floor((minX - g.originX) / INDEX_CELL_M));
    const c1 = Math.min(g.cols - 1, Math.floor((maxX - g.originX) / INDEX_CELL_M));
    const r0 = Math.max(0, Math.floor((minY - g.originY) / INDEX_CELL_M));
    const r1 = Math.min(g.rows - 1, Math.floor((maxY - g.originY) / INDEX_CELL_M));
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        const cell = r * g.cols + c;
        for (let k = g.start[cell]; k < g.start[cell + 1]; k++) fn(g.items[k]);
      }
    }
  }
}

/** Sum of `values` at `indices`. */
export function sumOver(values: Float32Array, indices: Int32Array): number {
  let s = 0;
  for (const i of indices) s += values[i];
  return s;
}

/** A bucket grid over the centroids (compressed rows: the items of cell k are items[start[k]..start[k+1])). */
function buildIndex(xs: Float64Array, ys: Float64Array) {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < xs.length; i++) {
    minX = Math.min(minX, xs[i]);
    minY = Math.min(minY, ys[i]);
    maxX = Math.max(maxX, xs[i]);
    maxY = Math.max(maxY, ys[i]);
  }
  if (xs.length === 0) minX = minY = maxX = maxY = 0;
  const cols = Math.floor((maxX - minX) / INDEX_CELL_M) + 1;
  const rows = Math.floor((maxY - minY) / INDEX_CELL_M) + 1;
  const cellOf = (i: number): number => Math.floor((ys[i] - minY) / INDEX_CELL_M) * cols + Math.floor((xs[i] - minX) / INDEX_CELL_M);
  const start = new Int32Array(cols * rows + 1);
  for (let i = 0; i < xs.length; i++) start[cellOf(i) + 1]++;
  for (let k = 0; k < cols * rows; k++) start[k + 1] += start[k];
  const fill = start.slice(0, cols * rows);
  const items = new Int32Array(xs.length);
  for (let i = 0; i < xs.length; i++) items[fill[cellOf(i)]++] = i;
  return { originX: minX, originY: minY, cols, rows, start, items };
}

const populations = new WeakMap<CityModel, BuildingPopulation>();

/** The building population of a city, built on first use and shared by every run of that city. */
export function buildingPopulation(city: CityModel): BuildingPopulation {
  let p = populations.get(city);
  if (!p) {
    p = new BuildingPopulation(city);
    populations.set(city, p);
  }
  return p;
}
