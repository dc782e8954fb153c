import { Fragment, useState } from 'react';
import type { ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import { DISTRICT_COLORS, HEIGHT_STOPS, POI_COLORS, USE_COLORS } from '../twin/palette.ts';
import { BUILDING_USES, POI_KINDS } from '../twin/types.ts';
import type { ColorBy } from '../twin/types.ts';
import type { BaseLayer, TwinStore } from '../twin/TwinStore.ts';
import { AddedTilesets } from './AddedTilesets.tsx';
import { useTwin } from './useTwin.ts';

/** A registered layer (client/layers) as the layer panel lists it. */
export interface LayerToggle {
  readonly id: string;
  /** The i18n key of its name. */
  readonly titleKey: string;
  /** Shown under its toggle while it is on. */
  readonly Legend?: ComponentType;
}

/**
 * Layers: what is shown — the city's own layers and, after the facilities, every registered layer
 * (`layers`, in order) with its legend while on — how buildings are coloured, and extra 3D Tiles
 * layers by URL.
 */
export function LayerPanel({ store, layers: registered }: { store: TwinStore; layers: readonly LayerToggle[] }) {
  const { t, i18n } = useTranslation();
  const layers = useTwin(store, (s) => s.layers);
  const colorBy = useTwin(store, (s) => s.colorBy);
  const tilesets = useTwin(store, (s) => s.tilesets);
  const city = useTwin(store, (s) => s.city);
  const [url, setUrl] = useState('');
  const [error, setError] = useState<string | null>(null);
  const zh = i18n.language.startsWith('zh');

  const toggle = (key: BaseLayer) => (
    <label className="check">
      <input type="checkbox" checked={layers[key]} onChange={(e) => store.setLayer(key, e.target.checked)} data-layer={key} />
      {t(`layers.${key}`)}
    </label>
  );

  const colorOptions: { value: ColorBy; label: string }[] = [
    { value: 'use', label: t('layers.byUse') },
    { value: 'height', label: t('layers.byHeight') },
    { value: 'district', label: t('layers.byDistrict') },
  ];

  return (
    <section className="panel" aria-labelledby="layers-title">
      <h2 id="layers-title">{t('layers.title')}</h2>
      {toggle('buildings')}
      <div className="sub">
        <div className="label">{t('layers.colorBy')}</div>
        <div className="segmented" role="radiogroup" aria-label={t('layers.colorBy')}>
          {colorOptions.map((o) => (
            <button
              key={o.value}
              type="button"
              role="radio"
              aria-checked={colorBy === o.value}
              className={colorBy === o.value ? 'on' : ''}
              onClick={() => store.setColorBy(o.value)}
            >
              {o.label}
            </button>
          ))}
        </div>
        <div className="legend" aria-label={t('layers.legend')}>
          {colorBy === 'use' &&
            BUILDING_USES.map((use) => (
              <span key={use} className="chip">
                <i style={{ background: USE_COLORS[use] }} />
                {t(`use.${use}`)}
              </span>
            ))}
          {colorBy === 'height' && (
            <span className="ramp">
              {t('layers.low')}
              {HEIGHT_STOPS.map((s) => (
                <i key={s.min} style={{ background: s.color }} title={`≥ ${s.min}`} />
              ))}
              {t('layers.high')}
            </span>
          )}
          {colorBy === 'district' &&
            city?.districts.map((d, i) => (
              <span key={d.id} className="chip">
                <i style={{ background: DISTRICT_COLORS[i % DISTRICT_COLORS.length] }} />
                {zh ? d.name.zh : d.name.en}
              </span>
            ))}
        </div>
      </div>
      {toggle('ground')}
      {toggle('pois')}
      {layers.pois && (
        <div className="sub poi-kinds">
          {POI_KINDS.map((kind) => (
            <label key={kind} className="check small">
              <input type="checkbox" checked={layers.poiKinds[kind]} onChange={(e) => store.setPoiKind(kind, e.target.checked)} data-poi-kind={kind} />
              <i className="dot" style={{ background: POI_COLORS[kind] }} />
              {t(`poi.${kind}`)}
            </label>
          ))}
        </div>
      )}
      {registered.map(({ id, titleKey, Legend }) => {
        const on = layers.overlays[id] ?? false;
        return (
          <Fragment key={id}>
            <label className="check">
              <input type="checkbox" checked={on} onChange={(e) => store.setLayer(id, e.target.checked)} data-layer={id} />
              {t(titleKey)}
            </label>
            {on && Legend && <Legend />}
          </Fragment>
        );
      })}
      {toggle('districts')}
      {toggle('grid')}
      <form
        className="add-tileset"
        onSubmit={(e) => {
          e.preventDefault();
          const problem = store.addTileset(url);
          setError(problem);
          if (!problem) setUrl('');
        }}
      >
        <div className="label">{t('layers.addTileset')}</div>
        <div className="row">
          <input value={url} onChange={(e) => setUrl(e.target.value)} placeholder={t('layers.tilesetPlaceholder')} aria-label={t('layers.addTileset')} />
          <button type="submit">{t('layers.add')}</button>
        </div>
        {error && <div className="error">{t(`layers.${error}`)}</div>}
      </form>
      <AddedTilesets store={store} tilesets={tilesets} city={city} />
    </section>
  );
}
