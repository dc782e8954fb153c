import { describe, expect, it } from 'vitest';
import { signInErrorText } from '../../../client/account/signInError.ts';
import { HttpError } from '../../../client/twin/http.ts';
import { translator } from './fixtures.ts';

const refused = (status: number, code: string, message: string) => new HttpError(`POST /api/session: ${message}`, status, code);

describe('what the login page says when a sign-in is refused', () => {
  const zh = translator('zh-CN');
  const english = translator('en');

  it('says the credentials are wrong without saying which', () => {
    expect(signInErrorText(zh, refused(401, 'bad_credentials', 'wrong username or password'), 'zh-CN')).toBe('用户名或密码错误');
    expect(signInErrorText(english, refused(401, 'bad_credentials', 'wrong username or password'), 'en')).toBe('Wrong username or password');
  });

  it('says until when an account is locked, in Beijing time', () => {
    const locked = refused(423, 'locked', 'account locked until 2025-03-01T00:15:00.000Z');
    expect(signInErrorText(zh, locked, 'zh-CN')).toBe('登录失败次数过多，账户已锁定，请于 2025/03/01 08:15:00 后再试');
    expect(signInErrorText(zh, refused(423, 'locked', 'account locked'), 'zh-CN')).toBe('登录失败次数过多，账户已暂时锁定，请稍后再试');
  });

  it('tells too many attempts and a disabled account apart, and passes anything else on', () => {
    expect(signInErrorText(zh, refused(429, 'rate_limited', 'slow down'), 'zh-CN')).toBe('尝试过于频繁，请稍后再试');
    expect(signInErrorText(english, refused(403, 'disabled', 'account disabled'), 'en')).toBe('This account is disabled; ask your administrator');
    expect(signInErrorText(english, new TypeError('Failed to fetch'), 'en')).toBe('Could not sign in: Failed to fetch');
  });
});
