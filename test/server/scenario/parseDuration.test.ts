import { describe, expect, it } from 'vitest';
import { formatOffset, parseDuration, parseOffset } from '../../../server/scenario/parseDuration.ts';

describe('parseDuration / parseOffset', () => {
  it('reads "hh:mm:ss" and "T+hh:mm:ss" as milliseconds, hours past 24 included', () => {
    expect(parseDuration('00:10:00')).toBe(600_000);
    expect(parseDuration('24:00:00')).toBe(86_400_000);
    expect(parseDuration('36:30:05')).toBe((36 * 3600 + 30 * 60 + 5) * 1000);
    expect(parseOffset('T+00:02:00')).toBe(120_000);
  });

  it('rejects anything else', () => {
    for (const bad of ['5min', '1:00:00', '00:60:00', '00:00:60', 'T+5min', '00:10:00 ', '-00:10:00']) expect(parseDuration(bad)).toBeUndefined();
    expect(parseOffset('00:02:00')).toBeUndefined();
  });

  it('writes offsets back in the same form', () => {
    expect(formatOffset(3_723_000)).toBe('T+01:02:03');
    expect(parseOffset(formatOffset(90_061_000))).toBe(90_061_000);
  });
});
