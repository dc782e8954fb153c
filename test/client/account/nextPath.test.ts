import { describe, expect, it } from 'vitest';
import { safeNextPath } from '../../../client/account/nextPath.ts';

describe('safeNextPath', () => {
  it('goes back to a page of this site', () => {
    expect(safeNextPath('/three')).toBe('/three');
    expect(safeNextPath('/admin')).toBe('/admin');
    expect(safeNextPath('/')).toBe('/');
  });

  it('keeps the path only', () => {
    expect(safeNextPath('/three?tileset=https://evil.example/t.json#x')).toBe('/three');
  });

  it('goes home instead of to another site, a script, or the login page again', () => {
    for (const next of [null, '', 'three', 'https://evil.example/', '//evil.example/', '/\\evil.example', '/\t/evil.example', 'javascript:alert(1)', '/login', '/login/']) {
      expect(safeNextPath(next), String(next)).toBe('/');
    }
  });
});
