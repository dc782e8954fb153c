/**
 * What the air layer's heat map shows, as chosen in its legend: the AQI (by default), one pollutant
 * or a released substance. Framework-free, one per page: the legend sets it, both views read it.
 */
import { AQI_LAYER } from './airColors.ts';

export type AirDisplayListener = () => void;

export class AirDisplay {
  private shown: string = AQI_LAYER;
  private readonly listeners = new Set<AirDisplayListener>();

  /** The grid layer chosen ('aqi', 'pm25', …, or a substance such as 'chlorine'). */
  get = (): string => this.shown;

  /** Chooses what the heat map shows. */
  set(layer: string): void {
    if (layer === this.shown) return;
    this.shown = layer;
    for (const l of [...this.listeners]) l();
  }

  subscribe = (listener: AirDisplayListener): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };
}
