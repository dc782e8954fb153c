import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { io as ioClient, type Socket } from 'socket.io-client';
import { loadConfig } from '../../../server/config.ts';
import { createHello } from '../../../server/protocol/controls.ts';
import type { ClientToServer, ServerToClient } from '../../../server/protocol/socketEvents.ts';
import type { RunManagerOptions } from '../../../server/realtime/RunManager.ts';
import { startServer, type RunningServer } from '../../../server/startServer.ts';
import { RunStore } from '../../../server/store/RunStore.ts';
import { smallCity } from '../../helpers/smallCity.ts';
import { signInAs } from '../../helpers/signIn.ts';

export type TwinClient = Socket<ServerToClient, ClientToServer>;

/** A scenario file for the small city; `engines` is the indented YAML under `engines:`. */
export function scenarioYaml(id: string, duration: string, engines: string): string {
  return `id: ${id}
title: { zh: 测试 ${id}, en: Test ${id} }
description: { zh: 小城市测试情景, en: A test scenario in the small city }
city: smallcity
start: "2026-03-16T07:00:00+08:00"
duration: "${duration}"
seed: 42
engines:
${engines}
timeline: []
`;
}

/** The road walker's scenario parameters with `vehicles` objects. */
const walker = (vehicles: number) => `  road_walker:\n    vehicles: ${vehicles}\n    meanTripSeconds: 300`;

export interface TestServer {
  server: RunningServer;
  url: string;
  store: RunStore;
  manager: NonNullable<RunningServer['realtime']>['manager'];
  /** A drill director's session cookie (signed in at start): controls need an account. */
  cookie: string;
  close(): Promise<void>;
}

/** A real server on port 0 with the small city, a live baseline ("weekday") and a "smoke" scenario, recording into memory. */
export async function startTestServer(runs: Omit<RunManagerOptions, 'cities' | 'store'> = {}): Promise<TestServer> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'yt-realtime-'));
  const dir = path.join(tmp, 'scenarios');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'weekday.yaml'), scenarioYaml('weekday', '24:00:00', walker(150)));
  fs.writeFileSync(path.join(dir, 'smoke.yaml'), scenarioYaml('smoke', '00:10:00', walker(100)));
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', TILES_DIR: 'tilesets', DATA_DIR: 'data', YT_LIVE_CLOCK: 'scenario' }, tmp);
  const store = new RunStore(':memory:', { flushIntervalMs: 200 });
  const server = await startServer(config, { cities: [smallCity()], build: false, clientDir: path.join(tmp, 'no-client'), store, runs: { scenariosDir: dir, ...runs } });
  const realtime = server.realtime;
  if (!realtime) throw new Error('startTestServer: no realtime');
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

/** A socket.io-client connection speaking our protocol over WebSocket, signed in with `cookie` (see test/helpers/signIn.ts) or anonymous. */
export function connect(url: string, auth: object = createHello({ client: 'test' }), cookie?: string): TwinClient {
  return ioClient(url, {
    auth: auth as Record<string, unknown>,
    transports: ['websocket'],
    reconnectionDelay: 100,
    reconnectionDelayMax: 200,
    ...(cookie ? { extraHeaders: { cookie } } : {}),
  }) as TwinClient;
}

/** Resolves once `check()` is truthy; rejects with `what` after a generous timeout. */
export async function waitFor<T>(check: () => T | undefined | false, what: string, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`waitFor: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Emits a request and resolves with its ack. */
export function request<T = unknown>(socket: TwinClient, name: string, payload: unknown): Promise<T> {
  return (socket as unknown as { timeout(ms: number): { emitWithAck(name: string, payload: unknown): Promise<T> } }).timeout(10_000).emitWithAck(name, payload);
}

/** JSON over HTTP: status and parsed body; `cookie` signs the request in (test/helpers/signIn.ts). */
export async function api(url: string, method: string, route: string, body?: unknown, cookie?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${url}${route}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(cookie ? { cookie } : {}) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
