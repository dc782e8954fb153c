import { FrameKind, peekFrameKind } from '../../protocol/frameHeader.ts';
import { decodeScalarGrid, encodeScalarGrid, type DecodedScalarGrid } from '../../protocol/ScalarGridCodec.ts';
import type { Run } from '../../sim/Run.ts';
import type { ReplayFrame } from '../../store/Replay.ts';
import { ownBytes, type OutputStream, type StreamMessage, type StreamOutput } from './OutputStream.ts';
import { Throttle } from './Throttle.ts';

/** What the latest grids hold at a point: each layer's value in the cell containing it, and when the grids were computed. */
export interface GridSample {
  simTimeMs: number;
  values: Record<string, number>;
}

/**
 * Scalar grids over the city (one `grids` output of a sim run: pollutant concentrations, AQI,
 * water depth…): when the grid set's sim time is new, at most once per grid interval of wall time
 * and at once when the run pauses, one scalar grid frame per layer (fresh bytes), each recorded
 * as a `grid` frame whose layer is the grid's layer id. A joining client gets the latest frame of
 * each layer. Replays send recorded grid frames as they come and keep the latest per layer.
 */
export class GridStream implements OutputStream {
  private readonly out: StreamOutput;
  /** The sim run's output id; undefined for a replay's stream (every recorded grid layer). */
  private readonly outputId: string | undefined;
  private readonly throttle: Throttle;
  /** Replays: the latest frame of each layer, by layer id, and its decoding once asked for. */
  private readonly latest = new Map<string, { bytes: Uint8Array; grid?: DecodedScalarGrid }>();

  constructor(out: StreamOutput, outputId: string | undefined, intervalMs: number) {
    this.out = out;
    this.outputId = outputId;
    this.throttle = new Throttle(intervalMs);
  }

  send(run: Run, now: number, force: boolean): void {
    if (!this.throttle.waited(now, force)) return;
    const set = this.set(run);
    if (!set || !this.throttle.isNew(set.simTimeMs)) return;
    this.throttle.sent(now, set.simTimeMs);
    for (const grid of set.grids) {
      // Fresh bytes per broadcast: the socket layer serialises them later. Recorded at the run's
      // time, not the grids' (computed up to a minute earlier): a recording's sim time never goes back.
      const bytes = encodeScalarGrid(grid);
      this.out.recordFrame({ simTimeMs: run.timeMs, kind: 'grid', layer: grid.layer, bytes });
      this.out.send({ type: 'grid', bytes });
    }
  }

  replayFrame(frame: ReplayFrame): boolean {
    if (peekFrameKind(frame.bytes) !== FrameKind.scalarGrid) return false;
    this.latest.set(frame.layer, { bytes: frame.bytes });
    this.out.send({ type: 'grid', bytes: ownBytes(frame.bytes) });
    return true;
  }

  replayEvent(): boolean {
    return false;
  }

  /** The latest frame of each layer: encoded from the run now (sim runs), or the last replayed. */
  catchUp(run: Run | undefined): StreamMessage[] {
    if (!run) return [...this.latest.values()].map(({ bytes }) => ({ type: 'grid', bytes: ownBytes(bytes) }));
    const set = this.set(run);
    return set ? set.grids.map((grid) => ({ type: 'grid', bytes: encodeScalarGrid(grid) })) : [];
  }

  afterSeek(): void {
    this.throttle.reset();
    this.latest.clear();
  }

  /** Replays: each replayed layer's value in the cell containing local point (x, y) (NaN cells and points off a grid left out); undefined before the first grid. */
  sampleAt(x: number, y: number): GridSample | undefined {
    if (this.latest.size === 0) return undefined;
    let simTimeMs = -1;
    const values: Record<string, number> = {};
    for (const entry of this.latest.values()) {
      if (!entry.grid) {
        const decoded = decodeScalarGrid(entry.bytes);
        if (!decoded.ok) continue;
        entry.grid = decoded.grid;
      }
      const g = entry.grid;
      simTimeMs = Math.max(simTimeMs, g.simTimeMs);
      const c = Math.floor((x - g.originX) / g.cellSize);
      const r = Math.floor((y - g.originY) / g.cellSize);
      if (c < 0 || r < 0 || c >= g.cols || r >= g.rows) continue;
      const v = g.values[r * g.cols + c];
      if (!Number.isNaN(v)) values[g.layer] = v;
    }
    return simTimeMs < 0 ? undefined : { simTimeMs, values };
  }

  /** The run's grid set now, or undefined before its first grids. */
  private set(run: Run) {
    const set = this.outputId === undefined ? undefined : run.output(this.outputId, 'grids');
    return set && set.simTimeMs >= 0 && set.grids.length > 0 ? set : undefined;
  }
}
