/**
 * The layer panel's list of tilesets added by URL: each one's state (loading, failed, how many
 * tiles failed and why), a show toggle, and where it stands — longitude, latitude, height, heading
 * and scale, applied as they are typed — with a flight to it. A model at the Earth's centre (local
 * coordinates) is said to be one, with a button that puts it at the city centre.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import './addedTilesets.css';
import { placedBounds, placementOf, placementProblem, tilesetAnchor, viewOfBounds } from '../twin/tilesetPlacement.ts';
import type { TilesetPlacement } from '../twin/tilesetPlacement.ts';
import type { TwinStore } from '../twin/TwinStore.ts';
import type { CityInfo, ExtraTileset } from '../twin/types.ts';

const FIELDS = [
  { key: 'lon', label: 'layers.placementLon', step: 0.0001 },
  { key: 'lat', label: 'layers.placementLat', step: 0.0001 },
  { key: 'height', label: 'layers.placementHeight', step: 1 },
  { key: 'headingDeg', label: 'layers.placementHeading', step: 5 },
  { key: 'scale', label: 'layers.placementScale', step: 0.1 },
] as const;

type Draft = Record<(typeof FIELDS)[number]['key'], string>;

const draftOf = (p: TilesetPlacement | null): Draft =>
  p
    ? { lon: String(Number(p.lon.toFixed(6))), lat: String(Number(p.lat.toFixed(6))), height: String(Number(p.height.toFixed(2))), headingDeg: String(p.headingDeg), scale: String(p.scale) }
    : { lon: '', lat: '', height: '0', headingDeg: '0', scale: '1' };

/** The placement the fields start from: the one given, else where the file puts the model; null at the Earth's centre. */
function shownPlacement(t: ExtraTileset): TilesetPlacement | null {
  if (t.placement) return t.placement;
  const anchor = t.bounds ? tilesetAnchor(t.bounds) : null;
  return anchor ? placementOf(anchor) : null;
}

/** The failure counts as one line each, e.g. “12 个瓦片加载失败（404）”. */
function FailureLines({ failures }: { failures: Readonly<Record<string, number>> }) {
  const { t } = useTranslation();
  const reasonText = (reason: string) => (reason === 'network' ? t('layers.failureNetwork') : reason === 'content' ? t('layers.failureContent') : reason);
  return (
    <>
      {Object.entries(failures).map(([reason, count]) => (
        <div key={reason} className="error" role="alert" data-tile-failures={reason}>
          {t('layers.tileFailures', { count, reason: reasonText(reason) })}
        </div>
      ))}
    </>
  );
}

function PlacementFields({ store, tileset }: { store: TwinStore; tileset: ExtraTileset }) {
  const { t } = useTranslation();
  const shown = shownPlacement(tileset);
  const [draft, setDraft] = useState<Draft>(() => draftOf(shown));
  // A placement set elsewhere (the city-centre button, a view reading the bounds) refills the fields.
  const shownKey = shown ? `${shown.lon},${shown.lat},${shown.height},${shown.headingDeg},${shown.scale}` : '';
  useEffect(() => {
    setDraft((d) => {
      const parsed = FIELDS.map((f) => Number(d[f.key]));
      const same = shown !== null && FIELDS.every((f, i) => parsed[i] === shown[f.key]);
      return same ? d : draftOf(shown);
    });
    // shownKey stands for shown, a new object on every render.
  }, [shownKey]);

  const change = (key: keyof Draft, value: string) => {
    const next = { ...draft, [key]: value };
    setDraft(next);
    const values = FIELDS.map((f) => (next[f.key].trim() === '' ? NaN : Number(next[f.key])));
    const placement: TilesetPlacement = { lon: values[0], lat: values[1], height: values[2], headingDeg: values[3], scale: values[4] };
    // Applied as typed, once every field makes sense; a half-typed number waits.
    if (placementProblem(placement) === null) store.updateTileset(tileset.id, { placement });
  };

  return (
    <fieldset className="placement" aria-label={t('layers.placement')}>
      {FIELDS.map((f) => (
        <label key={f.key}>
          <span className="muted">{t(f.label)}</span>
          <input type="number" step={f.step} value={draft[f.key]} onChange={(e) => change(f.key, e.target.value)} data-placement={f.key} />
        </label>
      ))}
    </fieldset>
  );
}

/** The added tilesets of the layer panel. */
export function AddedTilesets({ store, tilesets, city }: { store: TwinStore; tilesets: readonly ExtraTileset[]; city: CityInfo | null }) {
  const { t } = useTranslation();
  if (tilesets.length === 0) return null;
  const flyTo = (ts: ExtraTileset, placement = ts.placement) => {
    if (ts.bounds) store.command({ kind: 'flyTo', view: viewOfBounds(placedBounds(ts.bounds, placement)) });
  };
  return (
    <ul className="list added-tilesets">
      {tilesets.map((ts) => {
        const atCentre = ts.bounds !== undefined && tilesetAnchor(ts.bounds) === null;
        return (
          <li key={ts.id} data-tileset-id={ts.id} data-tileset-status={ts.status ?? 'loading'}>
            <label className="check small">
              <input type="checkbox" checked={ts.visible} onChange={(e) => store.updateTileset(ts.id, { visible: e.target.checked })} aria-label={t('layers.showTileset')} />
            </label>
            <span className="url" title={ts.url}>{ts.url}</span>
            {!ts.status && <span className="muted">{t('layers.tilesetLoading')}</span>}
            {ts.bounds && (
              <button type="button" className="link" onClick={() => flyTo(ts)}>
                {t('layers.flyToTileset')}
              </button>
            )}
            <button type="button" className="link" onClick={() => store.removeTileset(ts.id)}>{t('layers.remove')}</button>
            {ts.status === 'failed' && <div className="error" role="alert">{t('layers.tilesetFailed', { message: ts.error ?? '' })}</div>}
            {ts.failures && <FailureLines failures={ts.failures} />}
            {ts.placementError && (
              <div className="error" role="alert">
                {t('layers.placementInvalid', { value: ts.placementError.value, why: t(`layers.placementWhy.${ts.placementError.field}`) })}
              </div>
            )}
            {atCentre && !ts.placement && (
              <div className="notice-inline" data-testid="tileset-at-earth-centre">
                {t('layers.atEarthCentre')}
                {city && (
                  <button
                    type="button"
                    className="link"
                    onClick={() => {
                      const placement = placementOf(city.origin);
                      store.updateTileset(ts.id, { placement });
                      flyTo(ts, placement);
                    }}
                  >
                    {t('layers.placeAtCity')}
                  </button>
                )}
              </div>
            )}
            {ts.status === 'ready' && ts.bounds && <PlacementFields store={store} tileset={ts} />}
            {ts.placement && !atCentre && (
              <button type="button" className="link" onClick={() => store.updateTileset(ts.id, { placement: undefined })}>
                {t('layers.placementReset')}
              </button>
            )}
          </li>
        );
      })}
    </ul>
  );
}
