/**
 * Email addresses as the auth flows key them: lower-cased and trimmed (docs/protocol.md §12),
 * then checked against the dot-atom shape Instant accepts. Anything else is rejected
 * by the HTTP layer as `param-malformed`.
 */

/** Longest address accepted (RFC 5321's path limit); also bounds rate-limit keys. */
export const MAX_EMAIL_LENGTH = 254;

const ATOM = "[a-z0-9!#$%&'*+/=?^_`{|}~-]+";
const LABEL = "[a-z0-9](?:[a-z0-9-]*[a-z0-9])?";
/** local part: dot-separated atoms; domain: two or more dot-separated labels. */
const EMAIL_RE = new RegExp(`^${ATOM}(?:\\.${ATOM})*@(?:${LABEL}\\.)+${LABEL}$`);

/** The normalized address, or null when `raw` is not an acceptable email. */
export function coerceEmail(raw: unknown): string | null {
  if (typeof raw !== "string") return null;
  const email = raw.toLowerCase().trim();
  if (email.length === 0 || email.length > MAX_EMAIL_LENGTH) return null;
  return EMAIL_RE.test(email) ? email : null;
}
