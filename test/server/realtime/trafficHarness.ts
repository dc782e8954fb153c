import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../server/config.ts';
import { RunManager, type RunManagerOptions } from '../../../server/realtime/RunManager.ts';
import { parseScenarioText } from '../../../server/scenario/parseScenarioText.ts';
import { startServer } from '../../../server/startServer.ts';
import { RunStore } from '../../../server/store/RunStore.ts';
import { signInAs } from '../../helpers/signIn.ts';
import { smallCity } from '../../helpers/smallCity.ts';
import { scenarioYaml, type TestServer } from './realtimeHarness.ts';
import { testRegistry } from './TestTrafficEngine.ts';

/** Scenarios beyond the usual ones: id to [duration "hh:mm:ss", the YAML under `engines:`]. */
export type ExtraScenarios = Record<string, [string, string]>;

/** The test air engine alone ("air") and with the test traffic engine ("rushair"), 2 h each. */
export const AIR_SCENARIOS: ExtraScenarios = {
  air: ['02:00:00', '  test_air: {}'],
  rushair: ['02:00:00', '  test_traffic: {}\n  test_air: {}'],
};

/**
 * A real server on port 0 with the small city and the test traffic engine: scenarios "rush"
 * (test_traffic, 2 h), "walk" (road_walker only, 10 min) and "weekday" (test_traffic, 24 h; the
 * live baseline only when asked for with liveScenarioId), and any `extra` ones, recording into memory.
 */
export async function startTrafficServer(runs: Omit<RunManagerOptions, 'cities' | 'store'> = {}, extra: ExtraScenarios = {}): Promise<TestServer> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'yt-traffic-'));
  const dir = path.join(tmp, 'scenarios');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'rush.yaml'), scenarioYaml('rush', '02:00:00', '  test_traffic: {}'));
  fs.writeFileSync(path.join(dir, 'weekday.yaml'), scenarioYaml('weekday', '24:00:00', '  test_traffic: {}'));
  fs.writeFileSync(path.join(dir, 'walk.yaml'), scenarioYaml('walk', '00:10:00', '  road_walker:\n    vehicles: 20'));
  for (const [id, [duration, engines]] of Object.entries(extra)) fs.writeFileSync(path.join(dir, `${id}.yaml`), scenarioYaml(id, duration, engines));
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', TILES_DIR: 'tilesets', DATA_DIR: 'data', YT_LIVE_CLOCK: 'scenario' }, tmp);
  const store = new RunStore(':memory:', { flushIntervalMs: 200 });
  const server = await startServer(config, {
    cities: [smallCity()],
    build: false,
    clientDir: path.join(tmp, 'no-client'),
    store,
    runs: { scenariosDir: dir, registry: testRegistry, liveScenarioId: null, ...runs },
  });
  const realtime = server.realtime;
  if (!realtime) throw new Error('startTrafficServer: no realtime');
  if (realtime.manager.scenarioErrors.length) throw new Error(realtime.manager.scenarioErrors.join('\n'));
  return {
    server,
    url: server.url,
    store,
    manager: realtime.manager,
    cookie: await signInAs(server, 'director'),
    async close() {
      await server.close();
      store.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/**
 * A RunManager without a server (tests call tick() themselves) with scenarios "rush" (test_traffic,
 * 1 h) and "air" (test_air, 1 h), recording into memory; close() closes both.
 */
export function startTrafficManager(options: Omit<RunManagerOptions, 'cities' | 'store' | 'scenarios' | 'registry'> = {}): { manager: RunManager; store: RunStore; close(): void } {
  const scenarios = [scenarioYaml('rush', '01:00:00', '  test_traffic: {}'), scenarioYaml('air', '01:00:00', '  test_air: {}')].map((text, k) => {
    const parsed = parseScenarioText(text, `${k}.yaml`, testRegistry);
    if (!parsed.scenario) throw new Error(parsed.errors.join('\n'));
    return parsed.scenario;
  });
  const store = new RunStore(':memory:', { flushIntervalMs: 0 });
  const manager = new RunManager({ cities: [smallCity()], store, scenarios, registry: testRegistry, liveScenarioId: null, retention: null, ...options });
  return {
    manager,
    store,
    close() {
      manager.close();
      store.close();
    },
  };
}
