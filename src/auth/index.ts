/**
 * App-user auth (docs/protocol.md §12, §13.2): `$users` rows, refresh tokens, magic codes,
 * rate limits and email delivery, as a pure core the HTTP layer calls. Writes to
 * `$users` come back as tx steps for the commit pipeline; see sign-in.ts for the
 * call-commit-complete sequence.
 */
export type { AuthEnv } from "./auth-env";
export { coerceEmail, MAX_EMAIL_LENGTH } from "./email-address";
export { devEmailSender, EmailConfigError, type EmailEnv, type EmailMessage, type EmailSender, emailSenderFromEnv } from "./email";
export { EmailSendError, resendEmailSender, type ResendConfig } from "./email-resend";
export { DEFAULT_MAGIC_CODE_TEMPLATE, type MagicCodeTemplate, renderMagicCodeEmail } from "./email-template";
export { type ExtraFields, validateExtraFields } from "./extra-fields";
export {
  consumeMagicCode,
  createMagicCode,
  DEFAULT_MAGIC_CODE_EXPIRY_MINUTES,
  DEFAULT_MAGIC_CODE_TTL_MS,
  MAX_MAGIC_CODE_ATTEMPTS,
} from "./magic-codes";
export { cryptoRandomBytes, type RandomBytes } from "./random";
export { MAGIC_CODE_SEND_LIMIT, MAGIC_CODE_VERIFY_LIMIT } from "./rate-limit";
export { resolveRefreshToken, revokeRefreshToken, revokeUserRefreshTokens } from "./refresh-tokens";
export { sendMagicCode } from "./send-magic-code";
export {
  appUserNotFound,
  completeSignIn,
  createToken,
  type SignIn,
  type SignupCheck,
  signInGuest,
  verifyMagicCode,
  verifyRefreshToken,
} from "./sign-in";
export { signOut, type SignOutTarget } from "./sign-out";
export {
  findUserByEmail,
  findUserByRefreshToken,
  planDeleteUser,
  readUser,
  toAuthUser,
  type UserObject,
  type UserStore,
  type UserWithToken,
} from "./users";
