/**
 * Fan-out: server CPU to broadcast one 20,000-object frame to 20 Socket.IO clients, through the
 * server's real path (attachRealtime's Socket.IO server, a run's room, volatile binary emit, encoded
 * once per broadcast). The clients run in a child process (`--clients` below) so their CPU is not
 * counted. Frames are encoded before the clock starts: this measures fan-out, not encoding
 * (bench/stream.ts has that). `npx tsx bench/fanout.ts` prints the figures.
 */
import { AuditLog } from '../server/audit/AuditLog.ts';
import { AuthStore } from '../server/auth/AuthStore.ts';
import { Trust } from '../server/auth/Trust.ts';
import { allowedHostNames } from '../server/http/hostCheck.ts';
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { io as ioClient } from 'socket.io-client';
import { createHello } from '../server/protocol/controls.ts';
import { ObjectFrameEncoder } from '../server/protocol/ObjectFrameEncoder.ts';
import { attachRealtime, roomOf } from '../server/realtime/attachRealtime.ts';
import { RunManager } from '../server/realtime/RunManager.ts';
import { RunStore } from '../server/store/RunStore.ts';
import { TrafficSequence } from './stream.ts';

const THIS_FILE = fileURLToPath(import.meta.url);
const RUN_ID = 'bench';

export interface FanoutBenchOptions {
  objects?: number;
  clients?: number;
  /** Broadcast seconds (default 10). */
  seconds?: number;
  rateHz?: number;
}

/** Figures: `stream.fanout_cpu_ms_per_frame`, bytes per frame, and the share of frames the clients got. */
export async function benchFanout(options: FanoutBenchOptions = {}): Promise<Record<string, number>> {
  const objects = options.objects ?? 20_000;
  const clients = options.clients ?? 20;
  const seconds = options.seconds ?? 10;
  const rateHz = options.rateHz ?? 10;
  const frameCount = seconds * rateHz;

  const sequence = new TrafficSequence({ objects, rateHz });
  const encoder = new ObjectFrameEncoder({ streamId: 1 });
  const frames: Uint8Array[] = [];
  for (let k = 0; k < frameCount; k++) {
    sequence.step();
    frames.push(k % (10 * rateHz) === 0 ? encoder.encodeKeyframe(sequence.state, sequence.simTimeMs) : encoder.encodeDelta(sequence.state, sequence.simTimeMs));
  }
  const bytes = frames.reduce((sum, f) => sum + f.byteLength, 0);

  const store = new RunStore(':memory:', { flushIntervalMs: 0 });
  const manager = new RunManager({ cities: [], store, scenarios: [], liveScenarioId: null });
  const server = http.createServer();
  const trust = new Trust(new AuthStore(':memory:'), new AuditLog(':memory:'), { anonymous: 'viewer', allowedOrigins: [] });
  const realtime = attachRealtime(server, { manager, trust, allowedOrigins: [], allowedHosts: allowedHostNames({ host: '127.0.0.1' }) });
  // The bench's clients join its room directly (there is no sim run behind these frames).
  realtime.io.on('connection', (socket) => void socket.join(roomOf(RUN_ID)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const child = spawn(process.execPath, ['--import', 'tsx', THIS_FILE, '--clients', url, String(clients)], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => (out += chunk));
  const line = async (prefix: string) => {
    while (!out.split('\n').some((l) => l.startsWith(prefix))) await new Promise((r) => setTimeout(r, 20));
    return out.split('\n').find((l) => l.startsWith(prefix)) as string;
  };
  await line('ready');

  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let k = 0; k < frameCount; k++) {
    // A fresh buffer per broadcast, as the run manager hands over (never reused).
    realtime.io.to(roomOf(RUN_ID)).volatile.emit('objects', RUN_ID, new Uint8Array(frames[k]));
    const due = started + ((k + 1) * 1000) / rateHz;
    await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
  }
  const used = process.cpuUsage(cpu);
  await new Promise((r) => setTimeout(r, 500));
  child.stdin.write('end\n');
  const received = JSON.parse((await line('received ')).slice('received '.length)) as number[];
  await new Promise((resolve) => child.once('exit', resolve));

  realtime.close();
  manager.close();
  store.close();
  await new Promise((resolve) => server.close(resolve));
  const delivered = received.reduce((a, b) => a + b, 0) / (clients * frameCount);
  return {
    'stream.fanout_cpu_ms_per_frame': Math.round(((used.user + used.system) / 1000 / frameCount) * 1000) / 1000,
    'stream.fanout_bytes_per_frame': Math.round(bytes / frameCount),
    'stream.fanout_delivered_ratio': Math.round(delivered * 1000) / 1000,
  };
}

/** The child: `clients` connections that count the frames they receive. */
async function runClients(url: string, clients: number): Promise<void> {
  const counts = new Array<number>(clients).fill(0);
  const sockets = Array.from({ length: clients }, (_, k) => {
    const socket = ioClient(url, { auth: createHello({ client: 'bench' }), transports: ['websocket'] });
    socket.on('objects', () => counts[k]++);
    return socket;
  });
  await Promise.all(sockets.map((s) => new Promise<void>((resolve) => (s.connected ? resolve() : s.once('connect', () => resolve())))));
  // Joining happens on connection; a short pause lets every join land.
  await new Promise((r) => setTimeout(r, 300));
  console.log('ready');
  process.stdin.setEncoding('utf8');
  process.stdin.once('data', () => {
    console.log(`received ${JSON.stringify(counts)}`);
    for (const s of sockets) s.close();
    process.exit(0);
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv[2] === '--clients') {
    await runClients(process.argv[3], Number(process.argv[4]));
  } else {
    const figures = await benchFanout();
    for (const [key, value] of Object.entries(figures)) console.log(`  ${key.padEnd(36)} ${value}`);
  }
}
