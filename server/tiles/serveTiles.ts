import fs from 'node:fs';
import path from 'node:path';
import type { Middleware } from 'koa';
import { CachedBody, sendCachedBody } from '../cachedBody.ts';

export interface ServeTilesOptions {
  /** Folder to serve; nothing outside it is ever read. */
  dir: string;
  /** URL prefix, without a trailing slash; "" mounts at the root. Default "/tiles". */
  prefix?: string;
  /** Upper bound of the in-memory cache (file bytes plus compressed variants). Default 256 MiB. */
  maxCacheBytes?: number;
  /** File answered for a path ending in "/" (e.g. "index.html" for a web client); none by default. */
  index?: string;
}

/** Extension → [Content-Type, compress?]. Images and KTX2 are already compressed. */
const TYPES: Record<string, [string, boolean]> = {
  '.json': ['application/json; charset=utf-8', true],
  '.glb': ['model/gltf-binary', true],
  '.gltf': ['model/gltf+json', true],
  '.b3dm': ['application/octet-stream', true],
  '.pnts': ['application/octet-stream', true],
  '.i3dm': ['application/octet-stream', true],
  '.cmpt': ['application/octet-stream', true],
  '.subtree': ['application/octet-stream', true],
  '.bin': ['application/octet-stream', true],
  '.png': ['image/png', false],
  '.jpg': ['image/jpeg', false],
  '.jpeg': ['image/jpeg', false],
  '.webp': ['image/webp', false],
  '.ktx2': ['image/ktx2', false],
  '.html': ['text/html; charset=utf-8', true],
  '.js': ['text/javascript; charset=utf-8', true],
  '.mjs': ['text/javascript; charset=utf-8', true],
  '.css': ['text/css; charset=utf-8', true],
  '.svg': ['image/svg+xml', true],
  '.wasm': ['application/wasm', true],
  '.txt': ['text/plain; charset=utf-8', true],
  '.map': ['application/json; charset=utf-8', true],
  '.ico': ['image/x-icon', true],
  '.woff2': ['font/woff2', false],
};
const OTHER: [string, boolean] = ['application/octet-stream', false];

/**
 * Cache lifetimes. Tileset JSON is revalidated after a minute so a rebuilt city shows up soon;
 * tile content may be reused for ten minutes, then revalidated by ETag (a 304 costs no body).
 * Content names are not content-addressed, so a longer, immutable lifetime would show stale tiles
 * after a rebuild. HTML is always revalidated.
 */
function cacheControlFor(ext: string): string {
  if (ext === '.json' || ext === '.gltf') return 'public, max-age=60, must-revalidate';
  if (ext === '.html') return 'no-cache';
  return 'public, max-age=600, must-revalidate';
}

interface Entry {
  body: CachedBody;
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

type Lookup = { kind: 'file'; body: CachedBody } | { kind: 'missing' } | { kind: 'outside' };
const MISSING: Lookup = { kind: 'missing' };

/**
 * File bytes, ETag and compressed variants in memory, LRU by bytes. Each request stats the file
 * and drops the entry when its inode, size, mtime or ctime changed, so a rebuild that swaps
 * folders (new inodes) or rewrites a file is noticed at once.
 */
class FileCache {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<Lookup>>();
  private bytes = 0;
  private readonly root: string;
  private readonly maxBytes: number;

  constructor(root: string, maxBytes: number) {
    this.root = root;
    this.maxBytes = maxBytes;
  }

  /** The file's cached body; synchronous on a hit (one stat), so a hot tile costs no promise. */
  lookup(file: string): Lookup | Promise<Lookup> {
    let stat: fs.Stats | undefined;
    try {
      // A synchronous stat of a local file takes microseconds; the thread pool round trip of an
      // async one cost about a fifth of the throughput on small tiles (bench/serve.ts).
      stat = fs.statSync(file, { throwIfNoEntry: false });
    } catch (error) {
      if (isMissing(error)) return MISSING;
      throw error;
    }
    if (!stat || !stat.isFile()) return MISSING;
    const hit = this.entries.get(file);
    if (hit && hit.ino === stat.ino && hit.size === stat.size && hit.mtimeMs === stat.mtimeMs && hit.ctimeMs === stat.ctimeMs) {
      // Move to the young end of the LRU.
      this.entries.delete(file);
      this.entries.set(file, hit);
      return { kind: 'file', body: hit.body };
    }
    if (hit) this.drop(file, hit);
    const key = `${file}\0${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`;
    let job = this.loading.get(key);
    if (!job) {
      job = this.load(file, stat).finally(() => this.loading.delete(key));
      this.loading.set(key, job);
    }
    return job;
  }

  private async load(file: string, stat: fs.Stats): Promise<Lookup> {
    // A symlink inside the folder must not lead out of it.
    let real: string;
    let root: string;
    try {
      [real, root] = await Promise.all([fs.promises.realpath(file), fs.promises.realpath(this.root)]);
    } catch (error) {
      if (isMissing(error)) return { kind: 'missing' };
      throw error;
    }
    if (!real.startsWith(root + path.sep)) return { kind: 'outside' };
    let data: Buffer;
    try {
      data = await fs.promises.readFile(real);
    } catch (error) {
      if (isMissing(error)) return { kind: 'missing' };
      throw error;
    }
    const [type, compress] = TYPES[path.extname(file).toLowerCase()] ?? OTHER;
    const cacheable = data.length * 2 <= this.maxBytes / 4;
    const body = new CachedBody(data, type, compress, (grown) => {
      if (!cacheable || this.entries.get(file)?.body !== body) return;
      this.bytes += grown;
      this.evict();
    });
    if (cacheable) {
      const old = this.entries.get(file);
      if (old) this.drop(file, old);
      this.entries.set(file, { body, ino: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs, ctimeMs: stat.ctimeMs });
      this.bytes += body.bytes;
      this.evict();
    }
    return { kind: 'file', body };
  }

  private drop(file: string, entry: Entry): void {
    this.entries.delete(file);
    this.bytes -= entry.body.bytes;
  }

  private evict(): void {
    for (const [file, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.drop(file, entry);
    }
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'ENAMETOOLONG' || code === 'ELOOP' || code === 'EACCES';
}

/**
 * Koa middleware serving a folder under a URL prefix (3D Tiles under /tiles/ by default): content
 * types for 3D Tiles and glTF, strong ETags and 304s, br/gzip from memory, HEAD. Paths are checked
 * segment by segment after decoding: "..", ".", empty segments, backslashes and NUL are refused
 * (400), dotfiles and dot-folders (a build's ".x.tmp-123") are never served (404), and symlinks
 * may not lead outside the folder (403). Errors are thrown with ctx.throw for the error middleware.
 */
export function serveTiles(options: ServeTilesOptions): Middleware {
  const prefix = options.prefix ?? '/tiles';
  const root = path.resolve(options.dir);
  const cache = new FileCache(root, options.maxCacheBytes ?? 256 * 2 ** 20);
  const mount = `${prefix}/`;

  return async function serveTilesMiddleware(ctx, next) {
    const urlPath = ctx.path;
    if (!urlPath.startsWith(mount)) {
      if (urlPath === prefix && prefix !== '') ctx.throw(404, `${prefix}: name a file, e.g. ${prefix}/<city>/tileset.json`);
      return next();
    }
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      // Mounted at the root (the web client), other methods belong to whatever comes after.
      if (prefix === '') return next();
      if (ctx.method === 'OPTIONS') {
        ctx.set('Allow', 'GET, HEAD, OPTIONS');
        ctx.status = 204;
        return;
      }
      ctx.throw(405, `${ctx.method} is not allowed here; use GET or HEAD`, { headers: { Allow: 'GET, HEAD, OPTIONS' } });
    }

    let rest = urlPath.slice(mount.length);
    try {
      if (rest.includes('%')) rest = decodeURIComponent(rest);
    } catch {
      return ctx.throw(400, `bad path encoding: ${clip(urlPath)}`);
    }
    if (rest.includes('\0') || rest.includes('\\')) ctx.throw(400, `path not allowed: ${clip(urlPath)}`);
    const segments = rest.split('/');
    if (options.index && segments[segments.length - 1] === '') segments[segments.length - 1] = options.index;
    for (const segment of segments) {
      if (segment === '' || segment === '.' || segment === '..') ctx.throw(400, `path not allowed: ${clip(urlPath)}`);
      if (segment.startsWith('.')) ctx.throw(404, `${clip(urlPath)} not found`);
    }
    // The segments are checked: no "", ".", ".." or separators, so plain joining stays inside root.
    const file = root + path.sep + segments.join(path.sep);

    const lookup = cache.lookup(file);
    const found = lookup instanceof Promise ? await lookup : lookup;
    if (found.kind === 'missing') return ctx.throw(404, `${clip(urlPath)} not found`);
    if (found.kind === 'outside') return ctx.throw(403, `${clip(urlPath)} is outside the served folder`);
    return sendCachedBody(ctx, found.body, cacheControlFor(path.extname(file).toLowerCase()));
  };
}

/** Echo at most a short piece of a client's path in messages. */
function clip(text: string): string {
  return JSON.stringify(text.length > 160 ? `${text.slice(0, 160)}…` : text);
}
