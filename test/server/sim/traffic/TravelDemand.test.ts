import { describe, expect, it } from 'vitest';
import { dayTypeAt, PURPOSES, tripRate, type DayType } from '../../../../server/sim/traffic/TravelDemand.ts';

const DAILY = 580_000;

/** Vehicle trips starting in hour `h` (its centre's rate × 3600) over all purposes. */
const tripsInHour = (h: number, day: DayType, purposes: readonly (typeof PURPOSES)[number][] = PURPOSES): number =>
  purposes.reduce((s, p) => s + tripRate(p, h + 0.5, DAILY, day) * 3600, 0);
const tripsInDay = (day: DayType): number => Array.from({ length: 24 }, (_, h) => tripsInHour(h, day)).reduce((a, b) => a + b, 0);

describe('travel demand by kind of day', () => {
  it('tells the weekend by the date in Asia/Shanghai, not in UTC', () => {
    expect(dayTypeAt(Date.parse('2026-03-16T08:00:00+08:00'))).toBe('weekday'); // Monday
    expect(dayTypeAt(Date.parse('2026-03-20T23:59:59+08:00'))).toBe('weekday'); // Friday night
    // Saturday 00:00 in Shanghai is still Friday 16:00 in UTC.
    expect(dayTypeAt(Date.parse('2026-03-21T00:00:00+08:00'))).toBe('weekend');
    expect(dayTypeAt(Date.parse('2026-03-22T23:59:59+08:00'))).toBe('weekend'); // Sunday night
    expect(dayTypeAt(Date.parse('2026-03-22T16:00:00Z'))).toBe('weekday'); // Monday 00:00 in Shanghai
    expect(dayTypeAt(0)).toBe('weekday'); // 1970-01-01, a Thursday
  });

  it('makes the whole weekday of trips a weekday, and about 86 % of them on a weekend day', () => {
    expect(tripsInDay('weekday')).toBeCloseTo(DAILY, -1);
    expect(tripsInDay('weekend') / DAILY).toBeCloseTo(0.858, 3);
  });

  it('has no sharp morning peak on the weekend, and more shopping and leisure from late morning', () => {
    expect(tripsInHour(8, 'weekend')).toBeLessThan(0.5 * tripsInHour(8, 'weekday'));
    expect(tripsInHour(7, 'weekend', ['homeToSchool'])).toBeLessThan(0.1 * tripsInHour(7, 'weekday', ['homeToSchool']));
    const shopping = ['homeToShop', 'shopToHome'] as const;
    for (const h of [11, 15, 19]) expect(tripsInHour(h, 'weekend', shopping)).toBeGreaterThan(1.5 * tripsInHour(h, 'weekday', shopping));
    // The weekend's busiest hour is after 10:00 and carries a smaller share of the day than the weekday's 8:00.
    const weekend = Array.from({ length: 24 }, (_, h) => tripsInHour(h, 'weekend'));
    expect(weekend.indexOf(Math.max(...weekend))).toBeGreaterThanOrEqual(10);
    expect(Math.max(...weekend) / tripsInDay('weekend')).toBeLessThan(tripsInHour(8, 'weekday') / DAILY);
  });

  it('keeps the weekday figures by default', () => {
    for (const p of PURPOSES) expect(tripRate(p, 8.25, DAILY)).toBe(tripRate(p, 8.25, DAILY, 'weekday'));
  });
});
