/**
 * The flood layer's state: for the joined run, the latest water depth grid (`waterDepth`, from
 * the 'grid' frames; other layers' grids are the air's) and the latest flood summary (rain,
 * warning, volumes, roads and buildings under water), fed from the live stream by `connect` and
 * cleared on a run switch. Framework-free; views read `depth` when `gridVersion` moved, panels subscribe.
 */
import { FloodSummary } from '../../../server/protocol/FloodSummary.ts';
import { decodeScalarGrid, type DecodedScalarGrid } from '../../../server/protocol/ScalarGridCodec.ts';
import type { LiveConnection } from '../../twin/live/LiveConnection.ts';
import { VersionedState } from '../../twin/live/VersionedState.ts';
import { WATER_DEPTH_LAYER } from './floodColors.ts';

export class LiveFlood extends VersionedState {
  /** The latest depth grid, or null (before the first, or for a run without the flood engine). */
  depth: DecodedScalarGrid | null = null;
  /** The latest summary, or null. */
  summary: FloodSummary | null = null;
  /** Bumped when a depth grid arrives or is forgotten: views repaint the water then. */
  gridVersion = 0;

  constructor() {
    super('LiveFlood');
  }

  /** Hears the joined run's grid frames and flood summaries from `live`, and forgets them on a run switch; returns the stop. */
  connect(live: LiveConnection): () => void {
    const stops = [live.onRunMessage('grid', (frame) => this.applyGrid(frame)), live.onRunMessage('flood', (raw) => this.applySummary(raw)), live.onRunSwitch(() => this.clear())];
    return () => stops.forEach((stop) => stop());
  }

  /** Keeps a grid frame when it is the water's; false when its bytes are refused. */
  applyGrid(frame: unknown): boolean {
    const decoded = decodeScalarGrid(frame);
    if (!decoded.ok) {
      this.refuse(decoded.error.message);
      return false;
    }
    if (decoded.grid.layer !== WATER_DEPTH_LAYER) return true;
    this.depth = decoded.grid;
    this.gridVersion++;
    this.changed();
    return true;
  }

  /** Applies a flood summary; false (counted) when it does not validate. */
  applySummary(raw: unknown): boolean {
    return this.accept(FloodSummary, raw, 'summary', (summary) => (this.summary = summary));
  }

  /** The depth grid whatever is asked (the heat map's grids). */
  gridFor(): DecodedScalarGrid | null {
    return this.depth;
  }

  /** Forgets everything (on switching runs). */
  clear(): void {
    this.depth = null;
    this.summary = null;
    this.gridVersion++;
    this.changed();
  }
}
