/**
 * The incidents layer's markers, the same in both views: each incident (its kind's icon on its
 * level's colour, its name, level, and units on scene or on the way), each unit on the road (its
 * kind, ETA or state), and, while the run has an incident, every shelter with its occupancy and
 * every hospital with its free beds. Pure: a view draws each spec's image at its place.
 */
import type { TFunction } from 'i18next';
import type { EmergencySummary, Incident, IncidentKind, Unit } from '../../../server/protocol/EmergencySummary.ts';
import { terrainHeightAt, type TerrainHeights } from '../../twin/traffic/roads.ts';
import { HOSPITAL_COLOR, levelColor, levelTextColor, SHELTER_COLOR, UNIT_COLORS } from './emergencyColors.ts';
import { levelBadge, nameIn, unitName, unitStatus } from './incidentText.ts';
import type { MarkerIcon, MarkerLine, MarkerLook } from './markerImage.ts';

export type MarkerKind = 'incident' | 'unit' | 'shelter' | 'hospital';

/** One marker: what it is, where its foot is (local metres), what it looks like, and a key that changes with its look. */
export interface MarkerSpec {
  id: string;
  kind: MarkerKind;
  x: number;
  y: number;
  z: number;
  look: MarkerLook;
  key: string;
}

/** Metres above the ground (or the burning roof) each kind of marker stands at. */
const LIFT_M: Record<MarkerKind, number> = { incident: 30, unit: 6, shelter: 20, hospital: 20 };
const STEM_PX: Record<MarkerKind, number> = { incident: 28, unit: 10, shelter: 16, hospital: 16 };
const INCIDENT_ICON: Record<IncidentKind, MarkerIcon> = { fire: 'fire', chemical: 'chemical', flood: 'flood' };
/** A level's colour as text on the dark plate: the blue of level IV lightened to be read. */
const LEVEL_TEXT_ON_DARK: Record<Incident['level'], string> = { I: levelColor('I'), II: levelColor('II'), III: levelColor('III'), IV: '#7d9bff' };
const UNIT_ICON: Record<Unit['kind'], MarkerIcon> = { fire: 'fire', ambulance: 'hospital', police: 'police' };

/** Units drawn on the road: on their way or carrying patients, with a known position. */
export const isMoving = (u: Unit): boolean => (u.state === 'enRoute' || u.state === 'toHospital') && u.x !== null && u.y !== null;

export interface MarkerContext {
  t: TFunction;
  zh: boolean;
  terrain: TerrainHeights | null;
  /** The roof height (local metres) of a burning building, when known: its marker stands over it. */
  roofOf(incident: Incident): number | null;
}

function spec(kind: MarkerKind, id: string, x: number, y: number, base: number, look: Omit<MarkerLook, 'stemPx'>): MarkerSpec {
  const full: MarkerLook = { ...look, stemPx: STEM_PX[kind] };
  return { id, kind, x, y, z: base + LIFT_M[kind], look: full, key: JSON.stringify(full) };
}

/** Every marker of `summary` now. */
export function markersOf(summary: EmergencySummary | null, c: MarkerContext): MarkerSpec[] {
  if (!summary || summary.incidents.length === 0) return [];
  const { t, zh } = c;
  const ground = (x: number, y: number) => (c.terrain ? terrainHeightAt(c.terrain, x, y) : 0);
  const out: MarkerSpec[] = [];
  for (const inc of summary.incidents) {
    if (inc.status === 'closed') continue;
    const onScene = inc.units.filter((u) => u.state === 'onScene').length;
    const coming = inc.units.filter((u) => u.state === 'enRoute' || u.state === 'waiting').length;
    const lines: MarkerLine[] = [
      { text: nameIn(inc.name, zh), bold: true },
      { text: `${levelBadge(t, inc.level)} · ${t(`incidents.status.${inc.status}`)}`, color: LEVEL_TEXT_ON_DARK[inc.level] },
    ];
    if (onScene + coming > 0) lines.push({ text: t(coming > 0 ? 'incidents.unitsLine' : 'incidents.unitsOnScene', { onScene, coming }) });
    out.push(spec('incident', inc.id, inc.x, inc.y, c.roofOf(inc) ?? ground(inc.x, inc.y), { icon: INCIDENT_ICON[inc.kind], color: levelColor(inc.level), iconColor: levelTextColor(inc.level), lines }));
    for (const u of inc.units) {
      if (!isMoving(u)) continue;
      const [x, y] = [u.x as number, u.y as number];
      out.push(spec('unit', u.id, x, y, ground(x, y), { icon: UNIT_ICON[u.kind], color: UNIT_COLORS[u.kind], iconColor: '#04121f', lines: [{ text: `${unitName(t, u)} · ${unitStatus(t, u, summary.simTimeMs)}` }] }));
    }
  }
  const fmt = new Intl.NumberFormat(zh ? 'zh-CN' : 'en');
  for (const s of summary.shelters) {
    const lines = [{ text: nameIn(s.name, zh) }, { text: t('incidents.shelterLine', { occupancy: fmt.format(s.occupancy), capacity: fmt.format(s.capacity) }), color: '#a5f0b8' }];
    out.push(spec('shelter', s.id, s.x, s.y, ground(s.x, s.y), { icon: 'shelter', color: SHELTER_COLOR, iconColor: '#04121f', lines }));
  }
  for (const h of summary.hospitals) {
    const lines = [{ text: nameIn(h.name, zh) }, { text: t('incidents.hospitalLine', { free: fmt.format(h.bedsFree), beds: fmt.format(h.beds) }), color: '#ffb3c1' }];
    out.push(spec('hospital', h.id, h.x, h.y, ground(h.x, h.y), { icon: 'hospital', color: HOSPITAL_COLOR, iconColor: '#ffffff', lines }));
  }
  return out;
}
