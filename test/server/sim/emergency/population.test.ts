import { beforeAll, describe, expect, it } from 'vitest';
import type { Building, BuildingUse, CityModel } from '../../../../server/city/CityModel.ts';
import { generateCity } from '../../../../server/city/generateCity.ts';
import { polygonArea } from '../../../../server/city/polygon.ts';
import { BuildingPopulation, buildingPopulation, sumOver } from '../../../../server/sim/emergency/population.ts';
import { gridCity } from '../gridCity.ts';

/** A square building of `side` metres centred on (x, y). */
function building(id: number, use: BuildingUse, x: number, y: number, side: number, floors: number): Building {
  const h = side / 2;
  return {
    id: `B${id}`,
    name: '',
    footprint: [[[x - h, y - h], [x + h, y - h], [x + h, y + h], [x - h, y + h]]],
    base: 0,
    height: floors * 3,
    floors,
    use,
    district: '',
    grid: '',
  };
}

/** Homes in the town, then its office, shop, school and hospital. */
const HOMES = 30;
const [OFFICE, SHOP, SCHOOL, HOSPITAL] = [HOMES, HOMES + 1, HOMES + 2, HOMES + 3];

/** A small town: a row of homes, an office tower, a shop, a school and a hospital. */
function town(homes = HOMES): CityModel {
  const city = gridCity();
  city.buildings = [
    ...Array.from({ length: homes }, (_, i) => building(i, 'residential', i * 100, 0, 30, 6)), // 5,400 m² each
    building(homes, 'office', 0, 500, 40, 20), // 32,000 m²: 800 jobs
    building(homes + 1, 'commercial', 200, 500, 50, 2), // 5,000 m²: 125 jobs
    building(homes + 2, 'school', 400, 500, 40, 4), // 6,400 m²: 640 places, 32 staff
    building(homes + 3, 'hospital', 600, 500, 40, 10), // 16,000 m²: 400 jobs, 136 inpatients
  ];
  return city;
}

describe('buildingPopulation on a small town', () => {
  const city = town();
  const pop = buildingPopulation(city);

  it('derives jobs, places and beds from floor area as the traffic demand does', () => {
    expect(pop.jobs[OFFICE]).toBeCloseTo(32_000 / 40, 3);
    expect(pop.jobs[SHOP]).toBeCloseTo(5_000 / 40, 3);
    expect(pop.schoolPlaces[SCHOOL]).toBeCloseTo(6_400 / 10, 3);
    expect(pop.jobs[SCHOOL]).toBeCloseTo(6_400 / 200, 3);
    expect(pop.inpatients[HOSPITAL]).toBeCloseTo((16_000 / 100) * 0.85, 3);
    expect(pop.totals.jobs).toBeCloseTo(800 + 125 + 32 + 400, 2);
  });

  it('houses as many residents as the jobs need (jobs / 0.51), within 1–2.62 a 90 m² home', () => {
    expect(pop.totals.residents).toBeCloseTo(1357 / 0.51, 1); // 1.48 a home
    expect(pop.residents[3]).toBeCloseTo(pop.totals.residents / HOMES, 2);
    const crowded = buildingPopulation(town(5)); // 300 homes: 2.62 each, the census household
    expect(crowded.totals.residents).toBeCloseTo(300 * 2.62, 1);
    const empty = buildingPopulation(town(300)); // 18,000 homes: 1 each
    expect(empty.totals.residents).toBeCloseTo(18_000, 1);
    expect(pop.residents[OFFICE]).toBe(0);
  });

  it('is the same object for the same city', () => {
    expect(buildingPopulation(city)).toBe(pop);
  });

  it('keeps everyone somewhere: the total is the same at every hour', () => {
    const total = pop.totals.residents + pop.totals.inpatients;
    for (let h = 0; h < 24; h += 0.5) {
      expect(pop.peopleAt(h).reduce((s, v) => s + v, 0)).toBeCloseTo(total, 0);
    }
  });

  it('empties homes no further than to nobody when the jobs outnumber the residents (in-commuters)', () => {
    const crowded = buildingPopulation(town(5));
    const day = crowded.peopleAt(10);
    expect(day[0]).toBe(0);
    expect(day.reduce((s, v) => s + v, 0)).toBeGreaterThan(crowded.totals.residents);
  });

  it('fills homes at 03:00 and empties the office; the reverse at 10:00', () => {
    const night = pop.peopleAt(3);
    const day = pop.peopleAt(10);
    const home = (p: Float32Array) => p[0] / pop.residents[0];
    expect(home(night)).toBeGreaterThan(0.9);
    expect(night[OFFICE] / pop.jobs[OFFICE]).toBeLessThan(0.1);
    expect(night[SCHOOL]).toBeLessThan(0.1 * pop.schoolPlaces[SCHOOL]);
    expect(home(day)).toBeLessThan(0.75);
    expect(day[OFFICE] / pop.jobs[OFFICE]).toBeGreaterThan(0.75);
    expect(day[SCHOOL]).toBeGreaterThan(0.8 * pop.schoolPlaces[SCHOOL]);
    // Hospitals keep their patients and a night shift.
    expect(night[HOSPITAL]).toBeGreaterThan(pop.inpatients[HOSPITAL] + 0.2 * pop.jobs[HOSPITAL]);
  });

  it('follows the weekend travel pattern on a weekend day: fewer at work and school, more in the shops, everyone still somewhere', () => {
    const total = pop.totals.residents + pop.totals.inpatients;
    const [weekday, weekend] = [pop.peopleAt(10), pop.peopleAt(10, 'weekend')];
    expect(weekend.reduce((s, v) => s + v, 0)).toBeCloseTo(total, 0);
    expect(weekend[OFFICE]).toBeLessThan(0.6 * weekday[OFFICE]);
    expect(weekend[SCHOOL]).toBeLessThan(0.3 * weekday[SCHOOL]);
    expect(pop.peopleAt(15, 'weekend')[SHOP]).toBeGreaterThan(1.2 * pop.peopleAt(15)[SHOP]);
    expect(weekend[0]).toBeGreaterThan(weekday[0]);
    // The weekday is the default.
    expect(Array.from(pop.peopleAt(10, 'weekday'))).toEqual(Array.from(weekday));
  });

  it('wraps the hour of day and interpolates between hours', () => {
    expect(Array.from(pop.peopleAt(27))).toEqual(Array.from(pop.peopleAt(3)));
    expect(Array.from(pop.peopleAt(-14))).toEqual(Array.from(pop.peopleAt(10)));
    const [a, b, mid] = [pop.peopleAt(8), pop.peopleAt(9), pop.peopleAt(8.5)];
    expect(mid[OFFICE]).toBeCloseTo((a[OFFICE] + b[OFFICE]) / 2, 2);
  });

  it('counts the people in buildings whose centroid is inside a polygon or a circle', () => {
    const people = pop.peopleAt(3);
    // Homes 2, 3 and 4 (x = 200, 300, 400), in a square from x 150 to 450; a second polygon holds the office.
    const square = [[[150, -50], [450, -50], [450, 50], [150, 50], [150, -50]]] as [number, number][][];
    expect(Array.from(pop.buildingsInside([square]))).toEqual([2, 3, 4]);
    const office = [[[-30, 470], [30, 470], [30, 530], [-30, 530]]] as [number, number][][];
    expect(Array.from(pop.buildingsInside([square, office]))).toEqual([2, 3, 4, OFFICE]);
    expect(pop.peopleInside([square], people)).toBeCloseTo(people[2] + people[3] + people[4], 3);
    // A hole leaves out the middle home.
    const holed = [square[0], [[280, -20], [280, 20], [320, 20], [320, -20]]] as [number, number][][];
    expect(Array.from(pop.buildingsInside([holed]))).toEqual([2, 4]);
    expect(Array.from(pop.buildingsWithin(500, 0, 150))).toEqual([4, 5, 6]);
    expect(sumOver(people, pop.buildingsWithin(500, 0, 150))).toBeCloseTo(people[4] + people[5] + people[6], 3);
    expect(pop.buildingsInside([[[[5000, 5000], [5100, 5000], [5100, 5100]]]])).toHaveLength(0);
  });
});

describe('buildingPopulation of the default city', () => {
  let city: CityModel;
  let pop: BuildingPopulation;
  beforeAll(() => {
    city = generateCity();
    pop = buildingPopulation(city);
  });

  it('houses about central Pingdingshan’s million, one per TravelDemand home', () => {
    const residentialFloor = city.buildings.filter((b) => b.use === 'residential').reduce((s, b) => s + polygonArea(b.footprint) * b.floors, 0);
    expect(pop.totals.residentialFloorM2).toBeCloseTo(residentialFloor, -3);
    expect(pop.totals.residents).toBeGreaterThan(0.8e6);
    expect(pop.totals.residents).toBeLessThan(1.5e6);
    expect(pop.totals.jobs / pop.totals.residents).toBeGreaterThan(0.35);
    expect(pop.totals.jobs / pop.totals.residents).toBeLessThan(0.55);
  });

  it('moves people from homes to workplaces and schools between night and morning', () => {
    const share = (people: Float32Array, uses: BuildingUse[]) => city.buildings.reduce((s, b, i) => (uses.includes(b.use) ? s + people[i] : s), 0);
    const night = pop.peopleAt(3);
    const day = pop.peopleAt(10);
    expect(share(night, ['residential']) / pop.totals.residents).toBeGreaterThan(0.9);
    expect(share(day, ['residential']) / pop.totals.residents).toBeLessThan(0.7);
    expect(share(night, ['office'])).toBeLessThan(0.1 * share(day, ['office']));
    expect(share(day, ['office', 'commercial', 'industrial', 'school'])).toBeGreaterThan(0.3 * pop.totals.residents);
  });
});
