import { describe, expect, it } from "vitest";
import { issueRefreshToken, resolveRefreshToken, revokeUserRefreshTokens } from "../../src/auth/refresh-tokens";
import {
  createUserSteps,
  findUserByEmail,
  findUserByRefreshToken,
  findUserIdByEmail,
  formatCreatedAt,
  linkGuestSteps,
  planDeleteUser,
  readUser,
  toAuthUser,
  upgradeGuestSteps,
  USER_ATTR_IDS,
  userAfterSteps,
} from "../../src/auth/users";
import { parseTxSteps } from "../../src/tx";
import { APP_ID, authSetup, T0, uid } from "./auth.fixtures";

const ADA = uid(1, "e");
const GUEST = uid(2, "e");
const OTHER_GUEST = uid(3, "e");

describe("$users rows", () => {
  it("the user object: fields, app_id, created_at (id triple time, Instant's date format), isGuest", () => {
    const { env, commit, userAttr } = authSetup();
    userAttr(1, "nickname");
    commit(createUserSteps(env.attrs, ADA, { email: "ada@example.com", type: "user" }, { nickname: "ada" }));
    expect(readUser(env, ADA)).toEqual({
      id: ADA,
      app_id: APP_ID,
      email: "ada@example.com",
      type: "user",
      nickname: "ada",
      created_at: "2023-11-14T22:13:20Z",
      isGuest: false,
    });
    expect(formatCreatedAt(T0 + 999)).toBe("2023-11-14T22:13:20Z");
  });

  it("a guest has no email key and isGuest true", () => {
    const { env, commit } = authSetup();
    commit(createUserSteps(env.attrs, GUEST, { type: "guest" }));
    const user = readUser(env, GUEST)!;
    expect(user).toEqual({ id: GUEST, app_id: APP_ID, type: "guest", created_at: formatCreatedAt(T0), isGuest: true });
    expect("email" in user).toBe(false);
    expect(toAuthUser(user)).toEqual({ id: GUEST, email: null, type: "guest" });
  });

  it("a user without a type field reads as a non-guest (Instant's admin-created users)", () => {
    const { env, commit } = authSetup();
    commit(createUserSteps(env.attrs, ADA, { email: "ada@example.com" }));
    const user = readUser(env, ADA)!;
    expect(user.type).toBeUndefined();
    expect(user.isGuest).toBe(false);
    expect(toAuthUser(user)).toEqual({ id: ADA, email: "ada@example.com", type: "user" });
  });

  it("includes has-one links of $users as ids, leaves out has-many links and other etypes' attrs", () => {
    const { env, commit, attrs, userAttr } = authSetup();
    const base = userAttr(1, "nickname");
    attrs.put({ ...base, id: uid(2, "b"), forward: { id: uid(2, "c"), etype: "$users", label: "team" }, reverse: { id: uid(3, "c"), etype: "teams", label: "members" }, valueType: "ref", cardinality: "one" });
    attrs.put({ ...base, id: uid(4, "b"), forward: { id: uid(4, "c"), etype: "$users", label: "tags" }, reverse: { id: uid(5, "c"), etype: "tags", label: "users" }, valueType: "ref", cardinality: "many" });
    attrs.put({ ...base, id: uid(6, "b"), forward: { id: uid(6, "c"), etype: "teams", label: "id" }, unique: true, indexed: true });
    attrs.put({ ...base, id: uid(7, "b"), forward: { id: uid(7, "c"), etype: "tags", label: "id" }, unique: true, indexed: true });
    const team = uid(10, "e");
    const tag = uid(11, "e");
    commit([
      ...parseTxSteps([
        ["add-triple", team, uid(6, "b"), team],
        ["add-triple", tag, uid(7, "b"), tag],
      ]),
      ...createUserSteps(env.attrs, ADA, { email: "ada@example.com", type: "user" }),
      ...parseTxSteps([
        ["add-triple", ADA, uid(2, "b"), team],
        ["add-triple", ADA, uid(4, "b"), tag],
      ]),
    ]);
    const user = readUser(env, ADA)!;
    expect(user.team).toBe(team);
    expect("tags" in user).toBe(false);
  });

  it("finds users by email (normalized) and by refresh token; nothing for strangers", () => {
    const { env, commit, sql } = authSetup();
    commit(createUserSteps(env.attrs, ADA, { email: "ada@example.com", type: "user" }));
    expect(findUserIdByEmail(sql, "ada@example.com")).toBe(ADA);
    expect(findUserByEmail(env, "ada@example.com")?.id).toBe(ADA);
    expect(findUserByEmail(env, "bob@example.com")).toBeNull();
    expect(readUser(env, uid(99, "e"))).toBeNull();
    const token = issueRefreshToken(sql, env.randomBytes, ADA, T0);
    expect(findUserByRefreshToken(env, token)?.id).toBe(ADA);
    expect(findUserByRefreshToken(env, uid(5, "d"))).toBeNull();
  });

  it("builds steps exactly as parse.ts would from the equivalent wire steps", () => {
    const { env, userAttr } = authSetup();
    const nick = userAttr(1, "nickname");
    expect(createUserSteps(env.attrs, ADA, { email: "ada@example.com", type: "user", imageURL: "https://x/y.png" }, { nickname: "ada" })).toEqual(
      parseTxSteps([
        ["add-triple", ADA, USER_ATTR_IDS.id, ADA],
        ["add-triple", ADA, USER_ATTR_IDS.email, "ada@example.com"],
        ["add-triple", ADA, USER_ATTR_IDS.type, "user"],
        ["add-triple", ADA, USER_ATTR_IDS.imageURL, "https://x/y.png"],
        ["add-triple", ADA, nick.id, "ada"],
      ]),
    );
    expect(linkGuestSteps(GUEST, ADA)).toEqual(parseTxSteps([["add-triple", GUEST, USER_ATTR_IDS.linkedPrimaryUser, ADA]]));
    // A lookup-shaped value is marked as parse.ts marks it.
    expect(createUserSteps(env.attrs, ADA, {}, { nickname: [nick.id, "x"] })).toEqual(
      parseTxSteps([
        ["add-triple", ADA, USER_ATTR_IDS.id, ADA],
        ["add-triple", ADA, nick.id, [nick.id, "x"]],
      ]),
    );
  });

  it("upgrades a guest in place: same id, same created_at, now a user with an email", () => {
    const { env, commit, tick } = authSetup();
    commit(createUserSteps(env.attrs, GUEST, { type: "guest" }));
    tick(5000);
    const steps = upgradeGuestSteps(env.attrs, GUEST, "ada@example.com");
    const predicted = userAfterSteps(env, GUEST, steps, T0 + 5000);
    commit(steps);
    const user = readUser(env, GUEST);
    expect(user).toEqual({ id: GUEST, app_id: APP_ID, email: "ada@example.com", type: "user", created_at: formatCreatedAt(T0), isGuest: false });
    expect(predicted).toEqual(user);
  });

  it("userAfterSteps predicts new rows (created_at = commit time), links, and deletions", () => {
    const { env, commit, tick } = authSetup();
    tick(60_000);
    const create = createUserSteps(env.attrs, ADA, { email: "ada@example.com", type: "user" });
    expect(userAfterSteps(env, ADA, [], T0)).toBeNull();
    const predicted = userAfterSteps(env, ADA, create, T0 + 60_000);
    commit(create);
    expect(predicted).toEqual(readUser(env, ADA));
    commit(createUserSteps(env.attrs, GUEST, { type: "guest" }));
    const link = linkGuestSteps(GUEST, ADA);
    const linked = userAfterSteps(env, GUEST, link, T0);
    commit(link);
    expect(linked).toEqual(readUser(env, GUEST));
    expect(readUser(env, GUEST)?.linkedPrimaryUser).toBe(ADA);
    expect(userAfterSteps(env, ADA, planDeleteUser(env, ADA).steps, T0)).toBeNull();
  });

  it("deleting a user deletes its linked guests (cascade) and lists all of them for token revocation", () => {
    const { env, commit, sql } = authSetup();
    commit([
      ...createUserSteps(env.attrs, ADA, { email: "ada@example.com", type: "user" }),
      ...createUserSteps(env.attrs, GUEST, { type: "guest" }),
      ...createUserSteps(env.attrs, OTHER_GUEST, { type: "guest" }),
    ]);
    commit([...linkGuestSteps(GUEST, ADA), ...linkGuestSteps(OTHER_GUEST, ADA)]);
    const tokens = [ADA, GUEST, OTHER_GUEST].map((id) => issueRefreshToken(sql, env.randomBytes, id, T0));
    const plan = planDeleteUser(env, ADA);
    expect(plan.deleted?.email).toBe("ada@example.com");
    expect([...plan.userIds].sort()).toEqual([ADA, GUEST, OTHER_GUEST].sort());
    commit(plan.steps);
    // Before revocation, tokens of deleted users already resolve to nobody...
    expect(findUserByRefreshToken(env, tokens[0]!)).toBeNull();
    revokeUserRefreshTokens(sql, plan.userIds);
    // ...and after it they are gone from the table.
    for (const t of tokens) expect(resolveRefreshToken(sql, t)).toBeNull();
    expect([ADA, GUEST, OTHER_GUEST].map((id) => readUser(env, id))).toEqual([null, null, null]);
    expect(planDeleteUser(env, ADA)).toEqual({ deleted: null, steps: [], userIds: [] });
  });
});
