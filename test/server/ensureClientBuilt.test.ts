import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ensureClientBuilt } from '../../server/ensureClientBuilt.ts';

const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/client');

describe('ensureClientBuilt', () => {
  it('builds the production bundle even under vitest, where NODE_ENV is "test"', async () => {
    expect(process.env.NODE_ENV).toBe('test');
    // Older than every source: the build is due.
    const index = path.join(DIST, 'index.html');
    if (fs.existsSync(index)) fs.utimesSync(index, 0, 0);
    await ensureClientBuilt();
    // The environment is the caller's again.
    expect(process.env.NODE_ENV).toBe('test');
    const entry = /src="\/(assets\/index-[^"]+\.js)"/.exec(fs.readFileSync(index, 'utf8'))?.[1];
    expect(entry).toBeDefined();
    const code = fs.readFileSync(path.join(DIST, entry!), 'utf8');
    // React's production build, and JSX compiled for it (the development runtime calls jsxDEV).
    expect(code).toContain('Minified React error');
    expect(code).not.toContain('jsxDEV');
  }, 600_000);
});
