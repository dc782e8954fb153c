import { describe, expect, it } from 'vitest';
import { managedLayers } from '../../../client/account/managedLayers.ts';
import { pageFor } from '../../../client/account/pageFor.ts';
import { sessionOf } from './fixtures.ts';

describe('which page a route shows', () => {
  it('shows anonymous visitors the city when the server lets them see it, and the login page for the rest', () => {
    const visitor = sessionOf('viewer', { kind: 'anonymous' });
    expect(pageFor('globe', visitor)).toBe('twin');
    expect(pageFor('three', visitor)).toBe('twin');
    expect(pageFor('admin', visitor)).toBe('login');
    expect(pageFor('audit', visitor)).toBe('login');
  });

  it('shows the login page in place of the city when anonymous visitors may see nothing', () => {
    const nobody = sessionOf(null);
    expect(pageFor('globe', nobody)).toBe('login');
    expect(pageFor('three', nobody)).toBe('login');
  });

  it('sends an auditor, who may not see the city, to the audit trail', () => {
    const auditor = sessionOf('auditor');
    expect(pageFor('globe', auditor)).toEqual({ redirect: '/audit' });
    expect(pageFor('audit', auditor)).toBe('audit');
    expect(pageFor('admin', auditor)).toBe('forbidden');
  });

  it('opens the admin page to admins and department operators, and not the audit trail', () => {
    expect(pageFor('admin', sessionOf('admin'))).toBe('admin');
    expect(pageFor('admin', sessionOf('operator', { department: 'health' }))).toBe('admin');
    expect(pageFor('admin', sessionOf('planner'))).toBe('forbidden');
    expect(pageFor('audit', sessionOf('admin'))).toBe('forbidden');
  });

  it('asks for a new password first after a one-time password, whatever the route', () => {
    const first = sessionOf('planner', { mustChangePassword: true });
    for (const route of ['globe', 'three', 'login', 'admin', 'audit'] as const) expect(pageFor(route, first)).toBe('password');
  });
});

describe('the layers whose grants a session manages', () => {
  it('are every layer for an admin, the own department’s for an operator, none for others', () => {
    expect(managedLayers(sessionOf('admin')).map((l) => l.id)).toEqual(['traffic.vehicles', 'environment.stations', 'health.hospitals', 'emergency.incidents']);
    expect(managedLayers(sessionOf('operator', { department: 'environment' })).map((l) => l.id)).toEqual(['environment.stations']);
    expect(managedLayers(sessionOf('operator', { department: 'fire_rescue' }))).toEqual([]);
    expect(managedLayers(sessionOf('director'))).toEqual([]);
  });
});
