import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { cityBookmarks } from '../twin/bookmarks.ts';
import type { TwinStore } from '../twin/TwinStore.ts';
import { useTwin } from './useTwin.ts';

/** Camera bookmarks of the city and the user's saved views (kept in localStorage). */
export function BookmarkPanel({ store }: { store: TwinStore }) {
  const { t, i18n } = useTranslation();
  const city = useTwin(store, (s) => s.city);
  const saved = useTwin(store, (s) => s.savedViews);
  const [name, setName] = useState('');
  const marks = useMemo(() => (city ? cityBookmarks(city) : []), [city]);
  const zh = i18n.language.startsWith('zh');

  return (
    <section className="panel" aria-labelledby="bookmarks-title">
      <h2 id="bookmarks-title">{t('bookmarks.title')}</h2>
      <div className="bookmarks">
        {marks.map((m) => (
          <button key={m.id} type="button" data-bookmark={m.id} onClick={() => store.command({ kind: 'flyTo', view: m.view })}>
            {zh ? m.name.zh : m.name.en}
          </button>
        ))}
      </div>
      <div className="label">{t('bookmarks.saved')}</div>
      {saved.length === 0 && <div className="muted">{t('bookmarks.none')}</div>}
      <ul className="list">
        {saved.map((v) => (
          <li key={v.id}>
            <button type="button" className="link" onClick={() => store.command({ kind: 'flyTo', view: v.view })}>{v.name}</button>
            <button type="button" className="link danger" onClick={() => store.deleteView(v.id)}>{t('bookmarks.delete')}</button>
          </li>
        ))}
      </ul>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          const camera = store.getState().camera;
          if (!camera) return;
          store.saveView(name || t('bookmarks.defaultName', { n: saved.length + 1 }), camera);
          setName('');
        }}
      >
        <input value={name} onChange={(e) => setName(e.target.value)} placeholder={t('bookmarks.namePlaceholder')} aria-label={t('bookmarks.namePlaceholder')} />
        <button type="submit">{t('bookmarks.saveCurrent')}</button>
      </form>
    </section>
  );
}
