/** React bindings for the air panels: the layer's state and the heat map's choice, and how its figures read. */
import { useSyncExternalStore } from 'react';
import type { TFunction } from 'i18next';
import type { AirSummary } from '../../../../server/protocol/AirSummary.ts';
import type { AirDisplay } from '../AirDisplay.ts';
import type { LiveAir } from '../LiveAir.ts';

/** The joined run's latest air summary (null before the first, or for a run without the environment engine). */
export function useAirSummary(air: LiveAir): AirSummary | null {
  return useSyncExternalStore(
    (listener) => air.subscribe(listener),
    () => air.summary,
  );
}

/** The layer's state version: re-renders on every grid, summary and history change. */
export function useAirVersion(air: LiveAir): number {
  return useSyncExternalStore(
    (listener) => air.subscribe(listener),
    () => air.version,
  );
}

/** The grid layer the heat map shows. */
export function useHeatLayer(display: AirDisplay): string {
  return useSyncExternalStore(display.subscribe, display.get);
}

/** The unit key of a grid layer's values: CO in mg/m³, the rest in μg/m³. */
export const unitKey = (layer: string): string => (layer === 'co' ? 'air.unit.mg' : 'air.unit.ug');

/** A layer's name as people read it: a pollutant's formula, a substance's name (or its id), or "AQI". */
export function layerName(t: TFunction, layer: string): string {
  if (layer === 'aqi') return t('air.aqi');
  const pollutant = t(`air.pollutant.${layer}`, { defaultValue: '' });
  return pollutant || t(`air.substance.${layer}`, { defaultValue: layer });
}

/** A concentration with sensible digits: 0.62, 41.5, 1,230. */
export function formatConcentration(language: string, value: number): string {
  const digits = Math.abs(value) < 10 ? 2 : Math.abs(value) < 100 ? 1 : 0;
  return new Intl.NumberFormat(language, { maximumFractionDigits: digits }).format(value);
}
