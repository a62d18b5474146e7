/**
 * What the auth flows run against: the app's database and attrs, plus injected time and
 * randomness so every flow is deterministic under test. Nothing here touches the
 * Workers runtime.
 */
import type { RandomBytes } from "./random";
import type { UserStore } from "./users";

export type AuthEnv = UserStore & {
  /** Epoch milliseconds. */
  readonly now: () => number;
  /** Secrets: refresh tokens and magic codes. */
  readonly randomBytes: RandomBytes;
  /** The id of a `$users` row about to be created, chosen before its steps commit. */
  readonly newId: () => string;
};
