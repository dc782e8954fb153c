/**
 * Tile serving speed: our Koa app against a minimal Node static server, same file, same load.
 *
 * The baseline is the smallest fair static server: `http.createServer`, `fs.readFile` of the file on
 * every request (the OS page cache keeps it in memory), Content-Type by extension, Content-Length,
 * keep-alive; no ETag, no compression, no path checks. The load comes from another process
 * (`--loadgen` below): raw keep-alive sockets on loopback, N connections each sending the next GET
 * as soon as the previous response has fully arrived, no Accept-Encoding, one second of warm-up,
 * then a fixed time counted. Each server is measured twice, alternating, and the better run kept,
 * which damps noise from other work on the machine.
 *
 * `npx tsx bench/serve.ts [tilesDir file]` prints the figures; without arguments it uses the built
 * default city if there is one, else the test fixture.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadConfig } from '../server/config.ts';
import { startServer } from '../server/startServer.ts';

export interface BenchServeOptions {
  /** The tiles folder, served under /tiles/. */
  tilesDir: string;
  /** The file to request, relative to tilesDir (e.g. "pingdingshan/tiles/3/5.glb"). */
  file: string;
  /** Counted seconds per run (default 5). */
  seconds?: number;
  /** Concurrent keep-alive connections (default 16). */
  connections?: number;
}

const REPO = fileURLToPath(new URL('..', import.meta.url));
const THIS_FILE = fileURLToPath(import.meta.url);
const WARMUP_SECONDS = 1;

const TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.glb': 'model/gltf-binary',
};

/** The minimal static server the figures are compared with (see the file comment). */
function startBaseline(tilesDir: string): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const urlPath = decodeURIComponent((req.url ?? '/').split('?')[0]);
    const file = path.join(tilesDir, urlPath.replace(/^\/tiles\//, ''));
    fs.readFile(file, (error, data) => {
      if (error) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'Content-Length': data.length });
      res.end(data);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

interface LoadResult {
  requests: number;
  seconds: number;
  errors: number;
  non2xx: number;
}

/** Runs the load generator in a child process, so that client work does not share the servers' event loop. */
function runLoad(url: string, seconds: number, connections: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', THIS_FILE, '--loadgen', url, String(seconds), String(connections)], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`benchServe: load generator exited with ${code}`));
      else resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}') as LoadResult);
    });
  });
}

/** Requests per second for our server and for the minimal baseline, on the same file. */
export async function benchServe(options: BenchServeOptions): Promise<{ serve_rps: number; serve_rps_baseline: number }> {
  const seconds = options.seconds ?? 5;
  const connections = options.connections ?? 16;
  const tilesDir = path.resolve(options.tilesDir);
  const urlPath = `/tiles/${options.file.split('/').map(encodeURIComponent).join('/')}`;
  const expectedBytes = fs.statSync(path.join(tilesDir, options.file)).size;

  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', TILES_DIR: tilesDir, DATA_DIR: path.join(tilesDir, '.bench-data') }, tilesDir);
  const ours = await startServer(config, { cities: [], build: false });
  const baseline = await startBaseline(tilesDir);
  const baselineUrl = `http://127.0.0.1:${(baseline.address() as AddressInfo).port}`;
  try {
    for (const base of [ours.url, baselineUrl]) {
      const response = await fetch(base + urlPath);
      const bytes = (await response.arrayBuffer()).byteLength;
      if (response.status !== 200 || bytes !== expectedBytes) {
        throw new Error(`benchServe: ${base}${urlPath} answered ${response.status} with ${bytes} bytes, expected 200 with ${expectedBytes}`);
      }
    }
    let best = 0;
    let bestBaseline = 0;
    for (let round = 0; round < 2; round++) {
      for (const [base, isOurs] of [[ours.url, true], [baselineUrl, false]] as const) {
        const load = await runLoad(base + urlPath, seconds, connections);
        if (load.errors > 0 || load.non2xx > 0) {
          throw new Error(`benchServe: ${base}${urlPath}: ${load.errors} connection errors, ${load.non2xx} non-2xx answers`);
        }
        const rps = load.requests / load.seconds;
        if (isOurs) best = Math.max(best, rps);
        else bestBaseline = Math.max(bestBaseline, rps);
      }
    }
    return { serve_rps: best, serve_rps_baseline: bestBaseline };
  } finally {
    await ours.close();
    baseline.closeAllConnections();
    await new Promise((resolve) => baseline.close(resolve));
  }
}

/**
 * The load generator (child process): raw keep-alive HTTP/1.1 over loopback, one request in flight
 * per connection, responses framed by Content-Length. Prints one JSON line.
 */
async function loadgen(url: string, seconds: number, connections: number): Promise<void> {
  const target = new URL(url);
  const request = Buffer.from(`GET ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\nConnection: keep-alive\r\n\r\n`);
  let counting = false;
  let stopped = false;
  let requests = 0;
  let errors = 0;
  let non2xx = 0;
  const sockets: net.Socket[] = [];

  function connect(): void {
    const socket = net.connect(Number(target.port), target.hostname);
    socket.setNoDelay(true);
    sockets.push(socket);
    let head: Buffer = Buffer.alloc(0);
    let remaining = -1;
    let status = 0;
    socket.on('connect', () => socket.write(request));
    socket.on('error', () => {
      if (!stopped) errors++;
    });
    socket.on('data', (chunk: Buffer) => {
      let offset = 0;
      while (offset < chunk.length) {
        if (remaining < 0) {
          head = head.length === 0 ? chunk.subarray(offset) : Buffer.concat([head, chunk.subarray(offset)]);
          const end = head.indexOf('\r\n\r\n');
          if (end < 0) return;
          const text = head.subarray(0, end).toString('latin1');
          status = Number(text.slice(9, 12));
          const length = /\r\ncontent-length:\s*(\d+)/i.exec(text);
          if (!length) {
            errors++;
            socket.destroy();
            return;
          }
          remaining = Number(length[1]);
          offset = chunk.length - (head.length - (end + 4));
          head = Buffer.alloc(0);
        }
        const take = Math.min(remaining, chunk.length - offset);
        remaining -= take;
        offset += take;
        if (remaining === 0) {
          remaining = -1;
          if (counting) {
            requests++;
            if (status < 200 || status > 299) non2xx++;
          }
          if (!stopped) socket.write(request);
        }
      }
    });
  }

  for (let i = 0; i < connections; i++) connect();
  await new Promise((r) => setTimeout(r, WARMUP_SECONDS * 1000));
  counting = true;
  const started = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  counting = false;
  stopped = true;
  const elapsed = (performance.now() - started) / 1000;
  for (const socket of sockets) socket.destroy();
  const result: LoadResult = { requests, seconds: elapsed, errors, non2xx };
  console.log(JSON.stringify(result));
}

/** The largest .glb under a folder, relative to it (the heaviest file a client fetches). */
function largestGlb(dir: string): string | null {
  let best: { file: string; size: number } | null = null;
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.glb')) continue;
    const file = path.join(entry.parentPath, entry.name);
    const size = fs.statSync(file).size;
    if (!best || size > best.size) best = { file, size };
  }
  return best ? path.relative(dir, best.file) : null;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  if (args[0] === '--loadgen') {
    await loadgen(args[1], Number(args[2]), Number(args[3]));
  } else {
    let tilesDir = args[0];
    let file = args[1];
    if (!tilesDir || !file) {
      const built = path.join(REPO, 'tilesets', 'pingdingshan');
      const glb = fs.existsSync(path.join(built, 'tileset.json')) ? largestGlb(built) : null;
      if (glb) {
        tilesDir = path.join(REPO, 'tilesets');
        file = path.join('pingdingshan', glb).split(path.sep).join('/');
      } else {
        tilesDir = path.join(REPO, 'test', 'fixtures', 'tilesets');
        file = 'fixture/content/0.glb';
      }
    }
    const size = fs.statSync(path.join(tilesDir, file)).size;
    console.log(`bench serve: ${path.join(tilesDir, file)} (${(size / 1024).toFixed(1)} KiB)`);
    const figures = await benchServe({ tilesDir, file });
    console.log(`  tiles.serve_rps                      ${Math.round(figures.serve_rps)}`);
    console.log(`  tiles.serve_rps_baseline             ${Math.round(figures.serve_rps_baseline)}`);
    console.log(`  ratio                                ${(figures.serve_rps / figures.serve_rps_baseline).toFixed(2)}`);
  }
}
