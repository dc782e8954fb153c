/**
 * The traffic layer's state: the traffic figures of the joined run as the views and panels read
 * them, the latest link frame (index and speed of every road, indexed like the city's links) and
 * the latest city summary, fed from the live stream by `connect`. Framework-free; views read
 * `links` once per drawn frame when `version` moved, panels subscribe.
 */
import { decodeLinkFrame, type DecodedLinkFrame } from '../../../server/protocol/LinkFrameCodec.ts';
import { TrafficSummary } from '../../../server/protocol/TrafficSummary.ts';
import type { LiveConnection } from '../../twin/live/LiveConnection.ts';

export type TrafficListener = () => void;

export class LiveTraffic {
  /** The latest link frame, or null before the first (or for a run without traffic). */
  links: DecodedLinkFrame | null = null;
  /** The latest city-level figures, or null. */
  summary: TrafficSummary | null = null;
  /** Bumped on every change, so a view can tell whether to recolour. */
  version = 0;
  /** Frames refused (bad bytes, another city's link count). */
  rejected = 0;
  private readonly listeners = new Set<TrafficListener>();

  /** The city's link count, once known: frames for another network are refused. */
  constructor(private linkCount?: number) {}

  /**
   * Hears the joined run's link frames ('links') and summaries ('traffic') from `live`, and forgets
   * them when it switches runs; returns the function that stops it.
   */
  connect(live: LiveConnection): () => void {
    const stops = [
      live.onRunMessage('links', (frame) => this.applyLinks(frame)),
      live.onRunMessage('traffic', (summary) => this.applySummary(summary)),
      live.onRunSwitch(() => this.clear()),
    ];
    return () => {
      for (const stop of stops) stop();
    };
  }

  setLinkCount(count: number | undefined): void {
    this.linkCount = count;
  }

  /** Applies a link frame from the wire; false (and counted) when it is refused. */
  applyLinks(frame: unknown): boolean {
    const decoded = decodeLinkFrame(frame, { linkCount: this.linkCount });
    if (!decoded.ok) {
      this.rejected++;
      console.warn(decoded.error.message);
      return false;
    }
    this.links = decoded.frame;
    this.changed();
    return true;
  }

  /** Applies a summary from the wire; false (and counted) when it does not validate. */
  applySummary(raw: unknown): boolean {
    const parsed = TrafficSummary.safeParse(raw);
    if (!parsed.success) {
      this.rejected++;
      console.warn(`LiveTraffic: summary: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
      return false;
    }
    this.summary = parsed.data;
    this.changed();
    return true;
  }

  /** Forgets everything (on switching runs). */
  clear(): void {
    this.links = null;
    this.summary = null;
    this.changed();
  }

  /** Calls `listener` after every change; returns the function that stops it. */
  subscribe(listener: TrafficListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    this.version++;
    for (const l of this.listeners) l();
  }
}
