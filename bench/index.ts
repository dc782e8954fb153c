/**
 * `npm run bench [-- --json] [-- --only tiles,serve]`: measures speed and size, prints each figure,
 * and with --json ends with one line: a flat JSON object of every named figure.
 */
import { parseArgs } from 'node:util';
import os from 'node:os';
import { benchDrill } from './drill.ts';
import { benchEmergency } from './emergency.ts';
import { benchEnvironment } from './environment.ts';
import { benchFanout } from './fanout.ts';
import { benchFlood } from './flood.ts';
import { benchStream } from './stream.ts';
import { benchSumo } from './sumo.ts';
import { benchTiles } from './tiles.ts';
import { benchTraffic } from './traffic.ts';
import { benchTrafficClient } from './trafficClient.ts';
import { benchViews } from './views.ts';
import { benchWhatIf } from './whatif.ts';

type Figures = Record<string, number>;
type Section = () => Promise<Figures>;

const sections: Record<string, Section> = {
  tiles: benchTiles,
  stream: () => benchStream(),
  fanout: () => benchFanout(),
  views: benchViews,
  traffic: benchTraffic,
  sumo: benchSumo,
  environment: benchEnvironment,
  flood: benchFlood,
  emergency: benchEmergency,
  trafficClient: benchTrafficClient,
  whatif: benchWhatIf,
  drill: benchDrill,
};

const { values } = parseArgs({
  options: { json: { type: 'boolean', default: false }, only: { type: 'string' } },
});
const chosen = values.only ? values.only.split(',') : Object.keys(sections);
for (const name of chosen) {
  if (!(name in sections)) {
    console.error(`bench: --only: unknown section "${name}" (known: ${Object.keys(sections).join(', ')})`);
    process.exit(2);
  }
}

console.log(`bench: ${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
const all: Figures = {};
for (const name of chosen) {
  console.log(`bench: ${name} …`);
  const figures = await sections[name]();
  for (const [key, value] of Object.entries(figures)) {
    console.log(`  ${key.padEnd(36)} ${value}`);
    all[key] = value;
  }
}
if (values.json) console.log(JSON.stringify(all));
