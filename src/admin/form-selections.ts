/**
 * What the query engine selected for each form of one query, recorded through its
 * SelectionObserver: the flat triples of a result cannot say which entity belongs to
 * which form (a child of the same etype, a where path or another top-level key brings
 * in entities the form itself did not select), and the admin tree must show exactly the
 * engine's selection, as Instant's nested result nodes do.
 */
import type { FormAst, SelectionObserver } from "../query";

/** Forms are told apart by their path from the query root (keys are unique per level). */
const formKey = (form: FormAst): string => JSON.stringify(form.path);

export class FormSelections implements SelectionObserver {
  private readonly tops = new Map<string, { form: FormAst; ids: string[] }>();
  /** form key → parent id → child ids, in the order the engine reported them. */
  private readonly links = new Map<string, Map<string, string[]>>();

  top(form: FormAst, ids: readonly string[]): void {
    const seen = this.tops.get(formKey(form));
    if (seen) seen.ids.push(...ids);
    else this.tops.set(formKey(form), { form, ids: [...ids] });
  }

  child(form: FormAst, pairs: readonly (readonly [parent: string, child: string])[]): void {
    const key = formKey(form);
    let byParent = this.links.get(key);
    if (!byParent) this.links.set(key, (byParent = new Map()));
    for (const [parent, child] of pairs) {
      const list = byParent.get(parent);
      if (list) list.push(child);
      else byParent.set(parent, [child]);
    }
  }

  /** The top-level form named `key` and its selected ids; null when it selected nothing. */
  topForm(key: string): { form: FormAst; ids: readonly string[] } | null {
    return this.tops.get(JSON.stringify([key])) ?? null;
  }

  /** The children `form` matched under `parent`. */
  childrenOf(form: FormAst, parent: string): readonly string[] {
    return this.links.get(formKey(form))?.get(parent) ?? [];
  }
}
