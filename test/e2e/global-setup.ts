/**
 * Starts one wrangler dev server for the e2e run, with fresh state in a temp directory,
 * and hands its URL to the tests (inject("gatewayUrl")).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { startDevServer } from "./dev-server";

declare module "vitest" {
  export interface ProvidedContext {
    gatewayUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), "gateway-e2e-"));
  const server = await startDevServer(dir);
  project.provide("gatewayUrl", server.url);
  return async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
