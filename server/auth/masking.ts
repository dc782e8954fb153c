import type { DataLayerId, DataView, LayerAccess } from '../protocol/access.ts';
import type { AirSummary } from '../protocol/AirSummary.ts';
import type { Dashboard } from '../protocol/Dashboard.ts';
import type { EmergencySummary, Evacuation, Incident, TimelineEntry, Unit } from '../protocol/EmergencySummary.ts';
import type { ServerEvent } from '../protocol/events.ts';
import type { ServerToClient } from '../protocol/socketEvents.ts';
import type { ObjectDescription } from '../sim/Engine.ts';

/**
 * What a screen may receive of the departments' data layers: pure functions that take an answer or
 * a message and a DataView (see dataView.ts) and return a copy without what the view hides. Never
 * mutate their input. Figures that are the city's (AQI, weather, the model's grids, traffic
 * figures) are no department's raw data and pass.
 */

/** True when `access` hides `field`: the layer is not granted, or the grant masks the field. */
function hides(access: LayerAccess, field: string): boolean {
  return access.access === 'none' || (access.access === 'masked' && access.masked.includes(field));
}

/** True when `access` hides any of `fields`, i.e. an answer carrying them is cut. */
const hidesAny = (access: LayerAccess, fields: readonly string[]): boolean => fields.some((f) => hides(access, f));

// ------------------------------------------------------------------ air (environment.stations)

/**
 * The air summary as `view` may see it (environment.stations): none → no stations and no
 * releases; masked `readings` → stations keep their place and AQI but not their hourly and minute
 * concentrations; masked `sources` → no releases. The city's AQI, concentrations, maxima and weather stay.
 */
export function maskAir(summary: AirSummary, view: DataView): AirSummary {
  const access = view['environment.stations'];
  if (access.access === 'none') return { ...summary, stations: [], releases: [] };
  return {
    ...summary,
    // Concentrations is a record of numbers: {} is a valid empty reading.
    stations: hides(access, 'readings') ? summary.stations.map((s) => ({ ...s, hourly: {}, minute: {} })) : [...summary.stations],
    // The grid and the maxima still show a release's plume: that is the model's output, not the source's declared rate.
    releases: hides(access, 'sources') ? [] : [...summary.releases],
  };
}

/** GET /api/runs/:id/air: `{ runId, summary, history }`, the history's station AQIs gone with the stations. */
export interface AirAnswer {
  runId: string;
  summary: AirSummary;
  history: { simTimeMs: number; aqi: number; stations: { id: string; aqi: number }[] }[];
}

/** GET /api/runs/:id/air as `view` may see it (see maskAir). */
export function maskAirAnswer(body: AirAnswer, view: DataView): AirAnswer {
  const none = view['environment.stations'].access === 'none';
  return { ...body, summary: maskAir(body.summary, view), history: none ? body.history.map((p) => ({ ...p, stations: [] })) : [...body.history] };
}

// ------------------------------------------------------------- emergency (emergency.incidents, health.hospitals)

/** Timeline and alert parameters that carry casualty figures or where patients went (e.g. toHospital's {unit, hospital, patients}). */
const CASUALTY_PARAMS = ['patients', 'hospital', 'deaths', 'seriouslyInjured', 'minorInjured', 'transported', 'waiting', 'casualties'];
/** Alert parameters that name a responding unit. */
const UNIT_PARAMS = ['unit', 'unitId', 'units'];
/** Stands in for an incident's level basis, which states its deaths and injured. */
export const MASKED_LEVEL_BASIS = 'masked';
const NO_CASUALTIES: Incident['casualties'] = { deaths: 0, seriouslyInjured: 0, minorInjured: 0, transported: 0, waiting: 0 };

const carries = (params: Record<string, unknown>, names: readonly string[]): boolean => names.some((n) => n in params);

/** What an emergency view hides, worked out once per summary or answer. */
interface EmergencyCut {
  incidents: boolean;
  units: boolean;
  shelters: boolean;
  beds: boolean;
  casualties: boolean;
}

function emergencyCut(view: DataView): EmergencyCut {
  const e = view['emergency.incidents'];
  const h = view['health.hospitals'];
  return { incidents: e.access === 'none', units: hides(e, 'units'), shelters: hides(e, 'shelters'), beds: hides(h, 'beds'), casualties: hides(h, 'casualties') };
}

/** The incident parts a view may hide, in the summary and in GET /incidents' answer alike. */
type IncidentParts = Pick<Incident, 'casualties' | 'hospitals' | 'levelBasis' | 'timeline'> & { units: unknown[] };

/** An incident without its units and/or its casualties (figures, where patients went, the level's basis, the timeline entries that name them). */
function maskIncident<I extends IncidentParts>(incident: I, cut: EmergencyCut): I {
  const out = { ...incident };
  if (cut.units) out.units = [];
  if (cut.casualties) {
    out.casualties = NO_CASUALTIES;
    out.hospitals = [];
    out.levelBasis = MASKED_LEVEL_BASIS;
    out.timeline = incident.timeline.filter((t: TimelineEntry) => !carries(t.params, CASUALTY_PARAMS));
  }
  return out;
}

const maskEvacuations = (evacuations: readonly Evacuation[], cut: EmergencyCut): Evacuation[] =>
  cut.incidents ? [] : evacuations.map((e) => (cut.shelters ? { ...e, shelters: [] } : e));

const maskFigures = (figures: EmergencySummary['figures'], cut: EmergencyCut): EmergencySummary['figures'] => (cut.casualties ? { ...figures, casualties: 0 } : { ...figures });

/**
 * The emergency summary as `view` may see it. emergency.incidents: none → no incidents,
 * evacuations, shelters or stations (the figures stay: they are totals); masked `units` → no
 * incident's units; masked `shelters` → no shelters and no evacuation's per-shelter counts.
 * health.hospitals: none or masked `beds` → no hospitals; none or masked `casualties` → every
 * incident's casualties zeroed, its hospitals, level basis and casualty timeline entries gone, and
 * the casualties figure 0.
 */
export function maskEmergency(summary: EmergencySummary, view: DataView): EmergencySummary {
  const cut = emergencyCut(view);
  const withheld = (Object.keys(cut) as (keyof EmergencyCut)[]).filter((k) => cut[k]);
  return {
    ...summary,
    ...(withheld.length > 0 ? { withheld } : {}),
    incidents: cut.incidents ? [] : summary.incidents.map((i) => maskIncident(i, cut)),
    evacuations: maskEvacuations(summary.evacuations, cut),
    shelters: cut.incidents || cut.shelters ? [] : [...summary.shelters],
    hospitals: cut.beds ? [] : [...summary.hospitals],
    stations: cut.incidents ? [] : [...summary.stations],
    figures: maskFigures(summary.figures, cut),
  };
}

/** An incident as GET /api/runs/:id/incidents answers it: zones as GeoJSON, units without routes, the first hospital, lon/lat when the city is served. */
export type IncidentAnswerItem = Omit<Incident, 'zones' | 'units'> & {
  lon?: number;
  lat?: number;
  zones: { type: 'FeatureCollection'; features: object[] };
  units: Omit<Unit, 'routeLinkIds'>[];
  hospital: string | null;
};
export interface IncidentsAnswer {
  runId: string;
  simTimeMs: number;
  incidents: IncidentAnswerItem[];
  evacuations: Evacuation[];
  figures: EmergencySummary['figures'];
}
type Located = { lon?: number; lat?: number };
export interface SheltersAnswer {
  runId: string;
  simTimeMs: number;
  shelters: (EmergencySummary['shelters'][number] & Located & { free: number })[];
}
export interface HospitalsAnswer {
  runId: string;
  simTimeMs: number;
  hospitals: (EmergencySummary['hospitals'][number] & Located)[];
}

/** GET /api/runs/:id/incidents as `view` may see it (see maskEmergency); the incidents' `hospital` is null with casualties hidden. */
export function maskIncidentsAnswer(body: IncidentsAnswer, view: DataView): IncidentsAnswer {
  const cut = emergencyCut(view);
  return {
    ...body,
    incidents: cut.incidents ? [] : body.incidents.map((i) => (cut.casualties ? { ...maskIncident(i, cut), hospital: null } : maskIncident(i, cut))),
    evacuations: maskEvacuations(body.evacuations, cut),
    figures: maskFigures(body.figures, cut),
  };
}

/** GET /api/runs/:id/shelters as `view` may see it: no shelters with emergency.incidents' `shelters` hidden. */
export function maskSheltersAnswer(body: SheltersAnswer, view: DataView): SheltersAnswer {
  return { ...body, shelters: emergencyCut(view).shelters ? [] : [...body.shelters] };
}

/** GET /api/runs/:id/hospitals as `view` may see it: no hospitals with health.hospitals' `beds` hidden. */
export function maskHospitalsAnswer(body: HospitalsAnswer, view: DataView): HospitalsAnswer {
  return { ...body, hospitals: emergencyCut(view).beds ? [] : [...body.hospitals] };
}

/**
 * GET /api/runs/:id/dashboard as `view` may see it (see maskEmergency): emergency.incidents none →
 * no incidents, responders or shelters; its `units` hidden → no responders; its `shelters` hidden →
 * no shelters; health.hospitals' `beds` hidden → no hospitals. Each cut block is null with its
 * trend empty, and `withheld` names it (the screen shows it withheld, not as zero). Traffic and air
 * are the city's figures and pass.
 */
export function maskDashboard(body: Dashboard, view: DataView): Dashboard {
  const cut = emergencyCut(view);
  const units = cut.incidents || cut.units;
  const shelters = cut.incidents || cut.shelters;
  const withheld = (['incidents', 'units', 'shelters', 'beds'] as const).filter((k) => cut[k]);
  const t = body.trends;
  return {
    ...body,
    ...(withheld.length > 0 ? { withheld } : {}),
    incidents: cut.incidents ? null : body.incidents,
    responders: units ? null : body.responders,
    shelters: shelters ? null : body.shelters,
    hospitals: cut.beds ? null : body.hospitals,
    trends: {
      ...t,
      incidents: cut.incidents ? [] : t.incidents,
      respondersEnRoute: units ? [] : t.respondersEnRoute,
      shelterOccupancy: shelters ? [] : t.shelterOccupancy,
      freeBeds: cut.beds ? [] : t.freeBeds,
    },
  };
}

// ------------------------------------------------------------------ vehicles (traffic.vehicles)

/** The vehicle inspector as `view` may see it: null without traffic.vehicles (the caller answers 403); masked `trip` → no destination or time travelling. */
export function maskObjectDescription<D extends ObjectDescription>(d: D, view: DataView): D | null {
  const access = view['traffic.vehicles'];
  if (access.access === 'none') return null;
  if (!hides(access, 'trip')) return { ...d };
  const { destinationLinkId: _link, destinationStreet: _street, travellingMinutes: _minutes, ...rest } = d;
  // The three are optional in ObjectDescription, so the rest is still one.
  return rest as D;
}

/** Whether object frames go to a view: they carry positions and kinds only, so any grant of traffic.vehicles sends them. */
export function objectFrames(view: DataView): 'send' | 'withhold' {
  return view['traffic.vehicles'].access === 'none' ? 'withhold' : 'send';
}

// ------------------------------------------------------------------ HTTP answers

/** Answers of routes that carry layer data, by the route's path as @koa/router matched it, with the layers each may cut and the fields that cut it. */
const HTTP_ROUTES: Record<string, { layers: Partial<Record<DataLayerId, readonly string[]>>; mask: (body: never, view: DataView) => unknown; forbiddenWithout?: DataLayerId }> = {
  '/api/runs/:id/incidents': { layers: { 'emergency.incidents': ['units', 'shelters'], 'health.hospitals': ['casualties'] }, mask: maskIncidentsAnswer },
  '/api/runs/:id/shelters': { layers: { 'emergency.incidents': ['shelters'] }, mask: maskSheltersAnswer, forbiddenWithout: 'emergency.incidents' },
  '/api/runs/:id/hospitals': { layers: { 'health.hospitals': ['beds'] }, mask: maskHospitalsAnswer, forbiddenWithout: 'health.hospitals' },
  '/api/runs/:id/air': { layers: { 'environment.stations': ['readings', 'sources'] }, mask: maskAirAnswer },
  '/api/runs/:id/dashboard': { layers: { 'emergency.incidents': ['units', 'shelters'], 'health.hospitals': ['beds'] }, mask: maskDashboard },
  '/api/runs/:id/objects/:objectId': { layers: { 'traffic.vehicles': ['trip'] }, mask: maskObjectDescription, forbiddenWithout: 'traffic.vehicles' },
};

/**
 * An HTTP answer as `view` may see it, by its route (`ctx._matchedRoute`, e.g.
 * '/api/runs/:id/incidents'): the body cut, with the layers it was cut for (the audit trail records
 * access to a masked layer); or forbidden when the answer is nothing but a layer the view does not
 * have (shelters, hospitals, a vehicle). Other routes and refusals ({error}) pass unchanged.
 */
export function maskHttpAnswer(routePath: string, body: unknown, view: DataView): { body: unknown; masked: DataLayerId[] } | { forbidden: DataLayerId } {
  const route = Object.hasOwn(HTTP_ROUTES, routePath) ? HTTP_ROUTES[routePath] : undefined;
  if (!route || typeof body !== 'object' || body === null || 'error' in body) return { body, masked: [] };
  if (route.forbiddenWithout && view[route.forbiddenWithout].access === 'none') return { forbidden: route.forbiddenWithout };
  const masked = (Object.entries(route.layers) as [DataLayerId, readonly string[]][]).filter(([layer, fields]) => hidesAny(view[layer], fields)).map(([layer]) => layer);
  return { body: route.mask(body as never, view), masked };
}

// ------------------------------------------------------------------ socket messages

/** A Socket.IO message the server sends, by its event name. */
export type MessageType = keyof ServerToClient;
/** Its payload: the event itself for `event`, else what follows the run id. */
export type MessagePayload<K extends MessageType> = K extends 'event' ? ServerEvent : Parameters<ServerToClient[K]>[1];

const MESSAGE_LAYERS: Record<MessageType, readonly DataLayerId[]> = {
  objects: ['traffic.vehicles'],
  air: ['environment.stations'],
  emergency: ['emergency.incidents', 'health.hospitals'],
  event: ['emergency.incidents', 'health.hospitals', 'environment.stations'],
  // City-level figures and the model's fields: no department's raw data.
  traffic: [],
  grid: [],
  links: [],
  flood: [],
  // Drill state, views, timeline and messages: no department's raw data (sent by server/drills, not per run).
  drill: [],
};

/** The data layers a message type may carry: a message touching none goes to every socket alike. */
export function layersIn(type: MessageType): readonly DataLayerId[] {
  return MESSAGE_LAYERS[type];
}

/** Injects whose applied event shows a layer's data (a release's rate, where an incident is), by kind prefix, and the field that hides them (null: only 'none'). */
const INJECT_LAYERS: readonly { prefix: string; layer: DataLayerId; field: string | null }[] = [
  { prefix: 'environment.release', layer: 'environment.stations', field: 'sources' },
  { prefix: 'emergency.dispatch', layer: 'emergency.incidents', field: 'units' },
  { prefix: 'emergency.', layer: 'emergency.incidents', field: null },
];

/**
 * A JSON event as `view` may see it, or null to drop it: incidents and emergency alerts go with
 * emergency.incidents; dispatches with its `units`; alerts naming casualties or units with
 * health.hospitals' `casualties` or `units`; an applied inject with the layer it shows.
 */
export function maskEvent(event: ServerEvent, view: DataView): ServerEvent | null {
  const cut = emergencyCut(view);
  switch (event.type) {
    case 'runState':
      return event;
    case 'incident':
      return cut.incidents ? null : event;
    case 'dispatch':
      return cut.units ? null : event;
    case 'alert':
      if (event.source === 'emergency' && cut.incidents) return null;
      if ((cut.casualties && carries(event.params, CASUALTY_PARAMS)) || (cut.units && carries(event.params, UNIT_PARAMS))) return null;
      return event;
    case 'injectApplied': {
      const shown = INJECT_LAYERS.find((i) => event.kind.startsWith(i.prefix));
      if (!shown) return event;
      const access = view[shown.layer];
      return access.access === 'none' || (shown.field !== null && hides(access, shown.field)) ? null : event;
    }
  }
}

/**
 * A message as `view` may see it, or null to withhold it from the view's sockets: air and
 * emergency summaries and events masked; object frames sent or withheld whole (objectFrames);
 * the rest as they are.
 */
export function maskMessage<K extends MessageType>(type: K, payload: MessagePayload<K>, view: DataView): MessagePayload<K> | null {
  switch (type) {
    case 'air':
      return maskAir(payload as AirSummary, view) as MessagePayload<K>;
    case 'emergency':
      return maskEmergency(payload as EmergencySummary, view) as MessagePayload<K>;
    case 'event':
      return maskEvent(payload as ServerEvent, view) as MessagePayload<K> | null;
    case 'objects':
      return objectFrames(view) === 'send' ? payload : null;
    default:
      return payload;
  }
}
