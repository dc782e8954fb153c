/** How the admin and audit pages name roles, departments, grantees, layers' fields and a principal's access to a layer. */
import type { TFunction } from 'i18next';
import { DEPARTMENT_NAMES, ROLE_NAMES } from '../../server/protocol/access.ts';
import type { DataLayer, Grantee, LayerAccess } from '../../server/protocol/access.ts';

export type NameLanguage = 'zh' | 'en';

/** Which of a name's two spellings the UI language takes. */
export const nameLanguage = (language: string): NameLanguage => (language.startsWith('zh') ? 'zh' : 'en');

/** A role's name (an unknown one, from an old audit record, as it is). */
export const roleName = (role: string, lang: NameLanguage): string => (role in ROLE_NAMES ? ROLE_NAMES[role as keyof typeof ROLE_NAMES][lang] : role);

/** A department's name (an unknown one as it is). */
export const departmentName = (department: string, lang: NameLanguage): string =>
  department in DEPARTMENT_NAMES ? DEPARTMENT_NAMES[department as keyof typeof DEPARTMENT_NAMES][lang] : department;

/** Who a grant is for: "角色：规划分析" / "Role: Planner". */
export const granteeName = (t: TFunction, grantee: Grantee, lang: NameLanguage): string =>
  t(`admin.grants.grantee.${grantee.kind}`, { name: grantee.kind === 'role' ? roleName(grantee.id, lang) : departmentName(grantee.id, lang) });

/** The names of `fields` of `layer`, in the layer's order, joined as the language lists things. */
export function fieldNames(t: TFunction, layer: DataLayer, fields: readonly string[], lang: NameLanguage): string {
  const names = Object.entries(layer.fields)
    .filter(([id]) => fields.includes(id))
    .map(([, name]) => name[lang]);
  // A field the layer no longer has is still worth showing as it is.
  const unknown = fields.filter((id) => !(id in layer.fields));
  return [...names, ...unknown].join(t('admin.listSeparator'));
}

/** A cell of the "who can see what" matrix: 全部 / 部分（隐去：…）/ 无. */
export function accessLabel(t: TFunction, access: LayerAccess, layer: DataLayer, lang: NameLanguage): string {
  if (access.access === 'full') return t('admin.matrix.full');
  if (access.access === 'none') return t('admin.matrix.none');
  return t('admin.matrix.masked', { fields: fieldNames(t, layer, access.masked, lang) });
}
