/** The Worker's bindings and settings (wrangler.toml `[vars]`, secrets). */
import type { AppDO } from "./app-do";

export type Env = {
  readonly APP: DurableObjectNamespace<AppDO>;
  /** "false" turns off unauthenticated ephemeral app creation. */
  readonly ALLOW_EPHEMERAL_APPS?: string;
  /** Bearer secret for POST /dash/apps (durable apps). Unset disables the route. */
  readonly OPERATOR_SECRET?: string;
};
