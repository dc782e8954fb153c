import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { DataLayer, Department, Grantee, Role } from '../../server/protocol/access.ts';
import { nameLanguage } from './accessLabels.ts';
import { DepartmentSelect, RoleSelect } from './selects.tsx';

/** A new grant of `layer`: to a role or a department, with the layer's fields to mask ticked. */
export function GrantForm({ layer, onAdd }: { layer: DataLayer; onAdd: (layer: DataLayer, grantee: Grantee, masked: string[]) => Promise<unknown> }) {
  const { t, i18n } = useTranslation();
  const lang = nameLanguage(i18n.language);
  const [kind, setKind] = useState<Grantee['kind']>('role');
  const [role, setRole] = useState<Role>('viewer');
  const [department, setDepartment] = useState<Department | null>(null);
  const [masked, setMasked] = useState<string[]>([]);
  const id = kind === 'role' ? role : department;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (id === null) return;
    if ((await onAdd(layer, { kind, id }, masked)) !== null) setMasked([]);
  };
  const toggle = (field: string, on: boolean) => setMasked((m) => (on ? [...m, field] : m.filter((f) => f !== field)));
  return (
    <form className="admin-form grant-form" onSubmit={(e) => void submit(e)}>
      <select aria-label={t('admin.grants.granteeKind')} value={kind} onChange={(e) => setKind(e.target.value as Grantee['kind'])}>
        <option value="role">{t('admin.grants.kind.role')}</option>
        <option value="department">{t('admin.grants.kind.department')}</option>
      </select>
      {kind === 'role' ? <RoleSelect value={role} onChange={setRole} /> : <DepartmentSelect value={department} onChange={setDepartment} />}
      <fieldset className="masked-fields">
        <legend className="muted">{t('admin.grants.maskLegend')}</legend>
        {Object.entries(layer.fields).map(([field, name]) => (
          <label key={field} className="check small">
            <input type="checkbox" checked={masked.includes(field)} onChange={(e) => toggle(field, e.target.checked)} />
            {name[lang]}
          </label>
        ))}
      </fieldset>
      <button type="submit" disabled={id === null}>
        {t('admin.grants.add')}
      </button>
    </form>
  );
}
