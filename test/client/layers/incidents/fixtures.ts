/** Emergency summaries for the incidents layer's tests: a fire with units on the way and on scene, a chlorine release with its zones and orders. */
import i18next, { type TFunction } from 'i18next';
import { en, zhCN } from '../../../../client/app/locales.ts';
import type { EmergencySummary, Incident, Unit } from '../../../../server/protocol/EmergencySummary.ts';

/** A square ring of side 2·r around (x, y), closed. */
export const square = (x: number, y: number, r: number): [number, number][] => [
  [x - r, y - r],
  [x + r, y - r],
  [x + r, y + r],
  [x - r, y + r],
  [x - r, y - r],
];

export function unit(id: string, state: Unit['state'], over: Partial<Unit> = {}): Unit {
  return {
    id,
    kind: 'fire',
    station: 'fire_station-06',
    stationName: { zh: '西区消防救援站', en: 'West Fire Station' },
    objectId: 7,
    state,
    dispatchedAtMs: 2_400_000,
    etaS: 300,
    arrivedAtMs: state === 'onScene' ? 2_467_000 : null,
    x: state === 'waiting' ? null : -4000,
    y: state === 'waiting' ? null : -500,
    routeLinkIds: ['L1', 'L2'],
    ...over,
  };
}

export function fire(over: Partial<Incident> = {}): Incident {
  return {
    id: 'INC-001',
    kind: 'fire',
    name: { zh: '恒大锦绣江南1号楼 火灾', en: 'Fire at Tower 1' },
    x: -4185,
    y: -479,
    startedAtMs: 2_400_000,
    status: 'active',
    level: 'IV',
    levelBasis: 'initial',
    peopleAffected: 147,
    zones: [],
    units: [unit('U001', 'onScene'), unit('U002', 'enRoute'), unit('U003', 'done', { kind: 'ambulance' })],
    casualties: { deaths: 0, seriouslyInjured: 2, minorInjured: 5, transported: 1, waiting: 1 },
    hospitals: [{ id: 'hospital-01', patients: 1 }],
    responseTimeS: 67,
    responseStandardS: 300,
    buildingId: 'B007054',
    floors: 33,
    burningFloors: [12, 13],
    timeline: [
      { simTimeMs: 2_400_000, key: 'started.fire', params: { name: '恒大锦绣江南1号楼 火灾' } },
      { simTimeMs: 2_400_000, key: 'dispatched', params: { unit: 'U001', kind: 'fire', station: '西区消防救援站', etaS: 73 } },
      { simTimeMs: 2_467_000, key: 'onScene', params: { unit: 'U001', kind: 'fire', minutes: 1.1 } },
      { simTimeMs: 2_700_000, key: 'toHospital', params: { unit: 'U003', hospital: '平顶山市第一人民医院', patients: 1 } },
      { simTimeMs: 2_900_000, key: 'atHospital', params: { unit: 'U003', hospital: 'hospital-01', patients: 1 } },
      { simTimeMs: 3_000_000, key: 'levelRaised', params: { level: 'III' } },
    ],
    ...over,
  };
}

export function chlorine(over: Partial<Incident> = {}): Incident {
  return {
    ...fire(),
    id: 'INC-002',
    kind: 'chemical',
    name: { zh: '氯气泄漏', en: 'Chlorine release' },
    x: 3000,
    y: 2300,
    level: 'I',
    buildingId: undefined,
    floors: undefined,
    burningFloors: undefined,
    chemical: 'chlorine',
    kgPerS: 1.5,
    zones: [
      { kind: 'aegl1', polygons: [[square(2600, 1900, 700)]], areaM2: 1_960_000, people: 26_491, reachM: 2509 },
      { kind: 'aegl3', polygons: [[square(2900, 2200, 200)]], areaM2: 160_000, people: 3122, reachM: 1103 },
      { kind: 'evacuation', polygons: [[square(2800, 2100, 400), square(2800, 2100, 50)]], areaM2: 630_000, people: 8465 },
    ],
    timeline: [{ simTimeMs: 1_500_000, key: 'evacuationOrdered', params: { order: 'EVAC-1' } }],
    ...over,
  };
}

export function summary(over: Partial<EmergencySummary> = {}): EmergencySummary {
  return {
    simTimeMs: 3_000_000,
    incidents: [fire(), chlorine()],
    evacuations: [
      { id: 'EVAC-1', incidentId: 'INC-002', order: 'evacuate', orderedAtMs: 1_500_000, people: 8465, byCar: 3380, onFoot: 5085, leftZone: 2582, atShelter: 80, noShelter: 0, clearAtMs: null, shelters: [{ id: 'shelter-01', people: 1048 }] },
    ],
    shelters: [{ id: 'shelter-01', name: { zh: '鹰城广场应急避难场所', en: 'Yingcheng Square Emergency Shelter' }, x: 282, y: 143, capacity: 4686, occupancy: 31 }],
    hospitals: [{ id: 'hospital-01', name: { zh: '平顶山市第一人民医院', en: "Pingdingshan First People's Hospital" }, x: -527, y: 887, beds: 2000, bedsFree: 300 }],
    stations: [{ id: 'fire_station-06', name: { zh: '西区消防救援站', en: 'West Fire Station' }, x: -4300, y: -900, kind: 'fire', units: 4, available: 0 }],
    figures: { meanResponseS: 67, clearanceS: null, peopleInAegl2: 19_190, casualties: 8 },
    ...over,
  };
}

/** The app's translations in `language`, as the views' `t`. */
export function translator(language: 'zh-CN' | 'en'): TFunction {
  const instance = i18next.createInstance();
  void instance.init({ resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } }, lng: language, fallbackLng: 'zh-CN', interpolation: { escapeValue: false }, initAsync: false });
  return instance.t;
}
