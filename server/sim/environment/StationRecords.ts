import { POLLUTANTS } from './pollutants.ts';

const P = POLLUTANTS.length;
const MINUTES = 60;
const HOURS = 24;

/**
 * What the air-quality stations measured: each station's one-minute readings of the six pollutants
 * for the last hour (a ring), and the means of the last 24 whole sim hours, so a station reports its
 * trailing 1-hour mean every minute, its hourly means, the 8-hour O3 mean and the 24-hour means.
 */
export class StationRecords {
  private minutes: Float64Array;
  private hours: Float64Array;
  private minuteCount = 0;
  private hourCount = 0;

  constructor(readonly stations: number) {
    this.minutes = new Float64Array(stations * P * MINUTES);
    this.hours = new Float64Array(stations * P * HOURS);
  }

  /** Stores one minute's readings (`values[s * 6 + p]`, pollutants in POLLUTANTS order); every 60th closes an hour. */
  record(values: Float64Array): void {
    const slot = this.minuteCount % MINUTES;
    for (let s = 0; s < this.stations; s++) for (let p = 0; p < P; p++) this.minutes[(s * P + p) * MINUTES + slot] = values[s * P + p];
    this.minuteCount++;
    if (this.minuteCount % MINUTES === 0) {
      const hourSlot = this.hourCount % HOURS;
      for (let s = 0; s < this.stations; s++) for (let p = 0; p < P; p++) this.hours[(s * P + p) * HOURS + hourSlot] = this.trailingHour(s, p);
      this.hourCount++;
    }
  }

  /** The last one-minute reading. */
  latest(s: number, p: number): number {
    return this.minuteCount === 0 ? NaN : this.minutes[(s * P + p) * MINUTES + ((this.minuteCount - 1) % MINUTES)];
  }

  /** Mean of the last 60 readings (fewer in the run's first hour). */
  trailingHour(s: number, p: number): number {
    const n = Math.min(this.minuteCount, MINUTES);
    if (n === 0) return NaN;
    let sum = 0;
    for (let k = 0; k < n; k++) sum += this.minutes[(s * P + p) * MINUTES + ((this.minuteCount - 1 - k) % MINUTES)];
    return sum / n;
  }

  /** Mean of the last `hours` whole-hour means (of as many as there are), NaN before the first hour closes. */
  meanOfHours(s: number, p: number, hours: number): number {
    const n = Math.min(this.hourCount, hours, HOURS);
    if (n === 0) return NaN;
    let sum = 0;
    for (let k = 0; k < n; k++) sum += this.hours[(s * P + p) * HOURS + ((this.hourCount - 1 - k) % HOURS)];
    return sum / n;
  }

  /** Whole hours recorded, at most 24 (the ring's length). */
  get wholeHours(): number {
    return Math.min(this.hourCount, HOURS);
  }

  /** The largest of the last `hours` hourly means (NaN before the first hour closes). */
  maxHourly(s: number, p: number, hours: number): number {
    const n = Math.min(this.hourCount, hours, HOURS);
    if (n === 0) return NaN;
    let max = -Infinity;
    for (let k = 0; k < n; k++) max = Math.max(max, this.hours[(s * P + p) * HOURS + ((this.hourCount - 1 - k) % HOURS)]);
    return max;
  }

  /**
   * The largest 8-hour running mean within the last 24 hours (HJ 633's daily O3 8-hour figure), each
   * mean needing at least 6 hourly values (GB 3095-2012's validity rule); NaN when none has.
   */
  maxEightHour(s: number, p: number): number {
    const n = Math.min(this.hourCount, HOURS);
    let max = NaN;
    for (let end = 0; end < n; end++) {
      let sum = 0;
      let count = 0;
      for (let k = end; k < Math.min(end + 8, n); k++) {
        sum += this.hours[(s * P + p) * HOURS + ((this.hourCount - 1 - k) % HOURS)];
        count++;
      }
      if (count >= 6 && !(sum / count <= max)) max = sum / count;
    }
    return max;
  }

  snapshot(): { minutes: Float64Array; hours: Float64Array; minuteCount: number; hourCount: number } {
    return { minutes: this.minutes.slice(), hours: this.hours.slice(), minuteCount: this.minuteCount, hourCount: this.hourCount };
  }

  restore(s: ReturnType<StationRecords['snapshot']>): void {
    this.minutes.set(s.minutes);
    this.hours.set(s.hours);
    this.minuteCount = s.minuteCount;
    this.hourCount = s.hourCount;
  }
}
