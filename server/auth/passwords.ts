import { randomBytes, randomInt, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt's cost: N = 2^15, r = 8, p = 1 (OWASP's minimum for scrypt), about 32 MiB and ~50–100 ms a hash. */
const COST = { N: 2 ** 15, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const KEY_BYTES = 64;
/** Bounds on a stored hash's parameters, so a damaged row cannot make verify allocate gigabytes. */
const MAX_LOG2_N = 20;
const MAX_R = 32;
const MAX_P = 16;

/** One-time passwords avoid look-alikes (0/O, 1/l/I) so they can be read off a screen and typed. */
const OTP_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
const OTP_LENGTH = 16;

/**
 * Hashes a password with scrypt and a fresh 16-byte salt, as a self-describing string
 * `scrypt$N$r$p$<salt b64>$<hash b64>` so the cost can be raised later without breaking old hashes.
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, KEY_BYTES, COST);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** True when `password` matches `stored` (from hashPassword); false for a wrong password or a malformed stored string. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseStored(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.key.length, parsed.cost);
  return timingSafeEqual(key, parsed.key);
}

/** A crypto-random 16-character password from an alphabet without look-alikes (~93 bits). */
export function oneTimePassword(): string {
  let text = '';
  for (let i = 0; i < OTP_LENGTH; i++) text += OTP_ALPHABET[randomInt(OTP_ALPHABET.length)];
  return text;
}

interface Cost {
  N: number;
  r: number;
  p: number;
}

function derive(password: string, salt: Buffer, length: number, cost: Cost): Promise<Buffer> {
  // Node refuses above 32 MiB by default, exactly what N = 2^15, r = 8 needs: allow OpenSSL's
  // whole working set (128·r·(N + p + 2) bytes) and a margin.
  const options: ScryptOptions = { ...cost, maxmem: 128 * cost.r * (cost.N + cost.p + 2) + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    // NFC: the same password typed on keyboards that compose accents or CJK differently hashes alike.
    scrypt(password.normalize('NFC'), salt, length, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

function parseStored(stored: string): { cost: Cost; salt: Buffer; key: Buffer } | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = parts.slice(1, 4).map((s) => (/^\d{1,7}$/.test(s) ? Number(s) : NaN));
  const isPowerOfTwo = Number.isInteger(Math.log2(N)) && N >= 2 && N <= 2 ** MAX_LOG2_N;
  if (!isPowerOfTwo || !(r >= 1 && r <= MAX_R) || !(p >= 1 && p <= MAX_P)) return null;
  const base64 = /^[A-Za-z0-9+/]+={0,2}$/;
  if (!base64.test(parts[4]) || !base64.test(parts[5])) return null;
  const salt = Buffer.from(parts[4], 'base64');
  const key = Buffer.from(parts[5], 'base64');
  if (salt.length === 0 || key.length < 16) return null;
  return { cost: { N, r, p }, salt, key };
}
