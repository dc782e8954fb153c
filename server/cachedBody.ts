import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { promisify } from 'node:util';
import type { Context } from 'koa';

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

export type ContentEncoding = 'br' | 'gzip' | 'identity';

/** Smaller bodies go uncompressed: the headers would eat the saving. */
const MIN_COMPRESS_BYTES = 1024;
/** A compressed variant is kept only if it saves at least this fraction; otherwise identity is sent. */
const MIN_SAVING = 0.1;

/**
 * An immutable response body with its strong ETag and lazily made, memoised br and gzip variants.
 * Compressing once and serving from memory is what makes compression free per request.
 */
export class CachedBody {
  readonly identity: Buffer;
  readonly contentType: string;
  /** Content hash, the ETag of the identity representation without quotes. */
  readonly hash: string;
  private readonly compressible: boolean;
  private readonly variants = new Map<'br' | 'gzip', Buffer | null>();
  private readonly pending = new Map<'br' | 'gzip', Promise<Buffer | null>>();
  private readonly onGrow: (bytes: number) => void;

  constructor(identity: Buffer, contentType: string, compressible: boolean, onGrow: (bytes: number) => void = () => {}) {
    this.identity = identity;
    this.contentType = contentType;
    this.compressible = compressible && identity.length >= MIN_COMPRESS_BYTES;
    this.hash = crypto.createHash('sha1').update(identity).digest('base64url').slice(0, 22);
    this.onGrow = onGrow;
  }

  /** Bytes held: the identity body plus the compressed variants made so far. */
  get bytes(): number {
    let n = this.identity.length;
    for (const v of this.variants.values()) n += v?.length ?? 0;
    return n;
  }

  /** True when the representation depends on Accept-Encoding. */
  get negotiates(): boolean {
    return this.compressible;
  }

  /** The variant if already decided: a buffer, null (does not pay), or undefined (not made yet). */
  ready(encoding: 'br' | 'gzip'): Buffer | null | undefined {
    return this.compressible ? this.variants.get(encoding) : null;
  }

  /** The body in an encoding, or null when that encoding does not pay for this body. */
  async encoded(encoding: 'br' | 'gzip'): Promise<Buffer | null> {
    const done = this.variants.get(encoding);
    if (done !== undefined) return done;
    if (!this.compressible) return null;
    let job = this.pending.get(encoding);
    if (!job) {
      job = (encoding === 'br'
        ? brotli(this.identity, {
            params: {
              // Measured on the default city's 368 meshopt GLBs (17.3 MB): quality 5 gives 35.8 % of the
              // size in 1.9 s of CPU, quality 9 35.6 % in 21.6 s, gzip 38.5 % in 1.2 s. The first client
              // of a tile pays this once, so a fast quality wins.
              [zlib.constants.BROTLI_PARAM_QUALITY]: 5,
              [zlib.constants.BROTLI_PARAM_SIZE_HINT]: this.identity.length,
            },
          })
        : gzip(this.identity, { level: 6 })
      ).then((out) => {
        const kept = out.length <= this.identity.length * (1 - MIN_SAVING) ? out : null;
        this.variants.set(encoding, kept);
        this.pending.delete(encoding);
        if (kept) this.onGrow(kept.length);
        return kept;
      });
      this.pending.set(encoding, job);
    }
    return job;
  }
}

const encodingCache = new Map<string, ContentEncoding>();

/** The best encoding an Accept-Encoding header allows: highest q, br before gzip on ties, identity otherwise. */
export function chooseEncoding(header: string): ContentEncoding {
  const known = encodingCache.get(header);
  if (known) return known;
  let br = -1;
  let gz = -1;
  let star = -1;
  for (const part of header.split(',')) {
    const [rawName, ...params] = part.split(';');
    const name = rawName.trim().toLowerCase();
    let q = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(p);
      if (m) q = Number(m[1]);
    }
    if (!Number.isFinite(q)) q = 0;
    if (name === 'br') br = q;
    else if (name === 'gzip' || name === 'x-gzip') gz = q;
    else if (name === '*') star = q;
  }
  if (br < 0) br = star;
  if (gz < 0) gz = star;
  let choice: ContentEncoding = 'identity';
  if (br > 0 && br >= gz) choice = 'br';
  else if (gz > 0) choice = 'gzip';
  // Headers repeat across clients: remember a bounded number of them.
  if (encodingCache.size < 256) encodingCache.set(header, choice);
  return choice;
}

/** True when an If-None-Match header names this body (weak comparison, as RFC 9110 asks), in any encoding. */
function matches(ifNoneMatch: string, hash: string): boolean {
  if (ifNoneMatch.trim() === '*') return true;
  for (const raw of ifNoneMatch.split(',')) {
    let tag = raw.trim();
    if (tag.startsWith('W/')) tag = tag.slice(2);
    tag = tag.replace(/^"|"$/g, '');
    if (tag === hash || tag === `${hash}-br` || tag === `${hash}-gz`) return true;
  }
  return false;
}

/**
 * Sends a cached body: strong ETag per representation (`"hash"`, `"hash-br"`, `"hash-gz"`), 304 on a
 * matching If-None-Match, br or gzip by Accept-Encoding with `Vary: Accept-Encoding`. HEAD gets the
 * same headers without a body (Koa drops it).
 */
export function sendCachedBody(ctx: Context, body: CachedBody, cacheControl: string): void | Promise<void> {
  if (!body.negotiates) return send(ctx, body, 'identity', body.identity, cacheControl);
  addVary(ctx, 'Accept-Encoding');
  const wanted = chooseEncoding(ctx.get('Accept-Encoding'));
  if (wanted === 'identity') return send(ctx, body, 'identity', body.identity, cacheControl);
  const ready = body.ready(wanted);
  if (ready !== undefined) return send(ctx, body, ready ? wanted : 'identity', ready ?? body.identity, cacheControl);
  return body.encoded(wanted).then((variant) => send(ctx, body, variant ? wanted : 'identity', variant ?? body.identity, cacheControl));
}

/** Appends to Vary without parsing it each time (the common case is an empty or one-entry header). */
function addVary(ctx: Context, field: string): void {
  const raw = ctx.res.getHeader('Vary');
  const current = Array.isArray(raw) ? raw.join(', ') : raw === undefined ? '' : String(raw);
  if (current === '') ctx.res.setHeader('Vary', field);
  else if (!current.toLowerCase().includes(field.toLowerCase())) ctx.res.setHeader('Vary', `${current}, ${field}`);
}

function send(ctx: Context, body: CachedBody, encoding: ContentEncoding, bytes: Buffer, cacheControl: string): void {
  const res = ctx.res;
  res.setHeader('ETag', encoding === 'identity' ? `"${body.hash}"` : `"${body.hash}-${encoding === 'br' ? 'br' : 'gz'}"`);
  res.setHeader('Cache-Control', cacheControl);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  const ifNoneMatch = ctx.get('If-None-Match');
  if (ifNoneMatch !== '' && matches(ifNoneMatch, body.hash)) {
    ctx.status = 304;
    return;
  }
  res.setHeader('Content-Type', body.contentType);
  if (encoding !== 'identity') res.setHeader('Content-Encoding', encoding);
  ctx.body = bytes;
}
