/** Drop-downs of roles and departments, named in the UI language. */
import { useTranslation } from 'react-i18next';
import { DEPARTMENTS, ROLES } from '../../server/protocol/access.ts';
import type { Department, Role } from '../../server/protocol/access.ts';
import { departmentName, nameLanguage, roleName } from './accessLabels.ts';

export function RoleSelect({ value, onChange, label }: { value: Role; onChange: (role: Role) => void; label?: string }) {
  const { t, i18n } = useTranslation();
  const lang = nameLanguage(i18n.language);
  return (
    <select aria-label={label ?? t('admin.accounts.role')} value={value} onChange={(e) => onChange(e.target.value as Role)}>
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {roleName(r, lang)}
        </option>
      ))}
    </select>
  );
}

/** A department, or none ('—'). */
export function DepartmentSelect({ value, onChange, label }: { value: Department | null; onChange: (department: Department | null) => void; label?: string }) {
  const { t, i18n } = useTranslation();
  const lang = nameLanguage(i18n.language);
  return (
    <select aria-label={label ?? t('admin.accounts.department')} value={value ?? ''} onChange={(e) => onChange(e.target.value === '' ? null : (e.target.value as Department))}>
      <option value="">{t('admin.accounts.noDepartment')}</option>
      {DEPARTMENTS.map((d) => (
        <option key={d} value={d}>
          {departmentName(d, lang)}
        </option>
      ))}
    </select>
  );
}
