/**
 * Starts, for the e2e run, a fake email provider (fake-email.ts) and then one wrangler
 * dev server with fresh state in a temp directory, configured to deliver magic codes
 * through that provider; hands both URLs to the tests (inject("gatewayUrl"),
 * inject("emailOutboxUrl")).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { startDevServer } from "./dev-server";
import { FAKE_EMAIL_FROM, FAKE_RESEND_API_KEY, startFakeEmailProvider } from "./fake-email";

declare module "vitest" {
  export interface ProvidedContext {
    gatewayUrl: string;
    /** The fake email provider: `GET ${emailOutboxUrl}/messages?to=<email>`. */
    emailOutboxUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const email = await startFakeEmailProvider(FAKE_RESEND_API_KEY);
  const dir = mkdtempSync(join(tmpdir(), "gateway-e2e-"));
  let server: Awaited<ReturnType<typeof startDevServer>>;
  try {
    server = await startDevServer(dir, undefined, {
      EMAIL_PROVIDER: "resend",
      RESEND_API_KEY: FAKE_RESEND_API_KEY,
      EMAIL_FROM: FAKE_EMAIL_FROM,
      EMAIL_API_URL: email.url,
    });
  } catch (err) {
    await email.stop();
    throw err;
  }
  project.provide("gatewayUrl", server.url);
  project.provide("emailOutboxUrl", email.url);
  return async () => {
    await server.stop();
    await email.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
