import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/config.ts';
import { startServer, type RunningServer } from '../../../server/startServer.ts';

const FIXTURE = path.resolve(import.meta.dirname, '../../fixtures/tilesets/fixture');
const SECRET = 'TOP-SECRET-CONTENT';
const ALLOWED = 'http://wall.example:5173';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A request with the path sent byte for byte (fetch would normalise "../" away before sending). */
function request(base: string, rawPath: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: rawPath, method: options.method ?? 'GET', headers: options.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('serveTiles (through the app, over HTTP)', () => {
  let tmp: string;
  let tilesDir: string;
  let server: RunningServer;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'yt-tiles-'));
    tilesDir = path.join(tmp, 'tilesets');
    fs.cpSync(FIXTURE, path.join(tilesDir, 'fixture'), { recursive: true });
    // Things that must never be served.
    fs.mkdirSync(path.join(tilesDir, '.git'));
    fs.writeFileSync(path.join(tilesDir, '.git', 'config'), SECRET);
    fs.writeFileSync(path.join(tilesDir, '.env'), SECRET);
    fs.writeFileSync(path.join(tilesDir, 'fixture', '.hidden.json'), SECRET);
    fs.mkdirSync(path.join(tilesDir, '.fixture.tmp-123'));
    fs.writeFileSync(path.join(tilesDir, '.fixture.tmp-123', 'tileset.json'), SECRET);
    fs.mkdirSync(path.join(tmp, 'tilesets-secret'));
    fs.writeFileSync(path.join(tmp, 'tilesets-secret', 'secret.txt'), SECRET);
    fs.writeFileSync(path.join(tmp, 'secret.txt'), SECRET);
    fs.symlinkSync(path.join(tmp, 'tilesets-secret'), path.join(tilesDir, 'link'));
    // One file of each other content type.
    const other = path.join(tilesDir, 'types');
    fs.mkdirSync(other);
    for (const name of ['a.gltf', 'a.b3dm', 'a.pnts', 'a.i3dm', 'a.cmpt', 'a.subtree', 'a.bin', 'a.png', 'a.jpg', 'a.ktx2']) {
      fs.writeFileSync(path.join(other, name), 'x');
    }
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', TILES_DIR: tilesDir, ALLOWED_ORIGINS: ALLOWED }, tmp);
    server = await startServer(config, { cities: [], build: false });
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('serves tileset JSON and GLB content byte for byte with their content types', async () => {
    const tileset = await request(server.url, '/tiles/fixture/tileset.json');
    expect(tileset.status).toBe(200);
    expect(tileset.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(tileset.body.equals(fs.readFileSync(path.join(FIXTURE, 'tileset.json')))).toBe(true);
    const glb = await request(server.url, '/tiles/fixture/content/0.glb');
    expect(glb.headers['content-type']).toBe('model/gltf-binary');
    expect(glb.body.equals(fs.readFileSync(path.join(FIXTURE, 'content', '0.glb')))).toBe(true);
    expect(glb.headers['content-length']).toBe(String(glb.body.length));
  });

  it('gives each 3D Tiles and image format its content type', async () => {
    const expected: Record<string, string> = {
      'a.gltf': 'model/gltf+json',
      'a.b3dm': 'application/octet-stream',
      'a.pnts': 'application/octet-stream',
      'a.i3dm': 'application/octet-stream',
      'a.cmpt': 'application/octet-stream',
      'a.subtree': 'application/octet-stream',
      'a.bin': 'application/octet-stream',
      'a.png': 'image/png',
      'a.jpg': 'image/jpeg',
      'a.ktx2': 'image/ktx2',
    };
    for (const [name, type] of Object.entries(expected)) {
      const answer = await request(server.url, `/tiles/types/${name}`);
      expect([name, answer.status, answer.headers['content-type']]).toEqual([name, 200, type]);
    }
  });

  it('sends a strong ETag and answers a matching If-None-Match with 304 and no body', async () => {
    const first = await request(server.url, '/tiles/fixture/content/0.glb');
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^"[^"]+"$/);
    const again = await request(server.url, '/tiles/fixture/content/0.glb', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers.etag).toBe(etag);
    const stale = await request(server.url, '/tiles/fixture/content/0.glb', { headers: { 'if-none-match': '"something-else"' } });
    expect(stale.status).toBe(200);
  });

  it('lets tileset JSON be cached a minute and content ten minutes, both revalidated by ETag', async () => {
    const tileset = await request(server.url, '/tiles/fixture/tileset.json');
    expect(tileset.headers['cache-control']).toBe('public, max-age=60, must-revalidate');
    const glb = await request(server.url, '/tiles/fixture/content/0.glb');
    expect(glb.headers['cache-control']).toBe('public, max-age=600, must-revalidate');
  });

  it('compresses with br when accepted, else gzip, else sends identity; Vary: Accept-Encoding', async () => {
    const original = fs.readFileSync(path.join(FIXTURE, 'tileset.json'));
    const br = await request(server.url, '/tiles/fixture/tileset.json', { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(zlib.brotliDecompressSync(br.body).equals(original)).toBe(true);
    expect(br.headers.vary).toMatch(/accept-encoding/i);

    const gz = await request(server.url, '/tiles/fixture/tileset.json', { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gz.body).equals(original)).toBe(true);
    expect(gz.headers.etag).not.toBe(br.headers.etag);

    const refused = await request(server.url, '/tiles/fixture/tileset.json', { headers: { 'accept-encoding': 'br;q=0, gzip;q=0' } });
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(refused.body.equals(original)).toBe(true);
    expect(refused.headers.vary).toMatch(/accept-encoding/i);

    const glb = await request(server.url, '/tiles/fixture/content/0.glb', { headers: { 'accept-encoding': 'br' } });
    expect(glb.headers['content-encoding']).toBe('br');
    expect(zlib.brotliDecompressSync(glb.body).equals(fs.readFileSync(path.join(FIXTURE, 'content', '0.glb')))).toBe(true);

    // An ETag of any encoding revalidates the others: the decoded bytes are the same.
    const revalidated = await request(server.url, '/tiles/fixture/tileset.json', { headers: { 'accept-encoding': 'gzip', 'if-none-match': String(br.headers.etag) } });
    expect(revalidated.status).toBe(304);
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const head = await request(server.url, '/tiles/fixture/content/0.glb', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers['content-length']).toBe(String(fs.statSync(path.join(FIXTURE, 'content', '0.glb')).size));
    expect(head.headers.etag).toMatch(/^"/);
  });

  it('allows configured origins only, and answers their preflight', async () => {
    const allowed = await request(server.url, '/tiles/fixture/tileset.json', { headers: { origin: ALLOWED } });
    expect(allowed.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(allowed.headers.vary).toMatch(/origin/i);
    const refused = await request(server.url, '/tiles/fixture/tileset.json', { headers: { origin: 'http://evil.example' } });
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();

    const preflight = await request(server.url, '/tiles/fixture/tileset.json', {
      method: 'OPTIONS',
      headers: { origin: ALLOWED, 'access-control-request-method': 'GET', 'access-control-request-headers': 'if-none-match' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(preflight.headers['access-control-allow-methods']).toContain('GET');
    expect(preflight.headers['access-control-allow-headers']?.toLowerCase()).toContain('if-none-match');

    const badPreflight = await request(server.url, '/tiles/fixture/tileset.json', {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'GET' },
    });
    expect(badPreflight.status).toBe(403);
    expect(badPreflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('never lets a path escape the tiles folder or reach a dotfile', async () => {
    const attempts = [
      '/tiles/../secret.txt',
      '/tiles/../tilesets-secret/secret.txt',
      '/tiles/fixture/../../secret.txt',
      '/tiles/%2e%2e%2fsecret.txt',
      '/tiles/%2e%2e/tilesets-secret/secret.txt',
      '/tiles/fixture/%2e%2e/%2e%2e/secret.txt',
      '/tiles/..%5csecret.txt',
      '/tiles/%2e%2e%5csecret.txt',
      '/tiles/fixture%5c..%5c..%5csecret.txt',
      '/tiles/fixture/tileset.json%00.png',
      '/tiles/%00',
      '/tiles//etc/passwd',
      '/tiles/%2fetc%2fpasswd',
      `/tiles/${encodeURIComponent(path.join(tmp, 'secret.txt'))}`,
      '/tiles/.git/config',
      '/tiles/.env',
      '/tiles/%2eenv',
      '/tiles/fixture/.hidden.json',
      '/tiles/.fixture.tmp-123/tileset.json',
      '/tiles-secret/secret.txt',
      '/tilesets-secret/secret.txt',
      '/tiles/link/secret.txt',
      '/tiles/%E0%A4%A',
    ];
    for (const attempt of attempts) {
      const answer = await request(server.url, attempt);
      expect([attempt, [400, 403, 404].includes(answer.status)]).toEqual([attempt, true]);
      const text = answer.body.toString('utf8');
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain('root:');
      const body = JSON.parse(text) as { error: { code: string; message: string } };
      expect(Object.keys(body.error).sort()).toEqual(['code', 'message']);
      expect(text).not.toMatch(/\bat .*\.ts:\d+/);
    }
    // A symlink that leads out of the folder is refused as such.
    expect((await request(server.url, '/tiles/link/secret.txt')).status).toBe(403);
  });

  it('answers a missing file, a folder and a wrong method with JSON errors', async () => {
    const missing = await request(server.url, '/tiles/fixture/nope.glb');
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body.toString())).toEqual({ error: { code: 'not_found', message: '"/tiles/fixture/nope.glb" not found' } });
    expect((await request(server.url, '/tiles/fixture/content')).status).toBe(404);
    expect((await request(server.url, '/tiles/fixture/')).status).toBe(400);
    const post = await request(server.url, '/tiles/fixture/tileset.json', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD, OPTIONS');
    expect(JSON.parse(post.body.toString()).error.code).toBe('method_not_allowed');
  });

  it('notices a file rewritten in place and a folder swapped by a rebuild', async () => {
    const dir = path.join(tilesDir, 'changing');
    fs.mkdirSync(dir);
    const file = path.join(dir, 'tileset.json');
    fs.writeFileSync(file, '{"version":1}');
    const first = await request(server.url, '/tiles/changing/tileset.json');
    expect(first.body.toString()).toBe('{"version":1}');

    // Same size, new bytes.
    fs.writeFileSync(file, '{"version":2}');
    const second = await request(server.url, '/tiles/changing/tileset.json', { headers: { 'if-none-match': String(first.headers.etag) } });
    expect(second.status).toBe(200);
    expect(second.body.toString()).toBe('{"version":2}');
    expect(second.headers.etag).not.toBe(first.headers.etag);

    // A rebuild writes a dot-folder, then swaps it in.
    const next = path.join(tilesDir, '.changing.tmp-1');
    fs.mkdirSync(next);
    fs.writeFileSync(path.join(next, 'tileset.json'), '{"version":3}');
    fs.renameSync(dir, path.join(tilesDir, '.changing.old'));
    fs.renameSync(next, dir);
    expect((await request(server.url, '/tiles/changing/tileset.json')).body.toString()).toBe('{"version":3}');

    fs.rmSync(dir, { recursive: true });
    expect((await request(server.url, '/tiles/changing/tileset.json')).status).toBe(404);
  });
});
