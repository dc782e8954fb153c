/**
 * The six pollutants of China's AQI (HJ 633), as the grids and stations name them. Concentrations
 * are µg/m³ except CO, mg/m³ (the standard's units).
 */
export const POLLUTANTS = ['pm25', 'pm10', 'so2', 'no2', 'co', 'o3'] as const;
export type Pollutant = (typeof POLLUTANTS)[number];

/** What a source emits, in grams per second, by what the dispersion carries: NOx (as NO2) rather than NO2. */
export const EMITTED = ['pm25', 'pm10', 'so2', 'nox', 'co'] as const;
export type Emitted = (typeof EMITTED)[number];

/**
 * NO2 as a share of NOx at the receptor: the US EPA's Ambient Ratio Method for 1-hour NO2
 * (ARM, 80 %; EPA 2011 "Additional clarification regarding application of Appendix W modeling
 * guidance for the 1-hour NO2 NAAQS"). There is no photochemistry here.
 */
export const NO2_PER_NOX = 0.8;

/** Grams to the unit a pollutant is reported in: µg (×1e6) for all but CO, mg (×1e3). */
export function unitPerGram(pollutant: Pollutant | Emitted): number {
  return pollutant === 'co' ? 1e3 : 1e6;
}
