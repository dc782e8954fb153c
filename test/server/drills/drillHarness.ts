import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../server/config.ts';
import { createHello } from '../../../server/protocol/controls.ts';
import type { DrillAck, DrillEvent } from '../../../server/protocol/drills.ts';
import type { Ack } from '../../../server/protocol/controls.ts';
import { startServer, type RunningServer } from '../../../server/startServer.ts';
import { engineRegistry } from '../../../server/sim/engineRegistry.ts';
import { RunStore } from '../../../server/store/RunStore.ts';
import { emergencyCity } from '../sim/emergency/emergencyCity.ts';
import { connect, request, type TwinClient } from '../realtime/realtimeHarness.ts';

const city = emergencyCity();
/** The small city's tallest building: the drill's fire. */
export const TOWER = [...city.buildings].sort((a, b) => b.floors - a.floors)[0].id;

/** Road walkers and the emergency engine in the small city, 2 h. */
const SCENARIO = `id: exercise
title: { zh: 演练情景, en: Exercise scenario }
description: { zh: 小城市演练情景, en: An exercise scenario in the small city }
city: smallcity
start: "2026-03-16T07:00:00+08:00"
duration: "02:00:00"
seed: 7
engines:
  road_walker: { vehicles: 10, meanTripSeconds: 300 }
  emergency: {}
timeline: []
`;

/**
 * A drill at ×60 (a sim minute a wall second): a fire for emergency management to evacuate around
 * (10 sim minutes), a warning for the traffic police (30 sim seconds: hard to meet), and a late item
 * the tests never reach.
 */
const DRILL = `id: exercise
title: { zh: 测试演练, en: Test drill }
description: { zh: 小城市测试演练, en: A test drill in the small city }
scenario: exercise
speed: 60
msel:
  - id: M01
    at: "T+00:00:30"
    to: emergency_management
    from: { zh: 119 指挥中心, en: 119 centre }
    message: { zh: 高层住宅起火, en: A tower block is on fire }
    inject: { kind: emergency.fire, params: { buildingId: ${TOWER} } }
    expected:
      action: emergency.evacuate
      within: "00:10:00"
      description: { zh: 疏散周边群众, en: Evacuate the area }
    notes: { zh: 导调备注, en: Controller note }
  - id: M02
    at: "T+00:00:30"
    to: traffic_police
    message: { zh: 请发布橙色预警, en: Issue an orange warning }
    expected:
      action: warning.orange
      within: "00:00:30"
      description: { zh: 发布预警, en: Issue the warning }
  - id: M03
    at: "T+01:50:00"
    to: health
    message: { zh: 医院准备, en: Ready the hospitals }
    expected:
      action: warning
      within: "00:10:00"
      description: { zh: 发布, en: Issue }
`;

export interface DrillServer {
  server: RunningServer;
  url: string;
  dataDir: string;
  close(): Promise<void>;
}

/** A real server on port 0 with the small city, the "exercise" scenario and drill, sessions kept under a temporary data folder. */
export async function startDrillServer(): Promise<DrillServer> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'yt-drills-'));
  for (const [folder, text] of [['scenarios', SCENARIO], ['drills', DRILL]]) {
    fs.mkdirSync(path.join(tmp, folder));
    fs.writeFileSync(path.join(tmp, folder, 'exercise.yaml'), text);
  }
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', TILES_DIR: 'tilesets', DATA_DIR: 'data' }, tmp);
  const store = new RunStore(':memory:', { flushIntervalMs: 200 });
  const server = await startServer(config, {
    cities: [city],
    build: false,
    clientDir: path.join(tmp, 'no-client'),
    store,
    runs: { scenariosDir: path.join(tmp, 'scenarios'), registry: engineRegistry, liveScenarioId: null },
    drills: { drillsDir: path.join(tmp, 'drills'), pollMs: 50 },
  });
  if (server.realtime?.manager.scenarioErrors.length) throw new Error(server.realtime.manager.scenarioErrors.join('\n'));
  if (server.drills?.errors.length) throw new Error(server.drills.errors.join('\n'));
  return {
    server,
    url: server.url,
    dataDir: config.dataDir,
    async close() {
      await server.close();
      store.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** A signed-in socket and every drill event it heard. */
export interface DrillSocket {
  socket: TwinClient;
  events: DrillEvent[];
  drill(payload: unknown): Promise<Ack<DrillAck>>;
}

export function drillSocket(url: string, cookie: string): DrillSocket {
  const socket = connect(url, createHello({ client: 'test' }), cookie);
  const events: DrillEvent[] = [];
  (socket as unknown as { on(event: string, listener: (e: DrillEvent) => void): void }).on('drill', (e) => events.push(e));
  return { socket, events, drill: (payload) => request<Ack<DrillAck>>(socket, 'drill', payload) };
}
