/**
 * The read side of permissions (docs/protocol.md §9.3): a finished query result cut down
 * to what a non-admin auth context may see, as Instant's permissioned query does.
 *
 * - Every entity in the result (the `e` of a triple, typed by its attr's forward etype)
 *   is checked once against its etype's view rule (rules.ts `ruleFor`, so `$users` keeps
 *   Instant's built-in rule and other system namespaces deny when the app has no rule).
 *   Rules read the whole entity (every cardinality-one attr), not only the fields the
 *   query returned. A denied entity loses all its triples, and every link triple whose
 *   value is that entity goes too.
 * - Field rules (`E.fields.F`) drop the triples of the fields they deny; the entity stays.
 * - Page info of paginated forms: start and end cursors move to the first and last
 *   entity of the page that stays visible (null when none does); hasNextPage and
 *   hasPreviousPage are left as computed over the unfiltered rows. As on Instant, a page
 *   may therefore hold fewer entities than its limit (short pages).
 * - `ruleParams` are the query's `$$ruleParams` when it has them, else the auth context's.
 *
 * Whatever deciding visibility read (the entities' attrs, the attrs along `ref` paths,
 * the signed-in user's row) is recorded as read, so a write that could flip a rule's
 * outcome invalidates the result (docs/architecture.md §5).
 */
import type { Attr } from "../model/attr";
import type { AuthContext } from "../model/auth-context";
import type { Triple } from "../model/triple";
import type { Cursor, PageInfo, QueryEnv, QueryResult, VisibilityFilter, VisibilityInput } from "../query";
import type { AttrRegistry } from "../store/attr-registry";
import { type EntityData, permissionRun, type PermissionRunOptions, type RefResolver } from "./permission-run";
import { type CompiledRules, hasFieldRules, ruleFor } from "./rules";
import { loadEntities, loadEntity, sqlRefResolver } from "./sql-ref";

/** The default visibility of an app: its rules document (read on each query), `now` for `request.time`. */
export function rulesVisibility(rulesOf: () => CompiledRules, now: () => number): VisibilityFilter {
  return (env, ast, result, extra) => {
    if (env.auth.isAdmin) return result;
    const auth: AuthContext = ast.ruleParams ? { ...env.auth, ruleParams: ast.ruleParams } : env.auth;
    return filterResult(env, rulesOf(), auth, now(), result, extra);
  };
}

type Reads = VisibilityInput["reads"];

export function filterResult(
  env: QueryEnv,
  rules: CompiledRules,
  auth: AuthContext,
  now: number,
  result: QueryResult,
  extra: VisibilityInput,
  hooks: Pick<PermissionRunOptions, "onCheck" | "showCelErrors"> = {},
): QueryResult {
  const attrOf = (t: Triple): Attr | undefined => env.attrs.get(t[1]);
  const store = { sql: env.sql, attrs: env.attrs };
  const reads = extra.reads;
  const run = permissionRun(rules, {
    ...hooks,
    auth,
    resolver: recordingResolver(env.attrs, sqlRefResolver(store), reads),
    loadUser: (id) => {
      reads.onEntities(cardinalityOne(env.attrs, "$users"), [id]);
      return loadEntity(store, "$users", id);
    },
    now,
  });

  // The entities of the result, by etype, with the labels the result holds for each.
  const byEtype = new Map<string, Map<string, Set<string>>>();
  for (const t of result.triples) {
    const attr = attrOf(t);
    if (attr === undefined) continue;
    let ids = byEtype.get(attr.forward.etype);
    if (ids === undefined) byEtype.set(attr.forward.etype, (ids = new Map()));
    let labels = ids.get(t[0]);
    if (labels === undefined) ids.set(t[0], (labels = new Set()));
    labels.add(attr.forward.label);
  }

  /** `${etype}\0${id}` of hidden entities; `${etype}\0${id}\0${label}` of hidden fields. */
  const hidden = new Set<string>();
  for (const [etype, ids] of byEtype) {
    const view = ruleFor(rules, etype, "view");
    const fields = hasFieldRules(rules, etype);
    if (view === "allow" && !fields) continue;
    if (view === "deny") {
      for (const id of ids.keys()) hidden.add(`${etype}\0${id}`);
      continue;
    }
    const list = [...ids.keys()];
    reads.onEntities(cardinalityOne(env.attrs, etype), list);
    const data = loadEntities(store, etype, list);
    for (const [id, labels] of ids) {
      const entity: EntityData = data.get(id) ?? { id };
      if (!run.canView(etype, entity)) {
        hidden.add(`${etype}\0${id}`);
        continue;
      }
      if (!fields) continue;
      const allowed = run.visibleFields(etype, entity, labels);
      for (const l of labels) if (!allowed.has(l)) hidden.add(`${etype}\0${id}\0${l}`);
    }
  }
  if (hidden.size === 0) return result;

  const triples = result.triples.filter((t) => {
    const attr = attrOf(t);
    if (attr === undefined) return true;
    const { etype, label } = attr.forward;
    if (hidden.has(`${etype}\0${t[0]}`) || hidden.has(`${etype}\0${t[0]}\0${label}`)) return false;
    // A link to a hidden entity would still name it.
    if (attr.valueType === "ref" && attr.reverse && typeof t[2] === "string" && hidden.has(`${attr.reverse.etype}\0${t[2]}`)) return false;
    return true;
  });
  return { ...result, triples, pageInfo: pageInfoOver(env.attrs, result.pageInfo, extra.pages, hidden) };
}

/** Start and end cursors over the visible part of each page (Instant keeps the has-page flags). */
function pageInfoOver(
  attrs: AttrRegistry,
  pageInfo: Record<string, PageInfo>,
  pages: Readonly<Record<string, readonly Cursor[]>>,
  hidden: ReadonlySet<string>,
): Record<string, PageInfo> {
  const out: Record<string, PageInfo> = { ...pageInfo };
  for (const [etype, cursors] of Object.entries(pages)) {
    const info = pageInfo[etype];
    if (info === undefined) continue;
    const visible = cursors.filter((c) => {
      if (hidden.has(`${etype}\0${c[0]}`)) return false;
      // The cursor names the order field's triple: a hidden field hides the cursor too.
      const label = attrs.get(c[1])?.forward.label;
      return label === undefined || !hidden.has(`${etype}\0${c[0]}\0${label}`);
    });
    out[etype] = { ...info, startCursor: visible[0] ?? null, endCursor: visible[visible.length - 1] ?? null };
  }
  return out;
}

const cardinalityOne = (attrs: AttrRegistry, etype: string): string[] =>
  attrs.ofEtype(etype).filter((a) => a.cardinality === "one").map((a) => a.id);

/**
 * A `ref` resolver that records what it reads: the start entity's id triple, the first
 * forward step on the start entity, and every other step's attr on any entity (a reverse
 * step reads through values, and later frontiers are data-dependent). Coarse but sound.
 */
function recordingResolver(attrs: AttrRegistry, resolve: RefResolver, reads: Reads): RefResolver {
  return (etype, id, path) => {
    const idAttr = attrs.idAttr(etype);
    if (idAttr !== undefined) reads.onEntities([idAttr.id], [id]);
    let at: string | undefined = etype;
    for (const [i, label] of path.entries()) {
      if (at === undefined) break;
      const fwd = attrs.forward(at, label);
      const attr: Attr | undefined = fwd ?? attrs.reverse(at, label);
      if (attr === undefined) break;
      if (fwd && i === 0) reads.onEntities([attr.id], [id]);
      else reads.anyEntity([attr.id]);
      at = attr.valueType !== "ref" ? undefined : fwd ? attr.reverse?.etype : attr.forward.etype;
    }
    return resolve(etype, id, path);
  };
}
