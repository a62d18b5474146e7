/** The Worker's bindings and settings (wrangler.toml `[vars]`, secrets). */
import type { AppDO } from "./app-do";
import type { EmailEnv } from "./auth/email";

/** EmailEnv: how magic codes are delivered (docs/operations.md, "Email"). */
export type Env = EmailEnv & {
  readonly APP: DurableObjectNamespace<AppDO>;
  /** "false" turns off unauthenticated ephemeral app creation. */
  readonly ALLOW_EPHEMERAL_APPS?: string;
  /** Bearer secret for POST /dash/apps (durable apps). Unset disables the route. */
  readonly OPERATOR_SECRET?: string;
};
