/**
 * The attrs an app starts with when it is created with a schema (docs/protocol.md §13.6 step 3):
 * the JSON of the client's `i.schema(...)` object planned against the built-in system
 * attrs. Names the system already owns are dropped or rejected, so the planned attrs
 * can be stored without further conflict checks.
 */
import * as z from "zod";
import { type Attr, blobAttr, CHECKED_DATA_TYPES, type CheckedDataType, type Identity } from "../model/attr";
import type { JsonValue } from "../model/triple";
import { EDITABLE_SYSTEM_ETYPES, isReservedName } from "../tx/reserved-names";
import { validationFailed } from "../tx/tx-errors";

const attrDefSchema = z.looseObject({
  valueType: z.string().nullish(),
  required: z.boolean().nullish(),
  config: z.looseObject({ indexed: z.boolean().nullish(), unique: z.boolean().nullish() }).nullish(),
});

const linkSideSchema = z.looseObject({
  on: z.string().min(1),
  label: z.string().min(1),
  has: z.enum(["one", "many"]),
  onDelete: z.literal("cascade").nullish(),
  required: z.boolean().nullish(),
});

const schemaSchema = z.looseObject({
  entities: z.record(z.string(), z.looseObject({ attrs: z.record(z.string(), attrDefSchema).nullish() })).nullish(),
  links: z.record(z.string(), z.looseObject({ forward: linkSideSchema, reverse: linkSideSchema })).nullish(),
});

type LinkSide = z.infer<typeof linkSideSchema>;

/** Built-in links as (forward etype, label, reverse etype, label): a schema may restate them. */
const SYSTEM_LINKS: ReadonlySet<string> = new Set(
  [
    ["$users", "linkedPrimaryUser", "$users", "linkedGuestUsers"],
    ["$userRefreshTokens", "$user", "$users", "$userRefreshTokens"],
    ["$oauthUserLinks", "$user", "$users", "$oauthUserLinks"],
    ["$oauthClients", "$oauthProvider", "$oauthProviders", "$oauthClients"],
    ["$oauthCodes", "$oauthClient", "$oauthClients", "$oauthCodes"],
    ["$oauthRedirects", "$oauthClient", "$oauthClients", "$oauthRedirects"],
    ["$streams", "$files", "$files", "$stream"],
  ].map((t) => t.join("\u0000")),
);

const isCheckedType = (t: string | null | undefined): t is CheckedDataType =>
  (CHECKED_DATA_TYPES as readonly string[]).includes(t ?? "");

export function attrsFromSchema(schema: unknown, newId: () => string): Attr[] {
  const parsed = schemaSchema.safeParse(schema);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = (issue?.path ?? []).filter((p): p is string | number => typeof p !== "symbol");
    throw validationFailed("schema", (schema ?? null) as JsonValue, [
      { in: ["schema", ...path], message: `Invalid schema at ${JSON.stringify(path)}: ${issue?.message ?? "malformed"}` },
    ]);
  }
  const ident = (etype: string, label: string): Identity => ({ id: newId(), etype, label });
  const blobs: Attr[] = [];
  for (const [etype, entity] of Object.entries(parsed.data.entities ?? {})) {
    // Attrs of other system namespaces are hidden system attrs: never user-created.
    if (etype.startsWith("$") && !EDITABLE_SYSTEM_ETYPES.has(etype)) continue;
    for (const [label, def] of Object.entries(entity.attrs ?? {})) {
      if (label === "id" || isReservedName(etype, label)) continue;
      blobs.push(
        blobAttr(newId(), ident(etype, label), {
          unique: def.config?.unique === true,
          indexed: def.config?.indexed === true,
          required: def.required === true,
          checkedDataType: isCheckedType(def.valueType) ? def.valueType : null,
        }),
      );
    }
  }
  const idAttrs = [...new Set(blobs.map((b) => b.forward.etype))]
    .filter((etype) => !EDITABLE_SYSTEM_ETYPES.has(etype))
    .map((etype) => blobAttr(newId(), ident(etype, "id"), { unique: true }));
  const links = Object.values(parsed.data.links ?? {})
    .filter(({ forward: f, reverse: r }) => !SYSTEM_LINKS.has([f.on, f.label, r.on, r.label].join("\u0000")))
    .map(({ forward, reverse }) => linkAttr(newId(), ident(forward.on, forward.label), ident(reverse.on, reverse.label), forward, reverse));
  const attrs = [...idAttrs, ...blobs, ...links];
  const problems = planProblems(attrs);
  if (problems.length > 0) throw validationFailed("schema", "plan", problems.map((message) => ({ in: ["schema"], message })));
  return attrs;
}

function linkAttr(id: string, forward: Identity, reverse: Identity, f: LinkSide, r: LinkSide): Attr {
  return {
    id,
    forward,
    reverse,
    valueType: "ref",
    cardinality: f.has,
    unique: r.has === "one",
    indexed: false,
    required: f.required === true,
    checkedDataType: null,
    onDelete: f.onDelete ?? null,
    onDeleteReverse: r.onDelete ?? null,
    catalog: "user",
  };
}

const nameText = (i: Identity) => `${i.etype}->${i.label}`;
const nameKey = (i: Identity) => `${i.etype}\u0000${i.label}`;

/** Instant's plan checks, plus duplicates inside the schema itself (Instant's idents constraint). */
function planProblems(attrs: readonly Attr[]): string[] {
  const problems: string[] = [];
  const taken = new Map<string, Attr>();
  for (const attr of attrs) {
    const names = attr.reverse ? [attr.forward, attr.reverse] : [attr.forward];
    const clash = names.find((n) => isReservedName(n.etype, n.label) || taken.has(nameKey(n)));
    if (clash) {
      const other = taken.get(nameKey(clash));
      const backwards =
        attr.reverse && other?.reverse && nameKey(other.reverse) === nameKey(attr.forward) && nameKey(other.forward) === nameKey(attr.reverse);
      problems.push(
        backwards
          ? `${nameText(attr.forward)}: Conflicting link found for attribute. A link with the same label names exists in the reverse direction; swap the \`forward\` and \`reverse\` parameters of this link.`
          : `${nameText(clash)}: Duplicate entry found for attribute. Check your schema for duplicate link definitions or a link named like an attribute.`,
      );
    }
    for (const n of names) taken.set(nameKey(n), attr);
    if (attr.valueType !== "ref") continue;
    if (attr.cardinality === "many" && attr.onDelete === "cascade") problems.push(cascadeMessage(attr.forward));
    if (!attr.unique && attr.onDeleteReverse === "cascade" && attr.reverse) problems.push(cascadeMessage(attr.reverse));
  }
  return problems;
}

const cascadeMessage = (i: Identity) => `${nameText(i)}: Cascade delete is only possible on links with \`has: 'one'\`.`;
