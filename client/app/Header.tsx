import { useTranslation } from 'react-i18next';
import { departmentName, nameLanguage, roleName } from '../account/accessLabels.ts';
import { mayAdminister } from '../account/pageFor.ts';
import { useSession } from '../account/useSession.ts';
import { useTwin } from '../panels/useTwin.ts';
import { sessionCan, type SessionStore } from '../twin/session.ts';
import type { TwinStore } from '../twin/TwinStore.ts';
import { LANGUAGES } from './i18n.ts';
import { navigate } from './router.ts';

/**
 * The top bar: product and city name, synthetic-data note, the views and pages this session may
 * open, clock (the joined run's, else the scene's), who is signed in (or a sign-in link), language.
 */
export function Header({ store, session, path }: { store: TwinStore; session: SessionStore; path: string }) {
  const { t, i18n } = useTranslation();
  const city = useTwin(store, (s) => s.city);
  const time = useTwin(store, (s) => s.time);
  const timeSource = useTwin(store, (s) => s.timeSource);
  const info = useSession(session, (s) => s.info);
  const lang = nameLanguage(i18n.language);
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
    ...(sessionCan(info, 'view')
      ? [
          { path: '/', label: t('nav.globe') },
          { path: '/three', label: t('nav.three') },
        ]
      : []),
    ...(mayAdminister(info) ? [{ path: '/admin', label: t('account.admin') }] : []),
    ...(sessionCan(info, 'audit.read') ? [{ path: '/audit', label: t('account.audit') }] : []),
  ];
  return (
    <header className="header">
      <div className="brand">
        <span className="logo" aria-hidden="true">◆</span>
        <span className="product">{t('app.title')}</span>
        {city && <span className="city" data-testid="city-name">{city.name[lang]}</span>}
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
        <SignedIn session={session} path={path} />
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

/** Who is signed in (name, role, department) with a sign-out button, or a sign-in link for a visitor (not on the login page). */
function SignedIn({ session, path }: { session: SessionStore; path: string }) {
  const { t, i18n } = useTranslation();
  const info = useSession(session, (s) => s.info);
  const lang = nameLanguage(i18n.language);
  if (!info) return null;
  const { kind, username, role, department } = info.principal;
  if (kind === 'anonymous') {
    if (path === '/login') return null;
    return (
      <a
        className="sign-in"
        href="/login"
        data-testid="sign-in"
        onClick={(e) => {
          e.preventDefault();
          navigate('/login', { params: { next: path } });
        }}
      >
        {t('account.signIn')}
      </a>
    );
  }
  const who = [role && roleName(role, lang), department && departmentName(department, lang), kind === 'device' ? t('account.device') : null].filter(Boolean).join(' · ');
  return (
    <span className="who" data-testid="signed-in">
      <span className="user-name">{username}</span>
      <span className="muted">{who}</span>
      <button type="button" className="link" onClick={() => void session.signOut()} data-testid="sign-out">
        {t('account.signOut')}
      </button>
    </span>
  );
}
