import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { CityModel } from '../city/CityModel.ts';
import { CityStore } from '../city/CityStore.ts';
import { generateCity } from '../city/generateCity.ts';
import { buildTileset, type BuildProgress } from './buildTileset.ts';

/** `npm run tiles -- build …`: builds a city's 3D Tiles and prints progress and a summary. */

const USAGE = `Usage:
  npm run tiles -- build [--city ID] [--no-meshopt] [--force] [--tiles-dir DIR] [--data-dir DIR]

Builds the 3D Tiles of a city into DIR/ID/ (tiles dir: $TILES_DIR or ./tilesets). The city
"pingdingshan" (default) is generated; any other is read from the data dir's cities/ID.json
(data dir: $DATA_DIR or ./data). Unchanged cities are skipped unless --force.
生成城市的 3D Tiles（建筑与地面），城市未变化时跳过。`;

/** The default city's id: generated, never stored. */
export const DEFAULT_CITY_ID = 'pingdingshan';

function formatBytes(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(2)} MB` : `${(bytes / 1e3).toFixed(1)} KB`;
}

/** Runs the tiles CLI with its arguments; returns the exit code. */
export async function runTilesCli(args: string[], log: (line: string) => void = console.log): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        city: { type: 'string', default: DEFAULT_CITY_ID },
        meshopt: { type: 'boolean', default: true },
        'no-meshopt': { type: 'boolean', default: false },
        force: { type: 'boolean', default: false },
        'tiles-dir': { type: 'string' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    log(`tiles: ${(error as Error).message}\n${USAGE}`);
    return 1;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    log(USAGE);
    return 0;
  }
  if (positionals[0] !== 'build' || positionals.length > 1) {
    log(`tiles: unknown command "${positionals.join(' ')}"\n${USAGE}`);
    return 1;
  }
  const tilesDir = values['tiles-dir'] ?? process.env.TILES_DIR ?? './tilesets';
  const dataDir = values['data-dir'] ?? process.env.DATA_DIR ?? './data';
  let city: CityModel;
  try {
    if (values.city === DEFAULT_CITY_ID) {
      log('tiles: generating the default city…');
      city = generateCity();
    } else {
      city = new CityStore(dataDir).load(values.city);
    }
  } catch (error) {
    log(`tiles: ${(error as Error).message}`);
    return 1;
  }
  let lastLine = '';
  const onProgress = (p: BuildProgress) => {
    const percent = p.total ? Math.floor((100 * p.done) / p.total / 10) * 10 : 100;
    const line = `tiles: ${p.phase} ${percent}%`;
    // One line per phase and ten per cent, so logs stay short.
    if (line !== lastLine) log(`${line} (${p.done}/${p.total})`);
    lastLine = line;
  };
  const result = await buildTileset(city, {
    outDir: tilesDir,
    meshopt: values.meshopt && !values['no-meshopt'],
    force: values.force,
    onProgress,
  });
  if (result.skipped) {
    log(`tiles: ${result.cityId} unchanged, nothing to do (${result.dir}; --force rebuilds)`);
  } else {
    log(
      `tiles: built ${result.cityId} in ${result.seconds.toFixed(1)} s → ${result.dir}\n` +
        `  ${result.tiles} tiles, ${result.buildings} buildings, ${formatBytes(result.contentBytes)} content ` +
        `(${Math.round(result.contentBytes / Math.max(result.buildings, 1))} B per building, largest tile ${formatBytes(result.maxTileBytes)})`,
    );
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await runTilesCli(process.argv.slice(2));
}
