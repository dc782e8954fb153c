import type { Context } from 'koa';

/** Largest JSON body a route reads: requests are small (controls, accounts, what-ifs). */
export const MAX_JSON_BYTES = 64 * 1024;

/**
 * Reads a JSON request body (at most 64 KB; an empty one is {}), answering 413 for a larger one and
 * 400 for one that is not JSON. `where` ("POST /api/runs") starts the error message.
 */
export async function readJson(ctx: Context, where: string): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_JSON_BYTES) ctx.throw(413, `${where}: body larger than 64 KB`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text ? JSON.parse(text) : {};
  } catch (error) {
    ctx.throw(400, `${where}: body is not JSON: ${(error as Error).message}`);
  }
}
