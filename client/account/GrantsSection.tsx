import { useTranslation } from 'react-i18next';
import type { DataLayer, DataView, Department, Grant, Grantee, Role } from '../../server/protocol/access.ts';
import { fetchJson } from '../twin/http.ts';
import { AccessMatrix } from './AccessMatrix.tsx';
import { AdminSection } from './AdminSection.tsx';
import { fieldNames, granteeName, nameLanguage, departmentName } from './accessLabels.ts';
import { formatShanghai } from './formatTime.ts';
import { GrantForm } from './GrantForm.tsx';
import { useResource } from './useResource.ts';

/** GET /api/grants: the grants, and what every role and department sees of each layer as a result. */
export interface GrantsAnswer {
  grants: Grant[];
  matrix: { roles: Record<Role, DataView>; departments: Record<Department, DataView> };
}
const readGrants = (body: unknown): GrantsAnswer => body as GrantsAnswer;

/** Grants of the layers this session manages, per layer (add with masked fields, revoke), and the resulting "who can see what" matrix. */
export function GrantsSection({ layers }: { layers: readonly DataLayer[] }) {
  const { t } = useTranslation();
  const { data, error, act } = useResource('/api/grants', readGrants);
  const add = (layer: DataLayer, grantee: Grantee, masked: string[]) => act(() => fetchJson('/api/grants', { layer: layer.id, grantee, masked }));
  const revoke = (grant: Grant) => void act(() => fetchJson(`/api/grants/${grant.id}`, undefined, undefined, 'DELETE'));
  return (
    <>
      <AdminSection title={t('admin.grants.title')} hint={t('admin.grants.hint')} error={error} testId="grants">
        {layers.map((layer) => (
          <LayerGrants key={layer.id} layer={layer} grants={(data?.grants ?? []).filter((g) => g.layer === layer.id)} onAdd={add} onRevoke={revoke} />
        ))}
      </AdminSection>
      <AccessMatrix layers={layers} matrix={data?.matrix ?? null} />
    </>
  );
}

function LayerGrants({ layer, grants, onAdd, onRevoke }: { layer: DataLayer; grants: Grant[]; onAdd: (layer: DataLayer, grantee: Grantee, masked: string[]) => Promise<unknown>; onRevoke: (grant: Grant) => void }) {
  const { t, i18n } = useTranslation();
  const lang = nameLanguage(i18n.language);
  return (
    <div className="layer-grants" data-layer={layer.id}>
      <h3>
        {layer.name[lang]} <span className="muted">{t('admin.grants.owner', { department: departmentName(layer.owner, lang) })}</span>
      </h3>
      {grants.length === 0 ? (
        <p className="muted">{t('admin.grants.none')}</p>
      ) : (
        <ul className="list grant-list">
          {grants.map((g) => (
            <li key={g.id}>
              <span>{granteeName(t, g.grantee, lang)}</span>
              <span className="muted">{g.masked.length > 0 ? t('admin.grants.masked', { fields: fieldNames(t, layer, g.masked, lang) }) : t('admin.grants.allFields')}</span>
              <span className="muted">{t('admin.grants.by', { username: g.grantedBy, time: formatShanghai(g.grantedAt, i18n.language) })}</span>
              <button type="button" className="link danger" onClick={() => onRevoke(g)}>
                {t('admin.grants.revoke')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <GrantForm layer={layer} onAdd={onAdd} />
    </div>
  );
}
