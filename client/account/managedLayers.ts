/** The data layers whose grants a session may see and change. */
import { DATA_LAYERS } from '../../server/protocol/access.ts';
import type { DataLayer, SessionInfo } from '../../server/protocol/access.ts';
import { sessionCan } from '../twin/session.ts';

/** Every layer for an admin (grants.manage); a department operator's (grants.own) own department's; else none. */
export function managedLayers(info: SessionInfo): DataLayer[] {
  const layers = Object.values(DATA_LAYERS);
  if (sessionCan(info, 'grants.manage')) return layers;
  if (sessionCan(info, 'grants.own')) return layers.filter((l) => l.owner === info.principal.department);
  return [];
}
