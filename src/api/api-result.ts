/**
 * What an API handler returns to the object's shell: the 200 body, and the frames live
 * sessions must get because of it (refreshes after a commit). Errors are thrown as
 * InstantError and become Instant's error body with their status.
 */
import type { EmailSender } from "../auth/email";
import type { PitrStorage } from "../apps/restore";
import type { RandomBytes } from "../auth/random";
import type { Delivery } from "../core/app-context";
import type { JsonValue } from "../model/triple";

export type ApiResult = {
  readonly body: JsonValue | { readonly [key: string]: unknown };
  readonly deliveries?: readonly Delivery[];
  /** Restart the object once the reply is out (a restore takes effect on the next start). */
  readonly restart?: boolean;
};

/** The I/O the API needs, injected by the shell (fakes in tests). */
export type ApiServices = {
  readonly email: EmailSender;
  readonly randomBytes: RandomBytes;
  /** Point-in-time recovery; absent where the host has none (tests without it). */
  readonly pitr?: PitrStorage;
};
