import { DATA_LAYER_IDS, DATA_LAYERS, DEPARTMENTS, ROLES, type DataView, type Department, type Grant, type LayerAccess, type Role } from '../protocol/access.ts';
import type { Principal } from './principal.ts';

/**
 * What `principal` gets of each data layer under `grants`: the owner department sees its layer in
 * full; anyone else gets the union of the grants made to their role or their department — full if
 * one of them masks nothing, else masked with the fields every one of them masks (a further grant
 * never shows less), and nothing without one. A locked-down anonymous visitor (role null) sees nothing.
 */
export function viewFor(principal: Pick<Principal, 'role' | 'department'>, grants: readonly Grant[]): DataView {
  const { role, department } = principal;
  const view = {} as DataView;
  for (const layer of DATA_LAYER_IDS) {
    if (role === null) {
      view[layer] = { access: 'none' };
      continue;
    }
    if (department !== null && DATA_LAYERS[layer].owner === department) {
      view[layer] = { access: 'full' };
      continue;
    }
    const matching = grants.filter((g) => g.layer === layer && ((g.grantee.kind === 'role' && g.grantee.id === role) || (g.grantee.kind === 'department' && g.grantee.id === department)));
    view[layer] = unionOf(layer, matching);
  }
  return view;
}

/** The access a set of grants of one layer gives together; masked field names the layer does not have hide nothing and are left out. */
function unionOf(layer: Grant['layer'], grants: readonly Grant[]): LayerAccess {
  if (grants.length === 0) return { access: 'none' };
  const known = Object.keys(DATA_LAYERS[layer].fields);
  const masked = known.filter((field) => grants.every((g) => g.masked.includes(field)));
  return masked.length === 0 ? { access: 'full' } : { access: 'masked', masked };
}

/**
 * A short key that is the same for the same views, for the Socket.IO room of the sockets that get
 * the same masked messages: each layer in DATA_LAYER_IDS order as `f` (full), `n` (none) or its
 * masked fields sorted and joined by `+`, e.g. `f|readings|n|f`.
 */
export function viewKey(view: DataView): string {
  return DATA_LAYER_IDS.map((layer) => {
    const a = view[layer];
    if (a.access === 'full') return 'f';
    if (a.access === 'none') return 'n';
    return [...a.masked].sort().join('+');
  }).join('|');
}

/** "Who can see what", for the admin page: the view of every role (with no department) and of every department's operators. */
export function accessMatrix(grants: readonly Grant[]): { roles: Record<Role, DataView>; departments: Record<Department, DataView> } {
  const roles = {} as Record<Role, DataView>;
  for (const role of ROLES) roles[role] = viewFor({ role, department: null }, grants);
  const departments = {} as Record<Department, DataView>;
  for (const department of DEPARTMENTS) departments[department] = viewFor({ role: 'operator', department }, grants);
  return { roles, departments };
}
