/**
 * The sign-in flows, in Instant's order of checks. Each returns the steps that create
 * or change `$users` rows, to be committed by the caller as ONE admin transaction
 * (system attrs such as email and type are admin-only), and a refresh token that is not
 * yet stored. The caller then calls completeSignIn, which stores the token's hash and
 * reads the committed user back. Side tables (rate limits, magic codes) are written
 * during the flow itself, so a refused or failed attempt still counts.
 *
 * Call a flow and commit its steps without awaiting in between, so no other request of
 * the app can create the same email between the check and the commit.
 */
import type { JsonValue } from "../model/triple";
import { InstantError, recordNotFound, validationError } from "../protocol/errors";
import type { TxStep } from "../tx/steps";
import type { AuthEnv } from "./auth-env";
import { type ExtraFields, validateExtraFields } from "./extra-fields";
import { consumeMagicCode, DEFAULT_MAGIC_CODE_TTL_MS } from "./magic-codes";
import { consumeRateLimit, MAGIC_CODE_VERIFY_LIMIT } from "./rate-limit";
import { type IssuedRefreshToken, newRefreshToken, saveRefreshToken } from "./refresh-tokens";
import {
  createUserSteps,
  findUserByEmail,
  findUserByRefreshToken,
  linkGuestSteps,
  readUser,
  type UserObject,
  type UserStore,
  type UserWithToken,
  userAfterSteps,
} from "./users";

export const APP_USER_RECORD_TYPE = "app-user";

/** Instant's body for an unknown (or revoked, or deleted user's) refresh token. */
export const appUserNotFound = (): InstantError => recordNotFound(APP_USER_RECORD_TYPE);

export type SignIn = {
  /** The user as it will be once `steps` commit, with the new refresh token. */
  readonly user: UserWithToken;
  /** True when no user had this email (or id) before: a sign-up. */
  readonly created: boolean;
  /** Not stored yet: completeSignIn stores its hash after the steps commit. */
  readonly refreshToken: IssuedRefreshToken;
  /** May be empty (an existing user signing in). */
  readonly steps: TxStep[];
};

/** What the `$users` create rule sees as `data`: the new row's id, email and extra fields. */
export type SignupData = { readonly [field: string]: JsonValue };

/**
 * Evaluates the app's `$users` create rule for a sign-up and throws (permission-denied)
 * when it fails. Runtime endpoints pass one; admin endpoints skip the rule. Instant's
 * rule: with a create rule, evaluate it on the data; without one, refuse only sign-ups
 * that carry extra fields.
 */
export type SignupCheck = (data: SignupData) => void;

function signupData(id: string, email: string | null, extra: ExtraFields): SignupData {
  return { id, ...(email === null ? {} : { email }), ...extra };
}

function signIn(env: AuthEnv, userId: string, created: boolean, steps: TxStep[], now: number): SignIn {
  const user = userAfterSteps(env, userId, steps, now);
  if (!user) throw new Error("sign-in steps leave no $users row");
  const refreshToken = newRefreshToken(env.randomBytes, userId, now);
  return { user: { ...user, refresh_token: refreshToken.token }, created, refreshToken, steps };
}

/**
 * After the sign-in's steps committed: stores the refresh token's hash and returns the
 * reply `{user, created}` with the user as committed.
 */
export function completeSignIn(store: UserStore, done: SignIn): { user: UserWithToken; created: boolean } {
  const user = readUser(store, done.refreshToken.userId);
  if (!user) throw appUserNotFound();
  saveRefreshToken(store.sql, done.refreshToken);
  return { user: { ...user, refresh_token: done.refreshToken.token }, created: done.created };
}

// ---- magic codes ----

export type VerifyMagicCodeInput = {
  /** Normalized (email-address.ts). */
  readonly email: string;
  readonly code: string;
  /** The client's current refresh token, sent when it is signed in as a guest. */
  readonly refreshToken?: string | null;
  readonly extraFields?: unknown;
  readonly checkSignup?: SignupCheck | null;
  /** The app's magic-code expiry. */
  readonly codeTtlMs?: number;
};

/**
 * `verify_magic_code`. A token of a non-guest user is ignored; an unknown token is
 * `record-not-found` (app-user). Then the verify rate limit counts the attempt. When no
 * user has the email, it is a sign-up: extra fields are validated and the create rule
 * checked BEFORE the code is consumed (a refused sign-up keeps its code), and the new
 * row is the guest itself when a guest signs in (upgraded in place, same id). When the
 * email's user exists, extra fields are ignored and a guest is linked to that user.
 */
export function verifyMagicCode(env: AuthEnv, input: VerifyMagicCodeInput): SignIn {
  const now = env.now();
  const guest = input.refreshToken ? currentGuest(env, input.refreshToken) : null;
  consumeRateLimit(env.sql, MAGIC_CODE_VERIFY_LIMIT, input.email, now);
  const ttl = input.codeTtlMs ?? DEFAULT_MAGIC_CODE_TTL_MS;
  const existing = findUserByEmail(env, input.email);
  if (existing) {
    consumeMagicCode(env.sql, input.email, input.code, now, ttl);
    const steps = guest && guest.id !== existing.id ? linkGuestSteps(guest.id, existing.id) : [];
    return signIn(env, existing.id, false, steps, now);
  }
  const userId = guest?.id ?? env.newId();
  const extra = validateExtraFields(env.attrs, input.extraFields);
  input.checkSignup?.(signupData(userId, input.email, extra));
  consumeMagicCode(env.sql, input.email, input.code, now, ttl);
  return signIn(env, userId, true, createUserSteps(env.attrs, userId, { email: input.email, type: "user" }, extra), now);
}

function currentGuest(env: AuthEnv, refreshToken: string): UserObject | null {
  const user = findUserByRefreshToken(env, refreshToken);
  if (!user) throw appUserNotFound();
  return user.type === "guest" ? user : null;
}

// ---- guests ----

export type SignInGuestInput = {
  readonly extraFields?: unknown;
  readonly checkSignup?: SignupCheck | null;
};

/** `sign_in_guest`: a new `$users` row with type "guest", no email. */
export function signInGuest(env: AuthEnv, input: SignInGuestInput = {}): SignIn {
  const now = env.now();
  const id = env.newId();
  const extra = validateExtraFields(env.attrs, input.extraFields);
  input.checkSignup?.(signupData(id, null, extra));
  return signIn(env, id, true, createUserSteps(env.attrs, id, { type: "guest" }, extra), now);
}

// ---- admin tokens ----

export type CreateTokenInput = {
  /** Normalized; takes precedence over id, as in Instant. */
  readonly email?: string | null;
  readonly id?: string | null;
  readonly extraFields?: unknown;
};

/**
 * Admin `refresh_tokens` (`auth.createToken`): a new token for the user with this email
 * (or id), creating the user when there is none (with that id when one was given).
 * Extra fields are validated only for a new user; no create rule is checked. Like
 * Instant, a user made here gets no `type` field.
 */
export function createToken(env: AuthEnv, input: CreateTokenInput): SignIn {
  const now = env.now();
  const email = input.email ?? null;
  const id = input.id ?? null;
  if (email === null && id === null) {
    throw validationError("body", { email, id }, [{ message: "Please provide an `email` or `id`" }]);
  }
  const existing = email !== null ? findUserByEmail(env, email) : readUser(env, id!);
  if (existing) return signIn(env, existing.id, false, [], now);
  const userId = id ?? env.newId();
  const extra = validateExtraFields(env.attrs, input.extraFields);
  return signIn(env, userId, true, createUserSteps(env.attrs, userId, { email }, extra), now);
}

// ---- refresh tokens ----

/** `verify_refresh_token`: the token's user with `refresh_token` = the same token. */
export function verifyRefreshToken(store: UserStore, token: string): UserWithToken {
  const user = findUserByRefreshToken(store, token);
  if (!user) throw appUserNotFound();
  return { ...user, refresh_token: token };
}
