import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** The city served when nothing else is configured: the generated Pingdingshan. */
export const DEFAULT_CITY_ID = 'pingdingshan';

/** The server's configuration, fully resolved: paths are absolute. */
export interface Config {
  /** Address to listen on. "0.0.0.0" (all interfaces) by default so wall screens on the LAN can connect. */
  host: string;
  /** TCP port; 0 picks a free one (tests, bench). */
  port: number;
  /** Imported city models (`<dataDir>/cities/<id>.json`) and later run recordings. */
  dataDir: string;
  /** Built 3D Tiles, one folder per city. */
  tilesDir: string;
  /** Ids of the cities to serve, or null for the default city plus every stored one. */
  cities: string[] | null;
  /** Origins allowed by CORS (e.g. "http://10.0.0.5:5173"); empty means same-origin only. */
  allowedOrigins: string[];
  /**
   * What a visitor who has not signed in may do: `viewer` (see the twin: `npm start` shows the city
   * at once) or `none` (a locked-down deployment: nothing but the sign-in page). Controls always need an account.
   */
  anonymous: 'viewer' | 'none';
  /**
   * Host names the server answers to besides localhost, this machine's addresses and host name (a
   * DNS name of the command center's network, say); any other Host header is refused (DNS rebinding).
   */
  allowedHosts: string[];
  /**
   * What the live baseline's clock follows: `wall` (the default: the city at today's time of day in
   * Asia/Shanghai, with the date's weekday or weekend pattern) or `scenario` (its scenario's own
   * Monday from 06:00, replayed every 24 h: deterministic, for tests and bench).
   */
  liveClock: 'wall' | 'scenario';
  /** The JSON file that was read, if any. */
  configFile: string | null;
}

/** A bad configuration value: the message names the source, the field and the value. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const DEFAULT_FILE = 'yingcheng.config.json';
const CITY_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** Shape of the optional JSON file; unknown keys are refused so a typo does not pass silently. */
const FileConfig = z
  .object({
    host: z.string().min(1),
    port: z.number().int().min(0).max(65535),
    dataDir: z.string().min(1),
    tilesDir: z.string().min(1),
    cities: z.array(z.string().regex(CITY_ID, 'expected a city id like "pingdingshan"')),
    allowedOrigins: z.array(z.string()),
    anonymous: z.enum(['viewer', 'none']),
    allowedHosts: z.array(z.string()),
    liveClock: z.enum(['wall', 'scenario']),
  })
  .partial()
  .strict();

/**
 * Reads the configuration: defaults ← optional JSON file (env YT_CONFIG, or ./yingcheng.config.json
 * if present) ← environment (HOST, PORT, DATA_DIR, TILES_DIR, ALLOWED_ORIGINS and ALLOWED_HOSTS
 * comma-separated, YT_ANONYMOUS, YT_LIVE_CLOCK).
 * Relative paths in the file are taken from the file's folder; those in the environment from `cwd`.
 * Throws a ConfigError naming the source, field and value of the first bad setting.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): Config {
  const config: Config = {
    host: '0.0.0.0',
    port: 8080,
    dataDir: path.resolve(cwd, 'data'),
    tilesDir: path.resolve(cwd, 'tilesets'),
    cities: null,
    allowedOrigins: [],
    anonymous: 'viewer',
    allowedHosts: [],
    liveClock: 'wall',
    configFile: null,
  };

  const file = configFilePath(env, cwd);
  if (file) applyFile(config, file);

  if (env.HOST !== undefined) config.host = parseHost('HOST', env.HOST);
  if (env.PORT !== undefined) config.port = parsePort('PORT', env.PORT);
  if (env.DATA_DIR !== undefined) config.dataDir = parseDir('DATA_DIR', env.DATA_DIR, cwd);
  if (env.TILES_DIR !== undefined) config.tilesDir = parseDir('TILES_DIR', env.TILES_DIR, cwd);
  if (env.ALLOWED_ORIGINS !== undefined) {
    const items = env.ALLOWED_ORIGINS.split(',').map((s) => s.trim()).filter((s) => s !== '');
    config.allowedOrigins = items.map((o) => parseOrigin('ALLOWED_ORIGINS', o));
  }
  if (env.YT_ANONYMOUS !== undefined) {
    if (env.YT_ANONYMOUS !== 'viewer' && env.YT_ANONYMOUS !== 'none') fail('YT_ANONYMOUS', 'expected "viewer" or "none"', env.YT_ANONYMOUS);
    config.anonymous = env.YT_ANONYMOUS;
  }
  if (env.YT_LIVE_CLOCK !== undefined) {
    if (env.YT_LIVE_CLOCK !== 'wall' && env.YT_LIVE_CLOCK !== 'scenario') fail('YT_LIVE_CLOCK', 'expected "wall" or "scenario"', env.YT_LIVE_CLOCK);
    config.liveClock = env.YT_LIVE_CLOCK;
  }
  if (env.ALLOWED_HOSTS !== undefined) {
    config.allowedHosts = env.ALLOWED_HOSTS.split(',').map((s) => s.trim()).filter((s) => s !== '').map((h) => parseHost('ALLOWED_HOSTS', h));
  }
  return config;
}

function configFilePath(env: NodeJS.ProcessEnv, cwd: string): string | null {
  if (env.YT_CONFIG !== undefined && env.YT_CONFIG !== '') {
    const file = path.resolve(cwd, env.YT_CONFIG);
    if (!fs.existsSync(file)) fail('YT_CONFIG', `file not found`, env.YT_CONFIG);
    return file;
  }
  const file = path.resolve(cwd, DEFAULT_FILE);
  return fs.existsSync(file) ? file : null;
}

function applyFile(config: Config, file: string): void {
  const source = path.basename(file);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`config: ${source}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(`config: ${source}: expected a JSON object, got ${JSON.stringify(raw)}`);
  }
  const parsed = FileConfig.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue.code === 'unrecognized_keys') {
      throw new ConfigError(`config: ${source}: unknown setting "${issue.keys.join('", "')}" (known: ${Object.keys(FileConfig.shape).join(', ')})`);
    }
    const field = issue.path.map(String).join('.');
    const value = issue.path.reduce<unknown>((v, key) => (v as Record<PropertyKey, unknown>)?.[key as PropertyKey], raw);
    let expected = issue.message;
    if (field === 'port') expected = 'expected an integer 0-65535';
    else if (issue.code === 'invalid_type') expected = `expected ${issue.expected}`;
    else if (issue.code === 'too_small') expected = 'expected a non-empty value';
    throw new ConfigError(`config: ${source}: ${field}: ${expected}, got ${JSON.stringify(value)}`);
  }
  const dir = path.dirname(file);
  const values = parsed.data;
  if (values.host !== undefined) config.host = parseHost(`${source}: host`, values.host);
  if (values.port !== undefined) config.port = values.port;
  if (values.dataDir !== undefined) config.dataDir = path.resolve(dir, values.dataDir);
  if (values.tilesDir !== undefined) config.tilesDir = path.resolve(dir, values.tilesDir);
  if (values.cities !== undefined) config.cities = [...new Set(values.cities)];
  if (values.allowedOrigins !== undefined) {
    config.allowedOrigins = values.allowedOrigins.map((o, i) => parseOrigin(`${source}: allowedOrigins.${i}`, o));
  }
  if (values.anonymous !== undefined) config.anonymous = values.anonymous;
  if (values.liveClock !== undefined) config.liveClock = values.liveClock;
  if (values.allowedHosts !== undefined) config.allowedHosts = values.allowedHosts.map((h, i) => parseHost(`${source}: allowedHosts.${i}`, h));
  config.configFile = file;
}

function fail(field: string, expected: string, value: string): never {
  throw new ConfigError(`config: ${field}: ${expected}, got ${JSON.stringify(value)}`);
}

function parsePort(field: string, value: string): number {
  if (!/^\d{1,5}$/.test(value.trim()) || Number(value) > 65535) fail(field, 'expected an integer 0-65535', value);
  return Number(value);
}

function parseHost(field: string, value: string): string {
  // A host name or an IPv4/IPv6 address; no scheme, port or path.
  if (!/^[A-Za-z0-9.:_-]+$/.test(value)) fail(field, 'expected a host name or IP address like "0.0.0.0"', value);
  return value;
}

function parseDir(field: string, value: string, cwd: string): string {
  if (value.trim() === '' || value.includes('\0')) fail(field, 'expected a folder path', value);
  return path.resolve(cwd, value);
}

function parseOrigin(field: string, value: string): string {
  let url: URL | null = null;
  try {
    url = new URL(value);
  } catch {
    url = null;
  }
  // An origin is exactly scheme://host[:port]: the URL must round-trip to its own origin.
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== value.replace(/\/$/, '')) {
    fail(field, 'expected an origin like "http://10.0.0.5:5173"', value);
  }
  return url.origin;
}
