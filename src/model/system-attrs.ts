/**
 * The built-in "system catalog" attrs every app has ($users, $files). The client finds
 * them by (etype, label), never by id, so fixed ids shared by all apps are enough; they
 * must only be stable.
 */
import { type Attr, blobAttr } from "./attr";

type SystemBlob = { id: string; identId: string; etype: string; label: string; unique?: boolean; indexed?: boolean; type?: Attr["checkedDataType"]; required?: boolean };

function blob(d: SystemBlob): Attr {
  return blobAttr(
    d.id,
    { id: d.identId, etype: d.etype, label: d.label },
    { unique: d.unique ?? false, indexed: d.indexed ?? false, required: d.required ?? false, checkedDataType: d.type ?? null, catalog: "system" },
  );
}

export const SYSTEM_ATTRS: readonly Attr[] = [
  blob({ id: "00000000-0000-4000-8000-000000000001", identId: "00000000-0000-4000-8000-000000000101", etype: "$users", label: "id", unique: true, indexed: true }),
  blob({ id: "00000000-0000-4000-8000-000000000002", identId: "00000000-0000-4000-8000-000000000102", etype: "$users", label: "email", unique: true, indexed: true, type: "string" }),
  blob({ id: "00000000-0000-4000-8000-000000000003", identId: "00000000-0000-4000-8000-000000000103", etype: "$users", label: "type", type: "string" }),
  blob({ id: "00000000-0000-4000-8000-000000000004", identId: "00000000-0000-4000-8000-000000000104", etype: "$users", label: "imageURL", type: "string" }),
  {
    id: "00000000-0000-4000-8000-000000000005",
    forward: { id: "00000000-0000-4000-8000-000000000105", etype: "$users", label: "linkedPrimaryUser" },
    reverse: { id: "00000000-0000-4000-8000-000000000205", etype: "$users", label: "linkedGuestUsers" },
    valueType: "ref",
    cardinality: "one",
    unique: false,
    indexed: false,
    required: false,
    checkedDataType: null,
    onDelete: "cascade",
    onDeleteReverse: null,
    catalog: "system",
  },
  blob({ id: "00000000-0000-4000-8000-000000000011", identId: "00000000-0000-4000-8000-000000000111", etype: "$files", label: "id", unique: true, indexed: true }),
  blob({ id: "00000000-0000-4000-8000-000000000012", identId: "00000000-0000-4000-8000-000000000112", etype: "$files", label: "path", unique: true, indexed: true, type: "string", required: true }),
  blob({ id: "00000000-0000-4000-8000-000000000013", identId: "00000000-0000-4000-8000-000000000113", etype: "$files", label: "size", type: "number", required: true }),
  blob({ id: "00000000-0000-4000-8000-000000000014", identId: "00000000-0000-4000-8000-000000000114", etype: "$files", label: "content-type", type: "string" }),
  blob({ id: "00000000-0000-4000-8000-000000000015", identId: "00000000-0000-4000-8000-000000000115", etype: "$files", label: "content-disposition", type: "string" }),
  blob({ id: "00000000-0000-4000-8000-000000000016", identId: "00000000-0000-4000-8000-000000000116", etype: "$files", label: "location-id", unique: true, type: "string" }),
  blob({ id: "00000000-0000-4000-8000-000000000017", identId: "00000000-0000-4000-8000-000000000117", etype: "$files", label: "key-version", type: "number" }),
  blob({ id: "00000000-0000-4000-8000-000000000018", identId: "00000000-0000-4000-8000-000000000118", etype: "$files", label: "url", type: "string" }),
];
