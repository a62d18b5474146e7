/**
 * The sample library's schema: users → bookshelves → books, as an app would declare it
 * (typed, indexed and unique where an app would ask for it), with every value kind the
 * engine stores and every link shape it resolves: many-to-many both ways, a has-one self
 * link and a unique many self link. Attr ids come from a fixed seed, so every generated
 * data set, whatever its own seed, shares one set of attrs.
 */
import { type Attr, blobAttr, type CheckedDataType } from "../../src/model/attr";
import { Rng } from "./prng";

/** Seeds the attr and ident ids only; the data's seed never changes them. */
const SCHEMA_SEED = 0x5eed_11b;

export const LIBRARY_ETYPES = ["users", "bookshelves", "books"] as const;
export type LibraryEtype = (typeof LIBRARY_ETYPES)[number];

/** What a blob attr holds; `json` and `text` attrs are untyped, as apps leave them. */
export const VALUE_KINDS = ["string", "text", "number", "boolean", "date", "json"] as const;
export type ValueKind = (typeof VALUE_KINDS)[number];

type BlobDef = { etype: LibraryEtype; label: string; kind: ValueKind; indexed?: boolean; unique?: boolean };
type LinkDef = { etype: LibraryEtype; label: string; revEtype: LibraryEtype; revLabel: string; has: "one" | "many"; unique?: boolean };

export const BLOB_DEFS: readonly BlobDef[] = [
  { etype: "users", label: "handle", kind: "string", indexed: true, unique: true },
  { etype: "users", label: "email", kind: "string", indexed: true, unique: true },
  { etype: "users", label: "fullName", kind: "text" },
  { etype: "users", label: "createdAt", kind: "date", indexed: true },
  { etype: "users", label: "karma", kind: "number", indexed: true },
  { etype: "users", label: "verified", kind: "boolean", indexed: true },
  { etype: "users", label: "settings", kind: "json" },
  { etype: "bookshelves", label: "name", kind: "string", indexed: true },
  { etype: "bookshelves", label: "desc", kind: "text" },
  { etype: "bookshelves", label: "order", kind: "number", indexed: true },
  { etype: "bookshelves", label: "isPublic", kind: "boolean" },
  { etype: "bookshelves", label: "tags", kind: "json" },
  { etype: "books", label: "title", kind: "string", indexed: true },
  { etype: "books", label: "pageCount", kind: "number", indexed: true },
  { etype: "books", label: "rating", kind: "number", indexed: true },
  { etype: "books", label: "thumbnail", kind: "text" },
  { etype: "books", label: "isbn13", kind: "string" },
  { etype: "books", label: "description", kind: "text" },
  { etype: "books", label: "publishedAt", kind: "date", indexed: true },
  { etype: "books", label: "inPrint", kind: "boolean", indexed: true },
  { etype: "books", label: "meta", kind: "json" },
];

export const LINK_DEFS: readonly LinkDef[] = [
  { etype: "users", label: "bookshelves", revEtype: "bookshelves", revLabel: "users", has: "many" },
  { etype: "bookshelves", label: "books", revEtype: "books", revLabel: "bookshelves", has: "many" },
  // Has-one self link: a book has at most one prequel, a prequel any number of sequels.
  { etype: "books", label: "prequel", revEtype: "books", revLabel: "sequels", has: "one" },
  // Unique many self link: a book points to several next books, each has one previous.
  { etype: "books", label: "next", revEtype: "books", revLabel: "previous", has: "many", unique: true },
];

/** Untyped kinds stay unchecked, like attrs created on the fly by a schemaless app. */
const checkedType = (kind: ValueKind): CheckedDataType | null =>
  kind === "text" || kind === "json" ? null : kind;

/** Every attr of the library: one id attr per etype, then the blobs, then the links. */
export function libraryAttrs(): Attr[] {
  const r = new Rng(SCHEMA_SEED);
  const ident = (etype: string, label: string) => ({ id: r.uuid(), etype, label });
  const attrs: Attr[] = LIBRARY_ETYPES.map((etype) =>
    blobAttr(r.uuid(), ident(etype, "id"), { unique: true, indexed: true }),
  );
  for (const d of BLOB_DEFS) {
    attrs.push(blobAttr(r.uuid(), ident(d.etype, d.label), {
      unique: d.unique ?? false,
      indexed: d.indexed ?? false,
      checkedDataType: checkedType(d.kind),
    }));
  }
  for (const d of LINK_DEFS) {
    attrs.push({
      ...blobAttr(r.uuid(), ident(d.etype, d.label)),
      reverse: ident(d.revEtype, d.revLabel),
      valueType: "ref",
      cardinality: d.has,
      unique: d.unique ?? false,
    });
  }
  return attrs;
}

/** Attr ids by `etype.label`, for writing triples without lookups by hand. */
export function attrIdsByName(attrs: readonly Attr[]): Map<string, string> {
  return new Map(attrs.map((a) => [`${a.forward.etype}.${a.forward.label}`, a.id]));
}
