/**
 * String comparison whose running time does not depend on where the inputs first
 * differ, for checking secrets (token hashes). Only the length may leak, and callers
 * compare fixed-length hex digests.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const length = Math.max(a.length, b.length);
  // A length mismatch is folded into the accumulator instead of returning early.
  let diff = a.length ^ b.length;
  for (let i = 0; i < length; i++) {
    // charCodeAt past the end is NaN, which `| 0` turns into 0: still one XOR per position.
    diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  }
  return diff === 0;
}
