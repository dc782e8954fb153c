import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json(): { error?: { code: string; message: string } } & Record<string, unknown>;
}

export interface Served {
  url: string;
  /** One request; `headers` are sent as given (a `host` replaces the real one). */
  send(method: string, path: string, headers?: Record<string, string>, body?: string): Promise<Answer>;
  close(): Promise<void>;
}

/** Listens with `app` on a free loopback port. */
export async function serveApp(app: Koa): Promise<Served> {
  const server = http.createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    send: (method, path, headers = {}, body) =>
      new Promise((resolve, reject) => {
        const req = http.request(`${url}${path}`, { method, headers, agent: false }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
          });
        });
        req.on('error', reject);
        req.end(body);
      }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
