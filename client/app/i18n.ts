/** i18next set up for the app: Chinese first, English second; the choice persists in localStorage. */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { commandEn, commandZh } from '../command/strings.ts';
import { en, zhCN } from './locales.ts';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

const LANGUAGE_KEY = 'yingcheng-twin.language';

function initialLanguage(): Language {
  const fromUrl = new URLSearchParams(window.location.search).get('lang');
  const stored = fromUrl ?? window.localStorage.getItem(LANGUAGE_KEY);
  return LANGUAGES.find((l) => l === stored) ?? 'zh-CN';
}

/** Initialises i18next once and returns it. */
export function initI18n(): typeof i18next {
  if (i18next.isInitialized) return i18next;
  void i18next.use(initReactI18next).init({
    resources: { 'zh-CN': { translation: { ...zhCN, ...commandZh } }, en: { translation: { ...en, ...commandEn } } },
    lng: initialLanguage(),
    fallbackLng: 'zh-CN',
    interpolation: { escapeValue: false },
    initAsync: false,
  });
  const apply = (lng: string) => {
    document.documentElement.lang = lng;
    document.title = i18next.t('app.title');
  };
  apply(i18next.language);
  i18next.on('languageChanged', (lng) => {
    apply(lng);
    window.localStorage.setItem(LANGUAGE_KEY, lng);
  });
  return i18next;
}
