import { describe, expect, it } from 'vitest';
import { routeOf, searchWith } from '../../../client/app/router.ts';

describe('the router', () => {
  it('knows its routes, and shows the globe for any other path', () => {
    expect(['/', '/three', '/three/', '/login', '/admin', '/audit', '/elsewhere', '/threes'].map(routeOf)).toEqual(['globe', 'three', 'three', 'login', 'admin', 'audit', 'globe', 'globe']);
  });

  it('keeps the query string, changing only the parameters it is given', () => {
    expect(searchWith('?city=pingdingshan&lang=en', {})).toBe('?city=pingdingshan&lang=en');
    expect(searchWith('?city=pingdingshan', { next: '/three' })).toBe('?city=pingdingshan&next=%2Fthree');
    expect(searchWith('?next=%2Fthree&lang=en', { next: null })).toBe('?lang=en');
    expect(searchWith('?next=%2Fthree', { next: null })).toBe('');
  });
});
