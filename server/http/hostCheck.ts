import os from 'node:os';
import type { Middleware } from 'koa';
import { refuse } from './refuse.ts';

/** Listening addresses that mean "every interface": no name of their own to allow. */
const WILDCARDS = new Set(['0.0.0.0', '::', '']);

/** A name as it appears in a Host header: lower case, IPv6 in brackets, no trailing dot. */
function normalName(name: string): string {
  const lower = name.toLowerCase().replace(/\.$/, '');
  return lower.includes(':') && !lower.startsWith('[') ? `[${lower}]` : lower;
}

/**
 * The host names this server answers to: localhost and the loopback addresses, this machine's
 * interface addresses and host name, the configured listening host unless it is a wildcard, and the
 * configured extra names (reverse proxies, DNS names of the server). Read once: an address the
 * machine gains later must be configured to be allowed.
 */
export function allowedHostNames(config: { host: string; allowedHosts?: readonly string[] }): Set<string> {
  const names = ['localhost', '127.0.0.1', '::1', os.hostname()];
  for (const addresses of Object.values(os.networkInterfaces())) {
    // A link-local IPv6 address carries its zone (fe80::1%eth0), which no Host header holds.
    for (const a of addresses ?? []) names.push(a.address.replace(/%.*$/, ''));
  }
  if (!WILDCARDS.has(config.host)) names.push(config.host);
  names.push(...(config.allowedHosts ?? []));
  return new Set(names.filter((n) => n !== '').map(normalName));
}

/** The host part of a Host header (without the port), normalised as allowedHostNames' names are; null if malformed. */
export function hostPart(hostHeader: string): string | null {
  const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::\d{1,5})?$/.exec(hostHeader.trim());
  return match ? normalName(match[1]) : null;
}

/**
 * Whether a Host header names this server. A page of a foreign site whose DNS name was rebound to
 * this machine's address sends its own name here, so it is refused although its Origin and Host agree.
 * A missing or malformed Host is refused.
 */
export function hostAllowed(hostHeader: string | undefined, names: ReadonlySet<string>): boolean {
  if (hostHeader === undefined) return false;
  const host = hostPart(hostHeader);
  return host !== null && names.has(host);
}

/**
 * Koa middleware refusing requests whose Host is not one of `names` with 421 Misdirected Request
 * `{error: {code: 'bad_host'}}`. An HTTP/1.0 request without Host (old scripts) is let through: no
 * browser sends one, so it cannot be a rebound page.
 */
export function hostCheck(names: ReadonlySet<string>): Middleware {
  return async function hostCheckMiddleware(ctx, next) {
    const host = ctx.req.headers.host;
    if (host === undefined && ctx.req.httpVersion === '1.0') return next();
    if (!hostAllowed(host, names)) {
      const shown = host === undefined ? 'no Host header' : `Host ${JSON.stringify(host)}`;
      refuse(ctx, 421, 'bad_host', `${shown} is not a name of this server; add it to ALLOWED_HOSTS if it is`);
      return;
    }
    await next();
  };
}
