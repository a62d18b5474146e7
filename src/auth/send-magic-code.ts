/**
 * `send_magic_code`: rate limit per email, make a code, email it. The code is returned
 * for the admin endpoint (which answers `{code}`); the runtime endpoint answers
 * `{sent: true}` and must drop it. The admin `magic_code` endpoint (no email) calls
 * createMagicCode directly and, as in Instant, is not rate limited.
 */
import type { AuthEnv } from "./auth-env";
import type { EmailSender } from "./email";
import { type MagicCodeTemplate, renderMagicCodeEmail } from "./email-template";
import { createMagicCode, DEFAULT_MAGIC_CODE_TTL_MS } from "./magic-codes";
import { consumeRateLimit, MAGIC_CODE_SEND_LIMIT } from "./rate-limit";

export type SendMagicCodeInput = {
  /** Normalized (email-address.ts). */
  readonly email: string;
  readonly appTitle: string;
  readonly sender: EmailSender;
  /** The app's template; null for the default. */
  readonly template?: MagicCodeTemplate | null;
  readonly codeTtlMs?: number;
};

/**
 * Rejects with `rate-limited` (429) past the send limit, and with the sender's error
 * when delivery fails (the code then stays valid, as in Instant).
 */
export async function sendMagicCode(
  env: Pick<AuthEnv, "sql" | "now" | "randomBytes">,
  input: SendMagicCodeInput,
): Promise<{ code: string }> {
  const now = env.now();
  const ttl = input.codeTtlMs ?? DEFAULT_MAGIC_CODE_TTL_MS;
  consumeRateLimit(env.sql, MAGIC_CODE_SEND_LIMIT, input.email, now);
  const code = createMagicCode(env.sql, env.randomBytes, input.email, now, ttl);
  const message = renderMagicCodeEmail(input.template ?? null, {
    code,
    appTitle: input.appTitle,
    email: input.email,
    expiryMinutes: Math.floor(ttl / 60_000),
  });
  await input.sender.send(message);
  return { code };
}
