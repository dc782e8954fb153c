/** What the login page says when the server refuses a sign-in, by the server's error code. */
import type { TFunction } from 'i18next';
import { HttpError } from '../twin/http.ts';
import { formatShanghai } from './formatTime.ts';

/** The first ISO date-time in `text` (the `locked` message says until when), or null. */
function isoIn(text: string): string | null {
  return /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})/.exec(text)?.[0] ?? null;
}

/** A sentence for a refused sign-in: bad credentials, locked until …, disabled, too many attempts, or the server's message. */
export function signInErrorText(t: TFunction, error: Error, language: string): string {
  const code = error instanceof HttpError ? error.code : null;
  switch (code) {
    case 'bad_credentials':
      return t('login.badCredentials');
    case 'locked': {
      const until = isoIn(error.message);
      return until ? t('login.lockedUntil', { time: formatShanghai(until, language) }) : t('login.locked');
    }
    case 'disabled':
      return t('login.disabled');
    case 'rate_limited':
      return t('login.rateLimited');
    default:
      return t('login.failed', { message: error.message });
  }
}
