import fs from 'node:fs';
import { expect, it } from 'vitest';
import { importSumoNet } from '../../../../server/city/sumo/importSumoNet.ts';
import { engineSignalPlans } from '../../../../server/city/sumo/sumoSignals.ts';
import { createRng } from '../../../../server/sim/random.ts';
import { standaloneContext } from '../../../../server/sim/standaloneContext.ts';
import { TrafficEngine } from '../../../../server/sim/traffic/TrafficEngine.ts';
import { tripFileProblems } from '../../../../server/sim/traffic/tripFiles/ExplicitTrips.ts';
import { parseRouXml, type TripTable } from '../../../../server/sim/traffic/tripFiles/index.ts';
import { trafficNetworkOf } from '../../../../server/sim/traffic/TrafficNetwork.ts';

const fixture = (path: string): string => fs.readFileSync(new URL(`../../../fixtures/${path}`, import.meta.url), 'utf8');
const MIDNIGHT = Date.parse('2026-03-16T00:00:00+08:00');

it('a city imported from a SUMO network drives a SUMO route file on it: every vehicle starts on its edge and ends on its destination edge', () => {
  const { city, net } = importSumoNet({ id: 'grid', netXml: fixture('sumo/grid.net.xml'), netFile: 'grid.net.xml', origin: { lon: 113.19, lat: 33.77 } });
  const trips = parseRouXml(fixture('trips/grid.rou.xml'), 'grid.rou.xml').table as TripTable;
  expect(trips.count).toBe(9);
  const engine = new TrafficEngine();
  engine.init(standaloneContext({ city, params: { dailyTrips: 0, busLines: 0, signalPlans: engineSignalPlans(net.signals), trips }, rng: createRng(3), stepMs: 500, startEpochMs: MIDNIGHT }));
  // Each vehicle's links in the order it was seen on them.
  const seen = new Map<number, string[]>();
  for (let t = 500; t <= 15 * 60_000; t += 500) {
    engine.step(t);
    for (const v of engine.vehicles()) {
      const links = seen.get(v.id) ?? [];
      if (links.at(-1) !== v.linkId) links.push(v.linkId);
      seen.set(v.id, links);
    }
  }
  expect(engine.counts()).toMatchObject({ departed: 9, arrived: 9, onNetwork: 0 });
  const linksOf = (id: string): string[] => seen.get(engine.vehicleOfTrip(id)?.vehicleId as number) as string[];
  expect(linksOf('g2')).toEqual(['A0A1', 'A1B1', 'B1B2', 'B2C2', 'C2C3', 'C3D3']);
  expect(linksOf('g1')[0]).toBe('A0B0');
  expect(linksOf('g1').at(-1)).toBe('D2D3');
  expect(city.roads.links.find((l) => l.id === linksOf('g3')[0])?.from).toBe('A3');
  expect(city.roads.links.find((l) => l.id === linksOf('g3').at(-1))?.to).toBe('D0');
  for (let k = 0; k < 6; k++) {
    const v = engine.vehicleOfTrip(`gf.${k}`);
    expect(v?.departedS, `gf.${k}`).toBe(20 + 20 * k);
    expect(linksOf(`gf.${k}`)[0]).toBe('B0B1');
    expect(linksOf(`gf.${k}`).at(-1)).toBe('C3D3');
  }
});

it('refuses a route through a turn the SUMO network has no connection for (a U-turn SUMO bans), naming both links', () => {
  const { city } = importSumoNet({ id: 'grid', netXml: fixture('sumo/grid.net.xml'), netFile: 'grid.net.xml', origin: { lon: 113.19, lat: 33.77 } });
  const xml = '<routes>\n<vehicle id="u" depart="0"><route edges="A1B1 B1A1"/></vehicle>\n<vehicle id="ok" depart="0"><route edges="A0A1 A1B1"/></vehicle>\n</routes>';
  const trips = parseRouXml(xml, 'uturn.rou.xml').table as TripTable;
  expect(tripFileProblems(trips, trafficNetworkOf(city))).toBe(
    '1 problem on this city\'s network:\nuturn.rou.xml:2: <vehicle id="u">: route: no turn from "A1B1" into "B1A1" (the network has no such connection)',
  );
});
