/** The changes a planner gathers for a what-if comparison before starting it (framework-free). */

export interface DraftChange {
  /** Inject kind, e.g. "traffic.close_link". */
  kind: string;
  params: Record<string, unknown>;
  /** What the list shows, e.g. the street's name. */
  label: string;
}

export interface WhatIfDraft {
  changes: DraftChange[];
  /** Demand multiplier from the start of the comparison (1 leaves demand as it is). */
  demandFactor: number;
  /** Minutes after the fork point at which both runs are compared. */
  horizonMinutes: number;
}

export type DraftListener = () => void;

/** Holds the draft; panels read `get()` and `subscribe()`. */
export class WhatIfDraftStore {
  private draft: WhatIfDraft = { changes: [], demandFactor: 1, horizonMinutes: 30 };
  private readonly listeners = new Set<DraftListener>();

  get = (): WhatIfDraft => this.draft;

  subscribe = (listener: DraftListener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Adds a change; a closure of a link already in the draft is not added twice. */
  add(change: DraftChange): void {
    const key = JSON.stringify([change.kind, change.params]);
    if (this.draft.changes.some((c) => JSON.stringify([c.kind, c.params]) === key)) return;
    this.set({ changes: [...this.draft.changes, change] });
  }

  remove(index: number): void {
    this.set({ changes: this.draft.changes.filter((_, k) => k !== index) });
  }

  set(patch: Partial<WhatIfDraft>): void {
    this.draft = { ...this.draft, ...patch };
    for (const l of this.listeners) l();
  }

  /** The changes as POST /api/whatif wants them (each at the comparison's start). */
  requestChanges(): { kind: string; params: Record<string, unknown> }[] {
    const changes = this.draft.changes.map(({ kind, params }) => ({ kind, params }));
    if (this.draft.demandFactor !== 1) changes.push({ kind: 'traffic.scale_demand', params: { factor: this.draft.demandFactor } });
    return changes;
  }
}
