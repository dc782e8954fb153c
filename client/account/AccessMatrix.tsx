import { useTranslation } from 'react-i18next';
import { DEPARTMENTS, ROLES } from '../../server/protocol/access.ts';
import type { DataLayer, DataView } from '../../server/protocol/access.ts';
import { AdminSection } from './AdminSection.tsx';
import { accessLabel, departmentName, nameLanguage, roleName } from './accessLabels.ts';
import type { GrantsAnswer } from './GrantsSection.tsx';

/** Who can see what: rows roles then departments, columns `layers`, cells 全部 / 部分（隐去：…）/ 无. */
export function AccessMatrix({ layers, matrix }: { layers: readonly DataLayer[]; matrix: GrantsAnswer['matrix'] | null }) {
  const { t, i18n } = useTranslation();
  const lang = nameLanguage(i18n.language);
  const groups: { title: string; rows: [string, DataView][] }[] = matrix
    ? [
        { title: t('admin.matrix.roles'), rows: ROLES.filter((r) => matrix.roles[r]).map((r) => [roleName(r, lang), matrix.roles[r]]) },
        { title: t('admin.matrix.departments'), rows: DEPARTMENTS.filter((d) => matrix.departments[d]).map((d) => [departmentName(d, lang), matrix.departments[d]]) },
      ]
    : [];
  return (
    <AdminSection title={t('admin.matrix.title')} testId="access-matrix">
      <table className="admin-table matrix">
        <thead>
          <tr>
            <th />
            {layers.map((l) => (
              <th key={l.id}>{l.name[lang]}</th>
            ))}
          </tr>
        </thead>
        {groups.map((group) => (
          <tbody key={group.title}>
            <tr>
              <th colSpan={layers.length + 1} className="group">
                {group.title}
              </th>
            </tr>
            {group.rows.map(([name, view]) => (
              <tr key={name}>
                <th scope="row">{name}</th>
                {layers.map((l) => {
                  const access = view[l.id] ?? { access: 'none' };
                  return (
                    <td key={l.id} className={`access ${access.access}`}>
                      {accessLabel(t, access, l, lang)}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        ))}
      </table>
    </AdminSection>
  );
}
