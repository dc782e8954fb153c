import { describe, expect, it } from 'vitest';
import { allowedSourceUrl } from '../../../client/twin/allowedSourceUrl.ts';

const PAGE = 'https://twin.pds.gov.cn';
const TILES = ['https://tiles.pds.gov.cn'];

describe('allowedSourceUrl', () => {
  it('takes paths and URLs of this origin as they are', () => {
    expect(allowedSourceUrl('/tiles/extra/tileset.json', [], PAGE)).toBe('/tiles/extra/tileset.json');
    expect(allowedSourceUrl('./imagery/{z}/{x}/{y}.png', [], PAGE)).toBe('./imagery/{z}/{x}/{y}.png');
    expect(allowedSourceUrl('https://twin.pds.gov.cn/tiles/a.json', [], PAGE)).toBe('https://twin.pds.gov.cn/tiles/a.json');
  });

  it('takes an origin the server allows, keeping a tile template’s braces', () => {
    expect(allowedSourceUrl('https://tiles.pds.gov.cn/wmts/{z}/{x}/{y}.jpg', TILES, PAGE)).toBe('https://tiles.pds.gov.cn/wmts/{z}/{x}/{y}.jpg');
    expect(allowedSourceUrl('https://tiles.pds.gov.cn/a.json', ['https://tiles.pds.gov.cn/'], PAGE)).toBe('https://tiles.pds.gov.cn/a.json');
  });

  it('ignores other hosts, however the address is written', () => {
    for (const url of [
      'https://evil.example/tileset.json',
      '//evil.example/tileset.json',
      '/\\evil.example/tileset.json',
      'https://tiles.pds.gov.cn.evil.example/a.json',
      'http://tiles.pds.gov.cn/a.json', // another scheme is another origin
      'https://tiles.pds.gov.cn:8443/a.json',
      'https://twin.pds.gov.cn@evil.example/a.json',
    ]) {
      expect(allowedSourceUrl(url, TILES, PAGE), url).toBeNull();
    }
  });

  it('ignores what is not an http(s) address', () => {
    for (const url of ['javascript:alert(1)', 'data:application/json,{}', 'file:///etc/passwd', '', '   ']) {
      expect(allowedSourceUrl(url, TILES, PAGE), url).toBeNull();
    }
  });
});
