/** The command center's pages, each loaded only when shown. */
import { lazy } from 'react';

export const ScreenPage = lazy(() => import('./screen/ScreenPage.tsx'));
export const DirectorPage = lazy(() => import('./director/DirectorPage.tsx'));
export const ConsolePage = lazy(() => import('./console/ConsolePage.tsx'));
export const ReviewPage = lazy(() => import('./review/ReviewPage.tsx'));

/** What every command page is given by the shell. */
export type { CommandPageProps } from './CommandPageProps.ts';
