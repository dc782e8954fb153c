import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.ts';

let cwd: string;
beforeEach(() => {
  cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'yt-config-'));
});
afterEach(() => {
  fs.rmSync(cwd, { recursive: true, force: true });
});

function writeFile(name: string, value: unknown): string {
  const file = path.join(cwd, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('listens on every interface at 8080 and serves ./data and ./tilesets by default', () => {
    expect(loadConfig({}, cwd)).toEqual({
      host: '0.0.0.0',
      port: 8080,
      dataDir: path.join(cwd, 'data'),
      tilesDir: path.join(cwd, 'tilesets'),
      cities: null,
      allowedOrigins: [],
      anonymous: 'viewer',
      allowedHosts: [],
      liveClock: 'wall',
      configFile: null,
    });
  });

  it('reads ./yingcheng.config.json when present, paths relative to it', () => {
    const file = writeFile('yingcheng.config.json', {
      host: '127.0.0.1',
      port: 9000,
      dataDir: '/srv/yt-data',
      tilesDir: 'built',
      cities: ['pingdingshan', 'mycity'],
      allowedOrigins: ['http://10.0.0.5:5173'],
      anonymous: 'none',
      allowedHosts: ['twin.psd.example'],
      liveClock: 'scenario',
    });
    expect(loadConfig({}, cwd)).toEqual({
      host: '127.0.0.1',
      port: 9000,
      dataDir: '/srv/yt-data',
      tilesDir: path.join(cwd, 'built'),
      cities: ['pingdingshan', 'mycity'],
      allowedOrigins: ['http://10.0.0.5:5173'],
      anonymous: 'none',
      allowedHosts: ['twin.psd.example'],
      liveClock: 'scenario',
      configFile: file,
    });
  });

  it('takes the anonymous setting and extra host names from the environment, refusing bad ones by name', () => {
    expect(loadConfig({ YT_ANONYMOUS: 'none', ALLOWED_HOSTS: 'twin.local, 10.0.0.9' }, cwd)).toMatchObject({ anonymous: 'none', allowedHosts: ['twin.local', '10.0.0.9'] });
    expect(errorOf(() => loadConfig({ YT_ANONYMOUS: 'guest' }, cwd))).toBe('config: YT_ANONYMOUS: expected "viewer" or "none", got "guest"');
    expect(loadConfig({ YT_LIVE_CLOCK: 'scenario' }, cwd).liveClock).toBe('scenario');
    expect(errorOf(() => loadConfig({ YT_LIVE_CLOCK: 'utc' }, cwd))).toBe('config: YT_LIVE_CLOCK: expected "wall" or "scenario", got "utc"');
    expect(errorOf(() => loadConfig({ ALLOWED_HOSTS: 'http://x' }, cwd))).toMatch(/^config: ALLOWED_HOSTS: expected a host name/);
  });

  it('reads the file named by YT_CONFIG instead', () => {
    writeFile('yingcheng.config.json', { port: 9000 });
    writeFile('etc/other.json', { port: 9100, tilesDir: 'tiles' });
    const config = loadConfig({ YT_CONFIG: 'etc/other.json' }, cwd);
    expect(config.port).toBe(9100);
    expect(config.tilesDir).toBe(path.join(cwd, 'etc', 'tiles'));
  });

  it('lets the environment override the file', () => {
    writeFile('yingcheng.config.json', { host: '127.0.0.1', port: 9000, allowedOrigins: ['http://a.example'] });
    const config = loadConfig(
      { HOST: '192.168.1.20', PORT: '8181', DATA_DIR: 'd', TILES_DIR: '/t', ALLOWED_ORIGINS: 'https://wall.example, http://10.0.0.5:5173' },
      cwd,
    );
    expect(config).toMatchObject({
      host: '192.168.1.20',
      port: 8181,
      dataDir: path.join(cwd, 'd'),
      tilesDir: '/t',
      allowedOrigins: ['https://wall.example', 'http://10.0.0.5:5173'],
    });
  });

  it('accepts port 0 (any free port) for tests and bench', () => {
    expect(loadConfig({ PORT: '0' }, cwd).port).toBe(0);
  });

  it('names the variable and the value of a bad environment setting', () => {
    expect(errorOf(() => loadConfig({ PORT: '80a' }, cwd))).toBe('config: PORT: expected an integer 0-65535, got "80a"');
    expect(errorOf(() => loadConfig({ PORT: '70000' }, cwd))).toBe('config: PORT: expected an integer 0-65535, got "70000"');
    expect(errorOf(() => loadConfig({ PORT: '' }, cwd))).toBe('config: PORT: expected an integer 0-65535, got ""');
    expect(errorOf(() => loadConfig({ HOST: 'http://x:80' }, cwd))).toMatch(/^config: HOST: expected a host name or IP address.*, got "http:\/\/x:80"$/);
    expect(errorOf(() => loadConfig({ DATA_DIR: ' ' }, cwd))).toBe('config: DATA_DIR: expected a folder path, got " "');
    expect(errorOf(() => loadConfig({ ALLOWED_ORIGINS: 'http://ok.example,wall.example' }, cwd))).toMatch(/^config: ALLOWED_ORIGINS: expected an origin.*, got "wall.example"$/);
    expect(errorOf(() => loadConfig({ ALLOWED_ORIGINS: 'http://a.example/path' }, cwd))).toMatch(/got "http:\/\/a.example\/path"$/);
    expect(errorOf(() => loadConfig({ YT_CONFIG: 'missing.json' }, cwd))).toBe('config: YT_CONFIG: file not found, got "missing.json"');
  });

  it('names the file, the field and the value of a bad file setting', () => {
    writeFile('yingcheng.config.json', { port: '80a' });
    expect(errorOf(() => loadConfig({}, cwd))).toBe('config: yingcheng.config.json: port: expected an integer 0-65535, got "80a"');
    writeFile('yingcheng.config.json', { port: 1.5 });
    expect(errorOf(() => loadConfig({}, cwd))).toBe('config: yingcheng.config.json: port: expected an integer 0-65535, got 1.5');
    writeFile('yingcheng.config.json', { dataDir: 42 });
    expect(errorOf(() => loadConfig({}, cwd))).toBe('config: yingcheng.config.json: dataDir: expected string, got 42');
    writeFile('yingcheng.config.json', { cities: ['pingdingshan', 'Bad City'] });
    expect(errorOf(() => loadConfig({}, cwd))).toMatch(/^config: yingcheng\.config\.json: cities\.1: expected a city id.*, got "Bad City"$/);
    writeFile('yingcheng.config.json', { allowedOrigins: ['*'] });
    expect(errorOf(() => loadConfig({}, cwd))).toMatch(/^config: yingcheng\.config\.json: allowedOrigins\.0: expected an origin.*, got "\*"$/);
    writeFile('yingcheng.config.json', { prot: 8080 });
    expect(errorOf(() => loadConfig({}, cwd))).toMatch(/^config: yingcheng\.config\.json: unknown setting "prot"/);
    writeFile('yingcheng.config.json', '{"port": 80,');
    expect(errorOf(() => loadConfig({}, cwd))).toMatch(/^config: yingcheng\.config\.json: not valid JSON/);
    writeFile('yingcheng.config.json', '[8080]');
    expect(errorOf(() => loadConfig({}, cwd))).toBe('config: yingcheng.config.json: expected a JSON object, got [8080]');
  });

  it('checks the file before the environment overrides it', () => {
    writeFile('yingcheng.config.json', { port: 'x' });
    expect(errorOf(() => loadConfig({ PORT: '8080' }, cwd))).toContain('yingcheng.config.json: port');
  });
});
