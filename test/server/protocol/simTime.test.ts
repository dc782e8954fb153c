import { describe, expect, it } from 'vitest';
import { formatSimTime, shanghaiTimeOfDayMs } from '../../../server/protocol/simTime.ts';

describe('formatSimTime', () => {
  it('shows Asia/Shanghai wall time whatever the machine zone', () => {
    expect(formatSimTime(Date.parse('2026-03-16T07:00:00+08:00'))).toBe('2026-03-16 07:00:00');
    // 23:30 UTC is 07:30 the next day in Shanghai.
    expect(formatSimTime(Date.UTC(2026, 2, 15, 23, 30, 0))).toBe('2026-03-16 07:30:00');
    expect(formatSimTime(Date.parse('2026-12-31T23:59:59.999+08:00'))).toBe('2026-12-31 23:59:59');
  });

  it('gives the time of day in Shanghai', () => {
    expect(shanghaiTimeOfDayMs(Date.parse('2026-03-16T06:00:00+08:00'))).toBe(6 * 3_600_000);
  });
});
