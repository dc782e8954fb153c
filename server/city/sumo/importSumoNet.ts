import type { CityModel, LocalizedName } from '../CityModel.ts';
import { importGeoJson, type ImportReport } from '../importGeoJson.ts';
import { readSumoNet, type SumoNet } from './readSumoNet.ts';
import { engineSignalPlans } from './sumoSignals.ts';

export interface SumoImportInput {
  id: string;
  name?: LocalizedName;
  /** Text of the .net.xml. */
  netXml: string;
  /** Named in error messages. */
  netFile?: string;
  /** Parsed GeoJSON of buildings and points of interest, as importGeoJson takes them. */
  buildings?: unknown;
  pois?: unknown;
  /** Required for a network without a projection: where its centre goes. */
  origin?: { lon: number; lat: number };
}

/**
 * A city from a SUMO network: its roads from the network, placed where its projection says,
 * buildings and points of interest from GeoJSON in the same frame, its connections as the roads'
 * movements. Returns the network as read too: its signal programs and its lane-to-lane
 * connections have no place in the city model.
 */
export function importSumoNet(input: SumoImportInput): { city: CityModel; report: ImportReport; net: SumoNet } {
  const net = readSumoNet(input.netXml, { file: input.netFile, origin: input.origin });
  const { city, report } = importGeoJson({
    id: input.id,
    name: input.name,
    buildings: input.buildings,
    pois: input.pois,
    origin: { lon: net.origin.lon, lat: net.origin.lat },
    roadNetwork: net.roads,
  });
  return { city, report, net };
}

/** Trips per building and day in the default city (580,000 over 44,313): the demand a scenario of an imported city starts from. */
const TRIPS_PER_BUILDING = 13;

/**
 * A scenario (as a scenarios/*.yaml file holds it) that runs traffic in a city imported from a
 * SUMO network with the network's own signal programs as its signal plans. Without buildings the
 * city generates no demand: trips come from injects or a trip file.
 */
export function sumoScenario(scenarioId: string, city: CityModel, net: SumoNet): Record<string, unknown> {
  return {
    id: scenarioId,
    title: { zh: `${city.name.zh}（SUMO 路网）`, en: `${city.name.en} (SUMO network)` },
    description: {
      zh: `从 SUMO 路网导入的${city.name.zh}：早高峰一小时，信号配时取自路网的信号灯方案（${net.signals.length} 个信号路口）。`,
      en: `${city.name.en} imported from a SUMO network: an hour of the morning peak, with the network's own traffic-light programs as signal plans (${net.signals.length} signalised junctions).`,
    },
    city: city.id,
    start: '2026-03-16T07:00:00+08:00',
    duration: '01:00:00',
    seed: 1,
    engines: {
      traffic: {
        dailyTrips: city.buildings.length * TRIPS_PER_BUILDING,
        busLines: 0,
        signalPlans: engineSignalPlans(net.signals),
      },
    },
    timeline: [],
  };
}
