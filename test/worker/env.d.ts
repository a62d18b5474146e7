// Bindings the workers-pool tests see (merged into the pool's Cloudflare.Env).
declare namespace Cloudflare {
  interface Env {
    APP: DurableObjectNamespace<import("../../src/app-do").AppDO>;
    ALLOW_EPHEMERAL_APPS?: string;
    OPERATOR_SECRET?: string;
  }
}
