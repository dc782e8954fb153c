import { useTranslation } from 'react-i18next';
import type { TwinStore } from '../twin/TwinStore.ts';
import { useTwin } from './useTwin.ts';

/** Rows of names and values, as the info panels show them. */
export function KeyValues({ rows, testId }: { rows: [string, string][]; testId?: string }) {
  return (
    <dl data-testid={testId}>
      {rows.map(([k, v]) => (
        <div key={k} className="kv">
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The selected building's record, or the city at a glance when nothing is selected. */
export function InfoPanel({ store }: { store: TwinStore }) {
  const { t, i18n } = useTranslation();
  const selection = useTwin(store, (s) => s.selection);
  const city = useTwin(store, (s) => s.city);
  const zh = i18n.language.startsWith('zh');
  const fmt = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 1 });

  if (selection) {
    const district = city?.districts.find((d) => d.id === selection.district);
    const useKey = `use.${selection.use}`;
    const rows: [string, string][] = [
      [t('info.id'), selection.id],
      [t('info.height'), t('info.heightValue', { value: fmt.format(selection.height) })],
      [t('info.floors'), t('info.floorsValue', { value: selection.floors })],
      [t('info.use'), i18n.exists(useKey) ? t(useKey) : selection.use],
      [t('info.district'), district ? (zh ? district.name.zh : district.name.en) : selection.district || '—'],
      [t('info.grid'), selection.grid || '—'],
    ];
    return (
      <section className="panel info" aria-labelledby="info-title" data-testid="info-panel">
        <h2 id="info-title">{t('info.building')}</h2>
        <div className="building-name" data-testid="building-name">{selection.name || t('info.unnamed')}</div>
        <KeyValues rows={rows} />
        <button type="button" className="link" onClick={() => store.select(null)}>{t('info.clear')}</button>
      </section>
    );
  }

  const counts = city?.counts ?? {};
  const countRows: [string, number | undefined][] = [
    [t('info.buildingsCount'), counts.buildings],
    [t('info.poisCount'), counts.pois ?? city?.pois.length],
    [t('info.districtsCount'), counts.districts ?? city?.districts.length],
    [t('info.gridCount'), counts.gridCells ?? counts.grid ?? city?.grid.length],
  ];
  return (
    <section className="panel info" aria-labelledby="info-title" data-testid="info-panel">
      <h2 id="info-title">{t('info.city')}</h2>
      <dl className="stats">
        {countRows
          .filter((r): r is [string, number] => typeof r[1] === 'number')
          .map(([k, v]) => (
            <div key={k} className="kv">
              <dt>{k}</dt>
              <dd>{fmt.format(v)}</dd>
            </div>
          ))}
      </dl>
      <div className="muted">{t('info.hint')}</div>
    </section>
  );
}
