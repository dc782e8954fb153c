import { describe, expect, it } from 'vitest';
import { auditQueryString, NO_FILTERS } from '../../../client/account/auditQuery.ts';
import { formatShanghai, shanghaiInputToIso } from '../../../client/account/formatTime.ts';

describe('the audit page’s query', () => {
  it('asks for the newest page without filters', () => {
    expect(auditQueryString(NO_FILTERS)).toBe('?limit=100');
  });

  it('sends the filters that are set, Beijing times as UTC, and the page to go back from', () => {
    const query = new URLSearchParams(auditQueryString({ actor: ' li.wei ', action: '', result: 'denied', from: '2025-03-01T08:00', to: '' }, 4711));
    expect(Object.fromEntries(query)).toEqual({ actor: 'li.wei', result: 'denied', from: '2025-03-01T00:00:00.000Z', before: '4711', limit: '100' });
  });

  it('reads and shows times in Beijing time', () => {
    expect(shanghaiInputToIso('2025-01-01T00:30')).toBe('2024-12-31T16:30:00.000Z');
    expect(shanghaiInputToIso('yesterday')).toBeNull();
    expect(formatShanghai('2024-12-31T16:30:00.000Z', 'zh-CN')).toBe('2025/01/01 00:30:00');
    expect(formatShanghai('not a time', 'zh-CN')).toBe('not a time');
  });
});
