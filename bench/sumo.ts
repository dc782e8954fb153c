/**
 * `traffic.sumo_speedup` (issue 17): the same SUMO grid network and the same trips run by SUMO and
 * by the engine in one bench run, vehicle updates per CPU second of each.
 *
 * - Network: SUMO's netgenerate, a 30 × 30 grid of 200 m blocks, two lanes each way at 50 km/h,
 *   signals at every junction. Trips: SUMO's randomTrips.py, one every 0.02 s for 450 s (seed 42,
 *   at least 1 km each), 22,500 trips, about 20,000 vehicles on the network at the end, routed
 *   once with SUMO's duarouter (A*) so that both simulators run the same vehicles on the same
 *   routes and neither routes them during the run (SUMO's Dijkstra for trips took 4.6 ms a trip,
 *   more than its dynamics; the engine's rerouting around jams still runs and is counted). Made in
 *   a temporary folder at bench time.
 * - SUMO runs them with `--step-length 0.5`, the engine's step, so a vehicle update is one vehicle
 *   moved one 0.5 s step on both sides: updates are the sum over steps of the vehicles running
 *   (SUMO's summary output; the engine's count). CPU seconds are the whole run on both sides:
 *   loading the network and the trips, routing, stepping (SUMO's from the process's resource use).
 * - The engine runs the network imported by `npm run city -- import --sumo-net` and the trips read
 *   as a scenario's trip file.
 *
 * Without SUMO the bench says how to install it and leaves the figure out.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importSumoNet } from '../server/city/sumo/importSumoNet.ts';
import { engineSignalPlans } from '../server/city/sumo/sumoSignals.ts';
import { createRng } from '../server/sim/random.ts';
import { standaloneContext } from '../server/sim/standaloneContext.ts';
import { TrafficEngine } from '../server/sim/traffic/TrafficEngine.ts';
import { parseRouXml } from '../server/sim/traffic/tripFiles/index.ts';

const SUMO_HOME = process.env.SUMO_HOME ?? '/usr/share/sumo';
const STEP_S = 0.5;
const END_S = 450;
/** Midnight (Asia/Shanghai) of a Monday: SUMO's time 0 and the engine's. */
const MIDNIGHT = Date.parse('2026-03-16T00:00:00+08:00');

function cpuS(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** The SUMO version line, or undefined when `sumo` is not on the PATH. */
function sumoVersion(): string | undefined {
  const r = spawnSync('sumo', ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return undefined;
  return /Version (\S+)/.exec(r.stdout)?.[1];
}

/** Runs a command under Python and returns the CPU seconds (user + system) it and its children used. */
function cpuOf(cmd: string[], cwd: string): number {
  const wrapper = 'import resource, subprocess, sys\nsubprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\nr = resource.getrusage(resource.RUSAGE_CHILDREN)\nprint(r.ru_utime + r.ru_stime)';
  const out = execFileSync('python3', ['-c', wrapper, ...cmd], { cwd, encoding: 'utf8', env: { ...process.env, SUMO_HOME }, stdio: ['ignore', 'pipe', 'inherit'] });
  return Number(out.trim().split('\n').at(-1));
}

/** Makes the grid network, the trips and their routes in `dir` (deterministic: fixed seeds). */
function makeInputs(dir: string): void {
  const env = { ...process.env, SUMO_HOME };
  execFileSync('netgenerate', ['--grid', '--grid.number', '30', '--grid.length', '200', '--default.lanenumber', '2', '--default.speed', '13.89', '--default-junction-type', 'traffic_light', '--no-turnarounds', 'true', '--seed', '1', '-o', 'grid.net.xml'], { cwd: dir, env, stdio: 'ignore' });
  execFileSync('python3', [path.join(SUMO_HOME, 'tools', 'randomTrips.py'), '-n', 'grid.net.xml', '-o', 'trips.rou.xml', '--seed', '42', '-b', '0', '-e', String(END_S), '-p', '0.02', '--min-distance', '1000'], { cwd: dir, env, stdio: 'ignore' });
  execFileSync('duarouter', ['-n', 'grid.net.xml', '--route-files', 'trips.rou.xml', '-o', 'routes.rou.xml', '--routing-algorithm', 'astar', '--no-step-log', '--xml-validation', 'never'], { cwd: dir, env, stdio: 'ignore' });
}

/** SUMO on the inputs: vehicle updates, CPU seconds and the most vehicles running at once. */
function runSumo(dir: string): { updates: number; cpu: number; peak: number } {
  const cpu = cpuOf(['sumo', '-n', 'grid.net.xml', '-r', 'routes.rou.xml', '--step-length', String(STEP_S), '--end', String(END_S), '--no-step-log', '--xml-validation', 'never', '--duration-log.statistics', '--summary-output', 'summary.xml'], dir);
  let updates = 0;
  let peak = 0;
  for (const m of fs.readFileSync(path.join(dir, 'summary.xml'), 'utf8').matchAll(/<step [^>]*\brunning="(\d+)"/g)) {
    const running = Number(m[1]);
    updates += running;
    peak = Math.max(peak, running);
  }
  return { updates, cpu, peak };
}

/** The engine on the imported network and the same trips: the same counts, and the load (import, read) on its own. */
function runEngine(dir: string): { updates: number; cpu: number; peak: number; loadS: number; readS: number; trips: number } {
  const before = cpuS();
  // netgenerate's grid has no projection: it is put down at Pingdingshan.
  const { city, net } = importSumoNet({ id: 'sumogrid', netXml: fs.readFileSync(path.join(dir, 'grid.net.xml'), 'utf8'), netFile: 'grid.net.xml', origin: { lon: 113.19, lat: 33.77 } });
  const beforeRead = cpuS();
  const read = parseRouXml(fs.readFileSync(path.join(dir, 'routes.rou.xml'), 'utf8'), 'routes.rou.xml');
  if (!read.table) throw new Error(`bench sumo: ${read.errors.join('\n')}`);
  const readS = cpuS() - beforeRead;
  const engine = new TrafficEngine();
  engine.init(standaloneContext({ city, params: { dailyTrips: 0, busLines: 0, maxVehicles: 100_000, stepSeconds: STEP_S, signalPlans: engineSignalPlans(net.signals), trips: read.table }, rng: createRng(1), stepMs: STEP_S * 1000, startEpochMs: MIDNIGHT }));
  const loadS = cpuS() - before;
  let updates = 0;
  let peak = 0;
  for (let t = STEP_S * 1000; t <= END_S * 1000; t += STEP_S * 1000) {
    engine.step(t);
    const running = engine.counts().onNetwork;
    updates += running;
    peak = Math.max(peak, running);
  }
  const cpu = cpuS() - before;
  engine.dispose();
  return { updates, cpu, peak, loadS, readS, trips: read.table.count };
}

export async function benchSumo(): Promise<Record<string, number>> {
  const version = sumoVersion();
  if (!version || !fs.existsSync(path.join(SUMO_HOME, 'tools', 'randomTrips.py'))) {
    console.log('  SUMO is not installed: traffic.sumo_speedup left out. Install it with `apt-get install sumo sumo-tools` (SUMO_HOME=/usr/share/sumo), or see https://sumo.dlr.de/docs/Installing/');
    return {};
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-sumo-'));
  try {
    makeInputs(dir);
    const sumo = runSumo(dir);
    const engine = runEngine(dir);
    const sumoRate = sumo.updates / sumo.cpu;
    const engineRate = engine.updates / engine.cpu;
    console.log(`  SUMO ${version}, step ${STEP_S} s on both, ${engine.trips} trips over ${END_S} s; whole runs (loading and stepping) in CPU seconds: SUMO ${sumo.cpu.toFixed(1)} s, engine ${engine.cpu.toFixed(1)} s (load ${engine.loadS.toFixed(1)} s)`);
    return {
      'traffic.sumo_vus': Math.round(sumoRate),
      'traffic.sumo_peak_vehicles': sumo.peak,
      'traffic.sumo_engine_vus': Math.round(engineRate),
      'traffic.sumo_engine_peak_vehicles': engine.peak,
      'traffic.sumo_speedup': Math.round((engineRate / sumoRate) * 10) / 10,
      'traffic.sumo_trips_read_ms': Math.round(engine.readS * 1000),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
