import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { CityStore, CityStoreError } from './CityStore.ts';
import { importGeoJson, ImportError } from './importGeoJson.ts';
import type { ImportReport } from './importGeoJson.ts';
import type { BuildProgress } from '../tiles/buildTileset.ts';
import { importSumoNet, sumoScenario } from './sumo/importSumoNet.ts';
import { SumoNetError, type SumoNet } from './sumo/readSumoNet.ts';

/** `npm run city -- …`: import a city from GeoJSON into the city store and build its tiles; list stored cities. */

const USAGE = `Usage:
  npm run city -- import --buildings FILE.geojson [--roads FILE.geojson] [--pois FILE.geojson] --id ID
                         [--name-zh NAME] [--name-en NAME] [--origin LON,LAT]
                         [--data-dir DIR] [--tiles-dir DIR] [--no-build]
  npm run city -- import --sumo-net FILE.net.xml [--buildings FILE.geojson] [--pois FILE.geojson] --id ID
                         [--origin LON,LAT] [--scenario scenarios/ID.yaml] [--name-zh NAME] [--name-en NAME] …
  npm run city -- list [--data-dir DIR]

Imports a city from GeoJSON (as OpenStreetMap exports carry it) into DIR/cities/ID.json
(data dir: $DATA_DIR or ./data) and builds its 3D Tiles into the tiles dir ($TILES_DIR or ./tilesets).
With --sumo-net the roads come from a SUMO network, placed by its projection (a network without one
needs --origin, the lon/lat of its centre); --scenario writes a traffic scenario that uses the
network's traffic-light programs as its signal plans.
从 GeoJSON（OpenStreetMap 导出格式）导入城市：建筑、道路与兴趣点，保存城市模型并生成 3D Tiles；
或从 SUMO 路网（.net.xml）导入道路与信号配时。`;

/** Bad command-line input: printed as is, exit code 1. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** Where the CLI writes; tests pass their own. */
export interface CliIo {
  log(line: string): void;
  error(line: string): void;
  /** Rewrite the current line (progress); undefined when output is not a terminal. */
  status?(line: string): void;
}

const consoleIo: CliIo = {
  log: (line) => console.log(line),
  error: (line) => console.error(line),
  status: process.stdout.isTTY ? (line) => process.stdout.write(`\r${line.padEnd(process.stdout.columns ? process.stdout.columns - 1 : 79)}`) : undefined,
};

/** Read and parse one input file; a missing or non-JSON file is one clear message naming it. */
export function readGeoJsonFile(file: string): unknown {
  const text = readTextFile(file, 'a GeoJSON file');
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new CliError(`city import: ${file} is not valid JSON (${(error as Error).message})`);
  }
}

/** Read a text input file, gunzipped if it is gzip (SUMO writes .net.xml.gz); a missing one is one clear message naming it. */
function readTextFile(file: string, what: string): string {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError(`city import: ${file} does not exist`);
    if (code === 'EISDIR') throw new CliError(`city import: ${file} is a directory, not ${what}`);
    throw new CliError(`city import: cannot read ${file} (${(error as Error).message})`);
  }
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes.toString('utf8');
  try {
    return gunzipSync(bytes).toString('utf8');
  } catch (error) {
    throw new CliError(`city import: ${file} looks gzipped but does not unzip (${(error as Error).message})`);
  }
}

/** What a SUMO network brought and what of it the city and the scenario keep. */
export function formatSumoReport(net: SumoNet): string[] {
  const signalised = net.roads.nodes.filter((n) => n.signalised).length;
  const plans = net.signals.filter((s) => s.plan).length;
  const lines = [
    `SUMO network: ${net.roads.links.length} edges with car lanes, ${net.roads.nodes.length} junctions (${signalised} signalised), ${net.connections.length} turning movements`,
    `  placed ${net.projected ? `by its projection (${net.location.projParameter})` : 'by --origin (no projection)'}: centre at ${net.origin.lon.toFixed(6)},${net.origin.lat.toFixed(6)}`,
    `  traffic lights: ${net.signals.length} programs, ${plans} as signal plans (cycle and green of each approach axis)`,
  ];
  const reasons = new Map<string, number>();
  for (const s of net.skipped) reasons.set(`${s.element}: ${s.reason}`, (reasons.get(`${s.element}: ${s.reason}`) ?? 0) + 1);
  for (const [reason, count] of reasons) lines.push(`  left out: ${count} × ${reason}`);
  return lines;
}

/** "113.30,33.73" → { lon, lat }. */
export function parseOrigin(text: string): { lon: number; lat: number } {
  const parts = text.split(',').map((s) => s.trim());
  const [lon, lat] = parts.map(Number);
  if (parts.length !== 2 || parts.some((s) => s === '') || !(Math.abs(lon) <= 180) || !(Math.abs(lat) <= 90)) {
    throw new CliError(`city import: --origin: expected "lon,lat" in degrees (e.g. 113.30,33.73), got ${JSON.stringify(text)}`);
  }
  return { lon, lat };
}

/** The import summary as printed: counts, skips by reason, and the first skipped features. */
export function formatReport(report: ImportReport, listed = 20): string[] {
  const { imported, skipped } = report;
  const lines = [`imported: ${imported.buildings} buildings, ${imported.roads} roads, ${imported.pois} points of interest`];
  if (report.heightDefaulted > 0) lines.push(`  ${report.heightDefaulted} buildings had no height or floors: given the default height`);
  if (skipped.length === 0) return [...lines, 'skipped: none'];
  lines.push(`skipped: ${skipped.length} features`);
  for (const [reason, count] of Object.entries(report.skippedByReason).sort((a, b) => b[1] - a[1])) lines.push(`  ${count} × ${reason}`);
  for (const s of skipped.slice(0, listed)) lines.push(`  ${s.layer} #${s.index}: ${s.reason}`);
  if (skipped.length > listed) lines.push(`  … and ${skipped.length - listed} more`);
  return lines;
}

/** Progress as one rewritten line on a terminal, or a line per phase and per tenth otherwise. */
function progressPrinter(io: CliIo): { onProgress: (p: BuildProgress) => void; end: () => void } {
  let lastPhase = '';
  let lastTenth = -1;
  let shown = false;
  return {
    onProgress: (p) => {
      const line = `tiles: ${p.phase} ${p.done}/${p.total}`;
      if (io.status) {
        io.status(line);
        shown = true;
        return;
      }
      const tenth = p.total > 0 ? Math.floor((10 * p.done) / p.total) : 10;
      if (p.phase !== lastPhase || tenth !== lastTenth) io.log(line);
      lastPhase = p.phase;
      lastTenth = tenth;
    },
    end: () => {
      if (shown) io.status?.('');
      if (shown) io.log('');
    },
  };
}

async function importCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      buildings: { type: 'string' },
      roads: { type: 'string' },
      pois: { type: 'string' },
      id: { type: 'string' },
      'name-zh': { type: 'string' },
      'name-en': { type: 'string' },
      origin: { type: 'string' },
      'data-dir': { type: 'string' },
      'tiles-dir': { type: 'string' },
      'no-build': { type: 'boolean', default: false },
      'sumo-net': { type: 'string' },
      scenario: { type: 'string' },
    },
  });
  const sumoNet = values['sumo-net'];
  if (values.buildings === undefined && sumoNet === undefined) throw new CliError('city import: --buildings FILE.geojson (or --sumo-net FILE.net.xml) is required');
  if (sumoNet !== undefined && values.roads !== undefined) throw new CliError('city import: --roads cannot be used with --sumo-net: the roads come from the SUMO network');
  if (sumoNet === undefined && values.scenario !== undefined) throw new CliError('city import: --scenario needs --sumo-net: it carries the network\'s signal programs');
  const scenarioId = values.scenario === undefined ? undefined : path.basename(values.scenario).replace(/\.ya?ml$/, '');
  if (scenarioId !== undefined && !/^[a-z0-9][a-z0-9_-]{0,63}$/.test(scenarioId)) {
    throw new CliError(`city import: --scenario: ${JSON.stringify(values.scenario)}: the file name is the scenario id, so it must be lower-case letters, digits, "-" and "_" then .yaml`);
  }
  if (values.id === undefined) throw new CliError('city import: --id ID is required (lower-case letters, digits, "-" and "_")');
  const zh = values['name-zh'] ?? values['name-en'];
  const en = values['name-en'] ?? values['name-zh'];
  const origin = values.origin === undefined ? undefined : parseOrigin(values.origin);
  const store = new CityStore(values['data-dir'] ?? process.env.DATA_DIR ?? './data');
  const tilesDir = values['tiles-dir'] ?? process.env.TILES_DIR ?? './tilesets';

  // Read every file before importing anything: a bad file stops the import with nothing written.
  const name = zh !== undefined && en !== undefined ? { zh, en } : undefined;
  const buildings = values.buildings === undefined ? undefined : readGeoJsonFile(values.buildings);
  const pois = values.pois === undefined ? undefined : readGeoJsonFile(values.pois);
  const sumo =
    sumoNet === undefined
      ? undefined
      : importSumoNet({ id: values.id, name, netXml: readTextFile(sumoNet, 'a SUMO network'), netFile: sumoNet, buildings, pois, origin });
  const { city, report } =
    sumo ?? importGeoJson({ id: values.id, name, buildings, roads: values.roads === undefined ? undefined : readGeoJsonFile(values.roads), pois, origin });
  if (sumo) for (const line of formatSumoReport(sumo.net)) io.log(line);
  for (const line of formatReport(report)) io.log(line);
  const o = city.origin;
  io.log(`origin: ${o.lon},${o.lat}; extent ${Math.round(city.extent.maxX - city.extent.minX)} m × ${Math.round(city.extent.maxY - city.extent.minY)} m`);
  store.save(city);
  io.log(`saved: ${path.join(store.dir, `${city.id}.json`)}`);
  if (sumo && values.scenario !== undefined) {
    const { stringify } = await import('yaml');
    const header = '# yaml-language-server: $schema=./schema.json\n# Written by `npm run city -- import --sumo-net`: signal plans from the network\'s traffic-light programs.\n';
    fs.writeFileSync(values.scenario, header + stringify(sumoScenario(scenarioId!, city, sumo.net)));
    io.log(`scenario: ${values.scenario}`);
  }
  if (values['no-build']) return 0;

  // Loaded only when building: `list` and `--no-build` do not pay for the glTF toolchain.
  const { buildTileset } = await import('../tiles/buildTileset.ts');
  const progress = progressPrinter(io);
  const result = await buildTileset(city, { outDir: tilesDir, onProgress: progress.onProgress });
  progress.end();
  io.log(
    result.skipped
      ? `tiles: up to date in ${result.dir}`
      : `tiles: ${result.tiles} tiles, ${result.buildings} buildings, ${(result.contentBytes / 1e6).toFixed(1)} MB in ${result.dir} (${result.seconds.toFixed(1)} s)`,
  );
  return 0;
}

function listCommand(args: string[], io: CliIo): number {
  const { values } = parseArgs({ args, options: { 'data-dir': { type: 'string' } } });
  const store = new CityStore(values['data-dir'] ?? process.env.DATA_DIR ?? './data');
  const ids = store.list();
  if (ids.length === 0) io.log(`no cities in ${store.dir}`);
  for (const id of ids) {
    try {
      const city = store.load(id);
      io.log(`${id}\t${city.name.zh} / ${city.name.en}\t${city.buildings.length} buildings, ${city.roads.links.length} road links, ${city.pois.length} POIs`);
    } catch (error) {
      if (!(error instanceof CityStoreError)) throw error;
      io.log(`${id}\t(unreadable: ${error.message})`);
    }
  }
  return 0;
}

/** Run the CLI on its arguments (without node and script); resolves to the exit code. */
export async function runCityCli(argv: string[], io: CliIo = consoleIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help' || rest.includes('--help')) {
      io.log(USAGE);
      return command === undefined ? 1 : 0;
    }
    if (command === 'import') return await importCommand(rest, io);
    if (command === 'list') return listCommand(rest, io);
    throw new CliError(`city: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
  } catch (error) {
    if (error instanceof ImportError) {
      io.error(error.message);
      if (error.report) for (const line of formatReport(error.report)) io.error(line);
      return 1;
    }
    if (error instanceof CliError || error instanceof CityStoreError || error instanceof SumoNetError) {
      io.error(error.message);
      return 1;
    }
    // parseArgs' own errors (unknown option, missing value) are bad input too.
    if ((error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      io.error(`city ${command}: ${(error as Error).message}`);
      return 1;
    }
    throw error;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await runCityCli(process.argv.slice(2));
}
