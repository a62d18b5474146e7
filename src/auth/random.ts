/**
 * The auth flows' only source of randomness: an injected `randomBytes(n)`, so tests are
 * deterministic. Secrets built from it: uuid-shaped refresh tokens and numeric codes.
 */

export type RandomBytes = (n: number) => Uint8Array;

/** Cryptographically secure bytes (Web Crypto, available in Node and workerd). */
export const cryptoRandomBytes: RandomBytes = (n) => crypto.getRandomValues(new Uint8Array(n));

/** A random RFC 4122 version-4 uuid, lower case (122 random bits). */
export function randomUuid(randomBytes: RandomBytes): string {
  const b = randomBytes(16);
  if (b.length !== 16) throw new Error("randomBytes returned the wrong number of bytes");
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const UINT32_RANGE = 2 ** 32;

/**
 * `n` uniformly random decimal digits (n ≤ 9). A 32-bit draw is used only when it falls
 * below the largest multiple of 10^n, so every value is equally likely (no modulo bias).
 */
export function randomDigits(randomBytes: RandomBytes, n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 9) throw new Error(`randomDigits supports 1..9 digits, got ${n}`);
  const range = 10 ** n;
  const limit = UINT32_RANGE - (UINT32_RANGE % range);
  for (;;) {
    const b = randomBytes(4);
    const x = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
    if (x < limit) return String(x % range).padStart(n, "0");
  }
}
