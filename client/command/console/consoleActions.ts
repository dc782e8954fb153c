/**
 * What an operator's forms send: the drill actions for dispatching units, closing or opening a
 * road, ordering an evacuation or shelter in place around an incident and issuing a public warning,
 * each checked before it goes (the server checks again and names the field it refuses).
 */
import { departmentMayInject, type Department } from '../../../server/protocol/access.ts';
import type { DrillAction, MselItem, TimelineEntry, WarningLevel } from '../../../server/protocol/drills.ts';
import type { DrillMessage } from '../drill/DrillClient.ts';

export type Built = { ok: true; action: DrillAction } | { ok: false; field: string; message: string };

export interface UnitCounts {
  fire: number;
  ambulance: number;
  police: number;
}

/** Sends units to incident `incidentId`; at least one. */
export function dispatchAction(incidentId: string, units: UnitCounts): Built {
  if (incidentId === '') return { ok: false, field: 'incidentId', message: 'pick an incident' };
  const picked = Object.fromEntries(Object.entries(units).filter(([, n]) => n > 0));
  if (Object.keys(picked).length === 0) return { ok: false, field: 'units', message: 'ask for at least one unit' };
  return { ok: true, action: { type: 'inject', kind: 'emergency.dispatch', params: { incidentId, units: picked } } };
}

/** Closes (or opens again) road link `linkId`. */
export function roadAction(linkId: string, close: boolean): Built {
  const id = linkId.trim();
  if (id === '') return { ok: false, field: 'linkId', message: 'click a road in the twin or type its link id' };
  return { ok: true, action: { type: 'inject', kind: close ? 'traffic.close_link' : 'traffic.open_link', params: { linkId: id } } };
}

/** Orders the people within `radiusM` of an incident out to shelters, or to shelter in place. */
export function evacuationAction(incident: { id: string; x: number; y: number } | null, radiusM: number, order: 'evacuate' | 'shelterInPlace'): Built {
  if (!incident) return { ok: false, field: 'incidentId', message: 'pick an incident' };
  if (!Number.isFinite(radiusM) || radiusM <= 0 || radiusM > 10_000) return { ok: false, field: 'radiusM', message: `expected a radius of 1 to 10000 m, got ${radiusM}` };
  return { ok: true, action: { type: 'inject', kind: 'emergency.evacuate', params: { zone: { incidentId: incident.id, x: incident.x, y: incident.y, radiusM }, order } } };
}

/** A public warning of `kind` at `level`. */
export function warningAction(kind: Extract<DrillAction, { type: 'warning' }>['kind'], level: WarningLevel, message: string): Built {
  const text = message.trim();
  if (text === '') return { ok: false, field: 'message', message: 'write the warning the public will read' };
  return { ok: true, action: { type: 'warning', kind, level, message: text.slice(0, 500) } };
}

/** The forms a department may use: those of the injects it may make, and warnings (any department). */
export function formsFor(department: Department | null): { dispatch: boolean; road: boolean; evacuate: boolean; warning: boolean } {
  return {
    dispatch: departmentMayInject(department, 'emergency.dispatch'),
    road: departmentMayInject(department, 'traffic.close_link'),
    evacuate: departmentMayInject(department, 'emergency.evacuate'),
    warning: department !== null,
  };
}

/**
 * The messages addressed to `department`, newest first, one per item and time: those pushed to this
 * page, and the MSEL items the timeline says were delivered to it before the page joined (the
 * follow answer carries the timeline, not the messages).
 */
export function inboxOf(messages: readonly DrillMessage[], department: Department | null, timeline: readonly TimelineEntry[] = [], msel: readonly MselItem[] = []): DrillMessage[] {
  const inbox = new Map<string, DrillMessage>();
  for (const entry of timeline) {
    if (entry.kind !== 'msel' || entry.department === null || entry.department !== department) continue;
    const item = msel.find((m) => m.id === entry.mselId);
    if (!item) continue;
    const message: DrillMessage = { id: item.id, to: item.to, message: item.message, simTimeMs: entry.simTimeMs, ...(item.from ? { from: item.from } : {}), ...(item.expected ? { expected: item.expected } : {}) };
    inbox.set(messageKey(message), message);
  }
  for (const m of messages) if (m.to === department) inbox.set(messageKey(m), m);
  return [...inbox.values()].sort((a, b) => b.simTimeMs - a.simTimeMs);
}

/** A message's key for read marks. */
export const messageKey = (m: Pick<DrillMessage, 'id' | 'simTimeMs'>): string => `${m.id}@${m.simTimeMs}`;
