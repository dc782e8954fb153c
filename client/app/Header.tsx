import { useTranslation } from 'react-i18next';
import { useTwin } from '../panels/useTwin.ts';
import type { TwinStore } from '../twin/TwinStore.ts';
import { LANGUAGES } from './i18n.ts';
import { navigate } from './router.ts';

/** The top bar: product and city name, synthetic-data note, clock (the joined run's, else the scene's), view switch, language. */
export function Header({ store, path }: { store: TwinStore; path: string }) {
  const { t, i18n } = useTranslation();
  const city = useTwin(store, (s) => s.city);
  const time = useTwin(store, (s) => s.time);
  const timeSource = useTwin(store, (s) => s.timeSource);
  const zh = i18n.language.startsWith('zh');
  const clock = new Intl.DateTimeFormat(i18n.language, {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(time);
  const timeLabel = timeSource === 'run' ? 'app.runTime' : 'app.time';
  const views = [
    { path: '/', label: t('nav.globe') },
    { path: '/three', label: t('nav.three') },
  ];
  return (
    <header className="header">
      <div className="brand">
        <span className="logo" aria-hidden="true">◆</span>
        <span className="product">{t('app.title')}</span>
        {city && <span className="city" data-testid="city-name">{zh ? city.name.zh : city.name.en}</span>}
        {city?.synthetic && (
          <span className="badge" title={t('app.syntheticHint')} data-testid="synthetic-badge">
            {t('app.synthetic')}
          </span>
        )}
        <span className="subtitle">{t('app.subtitle')}</span>
      </div>
      <nav className="views" aria-label={t('nav.label')}>
        {views.map((v) => (
          <a
            key={v.path}
            href={v.path}
            className={path === v.path ? 'on' : ''}
            aria-current={path === v.path ? 'page' : undefined}
            onClick={(e) => {
              e.preventDefault();
              navigate(v.path);
            }}
          >
            {v.label}
          </a>
        ))}
      </nav>
      <div className="right">
        <span className="clock" title={t(timeLabel)} data-testid="clock" data-source={timeSource}>
          {t(timeLabel)} {clock}
        </span>
        <div className="lang" role="group" aria-label={t('app.language')}>
          {LANGUAGES.map((lng) => (
            <button
              key={lng}
              type="button"
              lang={lng}
              data-lang={lng}
              className={i18n.language === lng ? 'on' : ''}
              aria-pressed={i18n.language === lng}
              onClick={() => void i18n.changeLanguage(lng)}
            >
              {lng === 'zh-CN' ? '中文' : 'EN'}
            </button>
          ))}
        </div>
      </div>
    </header>
  );
}
