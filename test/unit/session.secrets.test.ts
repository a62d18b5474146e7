/**
 * Secrets sent in `init` (a refresh token, an admin token) are never echoed back, not
 * even to their sender: an init refused for its token answers the error the client signs
 * out on, with an `original-event` that carries no secret.
 */
import { describe, expect, it } from "vitest";
import { testApp, TEST_ADMIN_TOKEN, TEST_APP_ID } from "../helpers/app-context";

describe("init secrets", () => {
  it("an unknown refresh token gets app-user not found without the token in the reply", () => {
    const app = testApp();
    const s = app.open();
    const token = "4a1b2c3d-0000-4000-8000-00000000beef";
    const [reply] = app.init(s, { "refresh-token": token }).get(s)!;
    expect(reply).toMatchObject({ op: "error", type: "record-not-found", hint: { "record-type": "app-user" }, "original-event": { op: "init" } });
    expect(JSON.stringify(reply)).not.toContain(token);
  });

  it("a wrong admin token is refused without echoing it; a right one is not echoed either", () => {
    const app = testApp();
    const s = app.open();
    const wrong = "4a1b2c3d-0000-4000-8000-00000000dead";
    const [refused] = app.init(s, { "__admin-token": wrong }).get(s)!;
    expect(refused).toMatchObject({ op: "error", hint: { "record-type": "app-admin-token" } });
    expect(JSON.stringify(refused)).not.toContain(wrong);
    const s2 = app.open();
    const [ok] = app.init(s2, { "__admin-token": TEST_ADMIN_TOKEN }).get(s2)!;
    expect(ok).toMatchObject({ op: "init-ok", auth: { app: { id: TEST_APP_ID }, "admin?": true } });
    expect(JSON.stringify(ok)).not.toContain(TEST_ADMIN_TOKEN);
  });
});
