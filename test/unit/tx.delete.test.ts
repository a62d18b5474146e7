import { describe, expect, it } from "vitest";
import { addAttr, blob, E, instantError, link, setup } from "./tx.fixtures";

const userId = blob(1, "users", "id");
const userName = blob(2, "users", "name");
const postId = blob(3, "posts", "id");
const postTitle = blob(4, "posts", "title");
const commentId = blob(5, "comments", "id");
const noteId = blob(6, "notes", "id");
// Deleting a user deletes their posts; deleting a post deletes its comments.
const author = link(7, "posts", "author", "users", "posts", { cardinality: "one", onDelete: "cascade" });
const postComments = link(8, "comments", "post", "posts", "comments", { cardinality: "one", onDelete: "cascade" });
// Deleting a user deletes the notes they own (source → target).
const userNotes = link(9, "users", "notes", "notes", "owner", { cardinality: "many", unique: true, onDeleteReverse: "cascade" });
// A plain link: deleting either side only removes the link.
const likes = link(10, "users", "likes", "posts", "likedBy");
const schema = [userId, userName, postId, postTitle, commentId, noteId, author, postComments, userNotes, likes].map(addAttr);

const entity = (e: string, idAttr: string) => ["add-triple", e, idAttr, e];

function seeded() {
  const f = setup();
  f.run(schema);
  f.run([
    entity(E(1), userId.id),
    ["add-triple", E(1), userName.id, "Ada"],
    entity(E(2), userId.id),
    entity(E(10), postId.id),
    ["add-triple", E(10), postTitle.id, "Hello"],
    ["add-triple", E(10), author.id, E(1)],
    entity(E(11), postId.id),
    ["add-triple", E(11), author.id, E(2)],
    entity(E(20), commentId.id),
    ["add-triple", E(20), postComments.id, E(10)],
    entity(E(30), noteId.id),
    ["add-triple", E(1), userNotes.id, E(30)],
    ["add-triple", E(2), likes.id, E(10)],
    ["add-triple", E(1), likes.id, E(11)],
  ]);
  return f;
}

describe("delete-entity", () => {
  it("removes the entity's triples in that etype and links pointing at it", () => {
    const f = seeded();
    const res = f.run([["delete-entity", E(11), "posts"]]);
    expect(f.triples(E(11))).toEqual([]);
    expect(f.value(E(1), likes.id)).toEqual([]);
    expect(f.value(E(2), userId.id)).toEqual([E(2)]);
    expect([...res.changes.etypes].sort()).toEqual(["posts", "users"]);
  });

  it("leaves the entity's triples of other etypes", () => {
    const f = seeded();
    f.run([entity(E(1), noteId.id)]);
    f.run([["delete-entity", E(1), "notes"]]);
    expect(f.value(E(1), userName.id)).toEqual(["Ada"]);
    expect(f.value(E(1), noteId.id)).toEqual([]);
  });

  it("cascades on-delete recursively (user → posts → comments) and on-delete-reverse (user → notes)", () => {
    const f = seeded();
    f.run([["delete-entity", E(1), "users"]]);
    for (const gone of [E(1), E(10), E(20), E(30)]) expect(f.triples(gone)).toEqual([]);
    expect(f.value(E(2), likes.id)).toEqual([]); // the like pointed at a cascaded post
    expect(f.value(E(11), postId.id)).toEqual([E(11)]);
    expect(f.value(E(2), userId.id)).toEqual([E(2)]);
  });

  it("does not cascade the other way", () => {
    const f = seeded();
    f.run([["delete-entity", E(20), "comments"], ["delete-entity", E(30), "notes"]]);
    expect(f.value(E(10), postId.id)).toEqual([E(10)]);
    expect(f.value(E(1), userId.id)).toEqual([E(1)]);
    expect(f.value(E(1), userNotes.id)).toEqual([]);
  });

  it("without an etype deletes the entity in every etype it has", () => {
    const f = seeded();
    f.run([entity(E(2), noteId.id)]);
    f.run([["delete-entity", E(2)]]);
    expect(f.triples(E(2))).toEqual([]);
    expect(f.triples(E(11))).toEqual([]); // cascaded from the user
  });

  it("resolves lookups and is a no-op for a missing entity", () => {
    const f = seeded();
    const before = f.count();
    expect(f.run([["delete-entity", E(99), "users"]]).changes.etypes.size).toBe(0);
    expect(f.count()).toBe(before);
    f.run([["delete-entity", [userId.id, E(2)], "users"]]);
    expect(f.triples(E(2))).toEqual([]);
  });

  it("fails when a required link of a surviving source loses its target", () => {
    const f = setup({ isAdmin: true });
    const owner = link(11, "tasks", "owner", "users", "tasks", { cardinality: "one", required: true });
    f.run([...[userId, blob(12, "tasks", "id"), owner].map(addAttr)]);
    f.run([entity(E(1), userId.id), entity(E(5), blob(12, "tasks", "id").id), ["add-triple", E(5), owner.id, E(1)]]);
    const err = instantError(() => f.run([["delete-entity", E(1), "users"]]));
    expect(err.message).toBe(`Missing required attribute \`tasks/owner\`: ${E(5)}`);
    expect(f.value(E(1), userId.id)).toEqual([E(1)]);
  });

  it("of system entities is refused for non-admins, except $files", () => {
    const f = setup();
    const err = instantError(() => f.run([["delete-entity", E(1), "$users"]]));
    expect(err.message).toBe("Validation failed for tx-step: $users is a system entity. You aren't allowed to delete this directly.");
    f.run([["delete-entity", E(1), "$files"]]);
    f.run([["delete-entity", E(1), "$users"]], true);
  });
});

describe("$users rows", () => {
  const usersId = (f: ReturnType<typeof setup>) => f.attrs.forward("$users", "id")!.id;

  it("are created only by admins (the server's sign-in flows), as in Instant", () => {
    const f = setup();
    const err = instantError(() => f.run([["add-triple", E(1), usersId(f), E(1)]]));
    expect(err.message).toBe("Validation failed for tx-step: $users is a system entity. You aren't allowed to create this directly.");
    expect(f.value(E(1), usersId(f))).toEqual([]);
    f.run([["add-triple", E(1), usersId(f), E(1)]], true);
    expect(f.value(E(1), usersId(f))).toEqual([E(1)]);
  });

  it("can be updated by a client once they exist (it re-sends the id triple)", () => {
    const f = setup();
    const nickname = blob(31, "$users", "nickname");
    f.run([addAttr(nickname), ["add-triple", E(2), usersId(f), E(2)]], true);
    f.run([["add-triple", E(2), usersId(f), E(2)], ["add-triple", E(2), nickname.id, "ada"]]);
    expect(f.value(E(2), nickname.id)).toEqual(["ada"]);
  });
});
