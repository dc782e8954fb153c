import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import type { CityModel } from './city/CityModel.ts';
import { appRoutes, createApp } from './app.ts';
import { DEFAULT_CITY_ID, type Config } from './config.ts';
import { attachRealtime, type Realtime } from './realtime/attachRealtime.ts';
import { RunManager, type RunManagerOptions } from './realtime/RunManager.ts';
import { RunStore } from './store/RunStore.ts';
import { AuditLog } from './audit/AuditLog.ts';
import { AuthStore, type AuthStoreOptions, type NewAccount } from './auth/AuthStore.ts';
import { Trust } from './auth/Trust.ts';
import { DrillManager, type DrillManagerOptions } from './drills/DrillManager.ts';
import { attachDrillSockets } from './drills/drillSockets.ts';
import { allowedHostNames } from './http/hostCheck.ts';

/** Start-up failed for a reason the operator can fix (a missing city, a busy port): the message says which. */
export class StartServerError extends Error {
  override name = 'StartServerError';
}

export interface StartServerOptions {
  /** Serve these cities instead of loading them per `config.cities` (tests, bench). */
  cities?: CityModel[];
  /** Build missing or outdated tilesets before listening (default true; the builder skips unchanged ones). */
  build?: boolean;
  /** Built web client folder (default `dist/client`, see createApp). */
  clientDir?: string;
  /** Where progress lines go; silent by default. */
  log?: (line: string) => void;
  /** Runs, Socket.IO and the run API (default true). */
  realtime?: boolean;
  /** The run store (default `<dataDir>/twin.sqlite`; tests pass `new RunStore(':memory:')`). Closed by close() only if startServer opened it. */
  store?: RunStore;
  /** RunManager settings (scenarios, live baseline, rates); cities and store come from above. */
  runs?: Omit<RunManagerOptions, 'cities' | 'store'>;
  /**
   * Accounts and the audit trail: by default `<dataDir>/auth.sqlite` and `<dataDir>/audit.sqlite`,
   * opened (and closed) here. `accounts` are made at start if missing (tests, bench); `adminPassword`
   * is the first admin's (else YT_ADMIN_PASSWORD, else a one-time password printed once).
   */
  auth?: { store?: AuthStore; audit?: AuditLog; options?: AuthStoreOptions; accounts?: NewAccount[]; adminPassword?: string };
  /** Drill settings (drills, poll period; `dataDir: null` keeps sessions in memory); with the runs, default on. */
  drills?: Partial<Omit<DrillManagerOptions, 'manager' | 'trust'>>;
}

export interface RunningServer {
  /** A URL this machine can reach the server at, e.g. "http://127.0.0.1:8080". */
  url: string;
  /** Every URL the server answers on (each interface when listening on all of them). */
  urls: string[];
  server: http.Server;
  /** The runs and the Socket.IO server, unless started with `realtime: false`. */
  realtime?: { manager: RunManager; store: RunStore; io: Realtime['io'] };
  /** Accounts, grants and the audit trail. */
  trust: Trust;
  /** Drill sessions, with the runs. */
  drills?: DrillManager;
  /** Every HTTP route served, "METHOD /path/:param" (the access-rule test walks them). */
  routes: string[];
  /** Stops accepting, closes idle keep-alive sockets at once and busy ones after a short grace. */
  close(): Promise<void>;
}

/** In-flight requests get this long to finish when the server closes. */
const CLOSE_GRACE_MS = 1000;

/** The cities named by the configuration: the generated default city plus (or replaced by) stored ones. */
async function loadCities(config: Config): Promise<CityModel[]> {
  const { CityStore } = await import('./city/CityStore.ts');
  const store = new CityStore(config.dataDir);
  const ids = config.cities ?? [...new Set([DEFAULT_CITY_ID, ...store.list()])];
  const cities: CityModel[] = [];
  for (const id of ids) {
    // A stored city wins over the generated one of the same id: the user imported it on purpose.
    if (store.has(id)) cities.push(store.load(id));
    else if (id === DEFAULT_CITY_ID) {
      const { generateCity } = await import('./city/generateCity.ts');
      cities.push(generateCity());
    } else {
      const known = [DEFAULT_CITY_ID, ...store.list()].join(', ');
      throw new StartServerError(`startServer: cities: no city "${id}" in ${store.dir} (known: ${known})`);
    }
  }
  return cities;
}

async function buildTilesets(config: Config, cities: CityModel[], log: (line: string) => void): Promise<void> {
  const { buildTileset } = await import('./tiles/buildTileset.ts');
  for (const city of cities) {
    let lastPhase = '';
    let lastAt = 0;
    const result = await buildTileset(city, {
      outDir: config.tilesDir,
      onProgress: ({ phase, done, total }) => {
        const now = performance.now();
        // A line per phase, per second and at the end: enough to see it move without flooding a log.
        if (phase !== lastPhase || done === total || now - lastAt >= 1000) {
          log(`正在构建 ${city.id} 瓦片 / building tiles: ${phase} ${done}/${total}`);
          lastPhase = phase;
          lastAt = now;
        }
      },
    });
    if (result.skipped) log(`瓦片已是最新 / tiles up to date: ${city.id} (${result.dir})`);
    else log(`已构建 / built ${city.id}: ${result.tiles} tiles, ${result.buildings} buildings, ${(result.contentBytes / 2 ** 20).toFixed(1)} MiB in ${result.seconds.toFixed(1)} s`);
  }
}

/** The audit trail keeps 180 days (GB/T 22239 asks at least six months); older records are pruned daily. */
const AUDIT_PRUNE_EVERY_MS = 24 * 3_600_000;

/** Opens the account store and the audit trail, makes the first admin and the given accounts, and prunes the trail daily. */
async function openTrust(config: Config, options: StartServerOptions, log: (line: string) => void): Promise<{ trust: Trust; close(): void }> {
  const auth = options.auth ?? {};
  const store = auth.store ?? new AuthStore(config.dataDir, auth.options);
  const audit = auth.audit ?? new AuditLog(config.dataDir);
  const trust = new Trust(store, audit, { anonymous: config.anonymous, allowedOrigins: config.allowedOrigins });
  const admin = await store.ensureAdmin(auth.adminPassword ?? (process.env.YT_ADMIN_PASSWORD || undefined));
  if (admin.oneTimePassword) {
    log(`已创建管理员账号 admin，一次性密码（只显示这一次，首次登录后须修改）/ created account "admin" with one-time password (shown once; change it at first sign-in): ${admin.oneTimePassword}`);
  }
  for (const account of auth.accounts ?? []) {
    if (!store.listAccounts().some((a) => a.username === account.username)) await store.createAccount(account);
  }
  const prune = setInterval(() => audit.prune(), AUDIT_PRUNE_EVERY_MS);
  prune.unref();
  const close = (): void => {
    clearInterval(prune);
    if (!auth.store) store.close();
    if (!auth.audit) audit.close();
  };
  return { trust, close };
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function urlsFor(host: string, port: number): string[] {
  if (host !== '0.0.0.0' && host !== '::') return [`http://${hostForUrl(host)}:${port}`];
  const urls = [`http://127.0.0.1:${port}`];
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const a of addresses ?? []) {
      if (a.internal) continue;
      if (a.family === 'IPv4' || host === '::') urls.push(`http://${hostForUrl(a.address)}:${port}`);
    }
  }
  return urls;
}

/**
 * Loads the cities, builds what tiles are missing, and listens. Used by main.ts, tests and bench;
 * `config.port` 0 picks a free port (see `url`).
 */
export async function startServer(config: Config, options: StartServerOptions = {}): Promise<RunningServer> {
  const log = options.log ?? (() => {});
  const cities = options.cities ?? (await loadCities(config));
  if (options.build ?? true) await buildTilesets(config, cities, log);

  let runs: { manager: RunManager; store: RunStore } | undefined;
  let ownStore = false;
  if (options.realtime ?? true) {
    let store = options.store;
    if (!store) {
      fs.mkdirSync(config.dataDir, { recursive: true });
      store = new RunStore(config.dataDir);
      ownStore = true;
    }
    runs = { manager: new RunManager({ log, liveClock: config.liveClock, ...options.runs, cities, store }), store };
  }
  const { trust, close: closeTrust } = await openTrust(config, options, log);
  const drills = runs && new DrillManager({ manager: runs.manager, trust, dataDir: config.dataDir, log, ...options.drills });
  const allowedHosts = allowedHostNames(config);
  const app = createApp({ config, cities, clientDir: options.clientDir, runs, trust, allowedHosts, drills });
  // Errors reaching here are bugs (4xx never do): always print them, with their stack.
  app.on('error', (error: Error) => console.error(`app: ${error.stack ?? error.message}`));
  // Timeouts are checked every 2 s (Node's default, 30 s, lets a stalled request live up to 50 s).
  const server = http.createServer({ connectionsCheckingInterval: 2_000 }, app.callback());
  // Slow clients may not hold a connection open for ever: headers within 20 s, a whole request within 60 s.
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  const realtime = runs && attachRealtime(server, { manager: runs.manager, trust, allowedOrigins: config.allowedOrigins, allowedHosts });
  if (realtime && drills) attachDrillSockets(realtime.io, drills, trust);
  const listening = new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new StartServerError(`startServer: port ${config.port} on ${config.host} is in use (set PORT or "port" in the config file)`));
      else if (error.code === 'EACCES') reject(new StartServerError(`startServer: not allowed to listen on ${config.host}:${config.port} (ports below 1024 need privileges)`));
      else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') reject(new StartServerError(`startServer: HOST "${config.host}" is not an address of this machine`));
      else reject(error);
    };
    server.once('error', onError);
    server.listen(config.port, config.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  try {
    await listening;
  } catch (error) {
    drills?.close();
    realtime?.close();
    runs?.manager.close();
    if (ownStore) runs?.store.close();
    closeTrust();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const urls = urlsFor(config.host, port);

  let closing: Promise<void> | null = null;
  function close(): Promise<void> {
    closing ??= new Promise<void>((resolve, reject) => {
      drills?.close();
      realtime?.close();
      runs?.manager.close();
      if (ownStore) runs?.store.close();
      closeTrust();
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeIdleConnections();
      setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS).unref();
    });
    return closing;
  }
  return { url: urls[0], urls, server, realtime: runs && realtime && { ...runs, io: realtime.io }, trust, drills, routes: appRoutes(app), close };
}
