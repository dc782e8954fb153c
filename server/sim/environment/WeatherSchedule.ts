import type { Stability } from './dispersion/index.ts';
import type { WeatherHour } from './environmentParams.ts';

/** The weather at one moment, as the engine uses it. */
export interface Weather {
  windFromDeg: number;
  windSpeedMs: number;
  cloudOktas: number;
  temperatureC: number;
  mixingHeightM: number;
  /** A class fixed by the scenario or an inject; undefined means Turner's method decides. */
  stability?: Stability;
}

/** What an `environment.weather` inject changes: the fields it gives. */
export type WeatherChange = Partial<Weather>;

/**
 * An ordinary mid-March day in Pingdingshan (33.7° N, between the Funiu hills and the Huang–Huai
 * plain): light north-easterly drainage winds at night turning easterly and fresher in the
 * afternoon, 4–16 °C, a shallow nocturnal mixing layer (250 m) growing to about 1.4 km by mid
 * afternoon. Representative of the season's climatology, not a forecast.
 */
export const DEFAULT_DAY: readonly WeatherHour[] = Array.from({ length: 24 }, (_, hour) => {
  const day = hour >= 8 && hour < 18;
  const afternoon = hour >= 12 && hour < 18;
  return {
    hour,
    windFromDeg: afternoon ? 80 : day ? 55 : 35,
    windSpeedMs: afternoon ? 3.6 : day ? 2.6 : hour >= 18 && hour < 21 ? 2.2 : 1.6,
    cloudOktas: 3,
    // Minimum at 06:00, maximum at 15:00.
    temperatureC: temperatureAt(hour),
    mixingHeightM: hour < 8 || hour >= 21 ? 250 : hour < 11 ? 250 + (hour - 7) * 300 : hour < 17 ? 1400 : 1400 - (hour - 16) * 280,
  };
});

/** 4 °C at 06:00 rising to 16 °C at 15:00 and falling back through the night (two half cosines). */
function temperatureAt(hour: number): number {
  const t = hour >= 6 && hour <= 15 ? 10 - 6 * Math.cos((Math.PI * (hour - 6)) / 9) : 10 + 6 * Math.cos((Math.PI * ((hour < 6 ? hour + 24 : hour) - 15)) / 15);
  return Math.round(t * 10) / 10;
}

/**
 * Hourly weather by the hour of the day (Beijing time), each listed hour holding until the next
 * one (wrapping at midnight), with changes made by injects laid over it from their time on.
 */
export class WeatherSchedule {
  private readonly byHour: WeatherHour[];
  private overrides: WeatherChange = {};

  constructor(hours: readonly WeatherHour[], private readonly fixedStability?: Stability) {
    const sorted = [...hours].sort((a, b) => a.hour - b.hour);
    this.byHour = Array.from({ length: 24 }, (_, h) => {
      let pick = sorted[sorted.length - 1];
      for (const entry of sorted) if (entry.hour <= h) pick = entry;
      return pick;
    });
  }

  /** The weather at `epochMs`. */
  at(epochMs: number): Weather {
    const hour = Math.floor((((epochMs / 3_600_000 + 8) % 24) + 24) % 24);
    const h = this.byHour[hour];
    return {
      windFromDeg: h.windFromDeg,
      windSpeedMs: h.windSpeedMs,
      cloudOktas: h.cloudOktas,
      temperatureC: h.temperatureC,
      mixingHeightM: h.mixingHeightM,
      stability: h.stability ?? this.fixedStability,
      ...this.overrides,
    };
  }

  /** Lays `change` over the schedule from now on. */
  change(change: WeatherChange): void {
    this.overrides = { ...this.overrides, ...change };
  }

  snapshot(): WeatherChange {
    return { ...this.overrides };
  }

  restore(overrides: WeatherChange): void {
    this.overrides = { ...overrides };
  }
}
