import { describe, expect, it } from 'vitest';
import { hashPassword, oneTimePassword, verifyPassword } from '../../../server/auth/passwords.ts';

describe('passwords', () => {
  it('hashes as scrypt$32768$8$1$salt$hash with a fresh salt each time', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    const parts = a.split('$');
    expect(parts.slice(0, 4)).toEqual(['scrypt', '32768', '8', '1']);
    expect(Buffer.from(parts[4], 'base64')).toHaveLength(16);
    expect(Buffer.from(parts[5], 'base64')).toHaveLength(64);
    expect(b).not.toBe(a);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('treats the same text in composed and decomposed Unicode as one password', async () => {
    const stored = await hashPassword('café-平顶山-2025');
    expect(await verifyPassword('cafe\u0301-平顶山-2025', stored)).toBe(true);
  });

  it('answers false, without throwing, for a malformed stored string', async () => {
    const good = await hashPassword('correct horse battery');
    const [, , , , salt, hash] = good.split('$');
    const malformed = [
      '',
      'plaintext',
      `bcrypt$32768$8$1$${salt}$${hash}`,
      `scrypt$32768$8$1$${salt}`,
      `scrypt$30000$8$1$${salt}$${hash}`, // N not a power of two
      `scrypt$${2 ** 30}$8$1$${salt}$${hash}`, // would need gigabytes
      `scrypt$32768$0$1$${salt}$${hash}`,
      `scrypt$32768$8$1$$${hash}`,
      `scrypt$32768$8$1$${salt}$not*base64`,
      `scrypt$32768$8$1$${salt}$AAAA`, // key too short to mean anything
    ];
    for (const stored of malformed) expect(await verifyPassword('correct horse battery', stored), stored).toBe(false);
  });

  it('makes one-time passwords of 16 characters without look-alikes, different each time', () => {
    const made = Array.from({ length: 200 }, oneTimePassword);
    for (const p of made) expect(p).toMatch(/^[A-HJ-NP-Za-km-z2-9]{16}$/);
    expect(new Set(made).size).toBe(made.length);
  });
});
