/**
 * The app's attrs: persisted in the `attrs`/`idents` tables, indexed in memory by id and
 * by name. Attrs are few (tens to hundreds), so loading them all on wake is cheap; the
 * triples are never loaded.
 */
import { type Attr, isIdAttr } from "../model/attr";
import { SYSTEM_ATTRS } from "../model/system-attrs";
import type { Sql } from "./sql";

export class AttrRegistry {
  private byId = new Map<string, Attr>();
  /** `${etype}\u0000${label}` → attr, over forward names only. */
  private byForward = new Map<string, Attr>();
  /** `${etype}\u0000${label}` → attr, over reverse names only. */
  private byReverse = new Map<string, Attr>();
  private idAttrs = new Map<string, Attr>();
  private byEtype = new Map<string, Attr[]>();

  constructor(private readonly sql: Sql) {
    this.reload();
  }

  /** Re-reads the attrs from SQLite (after a rolled-back transaction, for instance). */
  reload(): void {
    const rows = this.sql.all<{ json: string }>(`SELECT json FROM attrs`);
    this.index([...SYSTEM_ATTRS, ...rows.map((r) => JSON.parse(r.json) as Attr)]);
  }

  private index(attrs: Attr[]): void {
    this.byId.clear();
    this.byForward.clear();
    this.byReverse.clear();
    this.idAttrs.clear();
    this.byEtype.clear();
    for (const attr of attrs) {
      this.byId.set(attr.id, attr);
      this.byForward.set(key(attr.forward.etype, attr.forward.label), attr);
      if (attr.reverse) this.byReverse.set(key(attr.reverse.etype, attr.reverse.label), attr);
      if (isIdAttr(attr)) this.idAttrs.set(attr.forward.etype, attr);
      const list = this.byEtype.get(attr.forward.etype);
      if (list) list.push(attr);
      else this.byEtype.set(attr.forward.etype, [attr]);
    }
  }

  all(): Attr[] {
    return [...this.byId.values()];
  }

  get(id: string): Attr | undefined {
    return this.byId.get(id);
  }

  /** The attr named `etype.label` on its forward side. */
  forward(etype: string, label: string): Attr | undefined {
    return this.byForward.get(key(etype, label));
  }

  /** The ref attr whose reverse name is `etype.label`. */
  reverse(etype: string, label: string): Attr | undefined {
    return this.byReverse.get(key(etype, label));
  }

  /** The `id` attr of an etype: its existence marker. Undefined until the etype has one. */
  idAttr(etype: string): Attr | undefined {
    return this.idAttrs.get(etype);
  }

  /** Every attr whose forward etype is `etype`. */
  ofEtype(etype: string): readonly Attr[] {
    return this.byEtype.get(etype) ?? [];
  }

  /** Ref attrs whose reverse etype is `etype` (links pointing at entities of etype). */
  refsInto(etype: string): Attr[] {
    return [...this.byReverse.values()].filter((a) => a.reverse?.etype === etype);
  }

  /** Writes a new or changed attr (and its names) to SQLite and the in-memory index. */
  put(attr: Attr): void {
    this.sql.run(`INSERT OR REPLACE INTO attrs (id, json) VALUES (?, ?)`, attr.id, JSON.stringify(attr));
    this.sql.run(`DELETE FROM idents WHERE attr_id = ?`, attr.id);
    this.sql.run(
      `INSERT INTO idents (etype, label, ident_id, attr_id) VALUES (?, ?, ?, ?)`,
      attr.forward.etype,
      attr.forward.label,
      attr.forward.id,
      attr.id,
    );
    if (attr.reverse) {
      this.sql.run(
        `INSERT INTO idents (etype, label, ident_id, attr_id) VALUES (?, ?, ?, ?)`,
        attr.reverse.etype,
        attr.reverse.label,
        attr.reverse.id,
        attr.id,
      );
    }
    const others = this.all().filter((a) => a.id !== attr.id);
    this.index([...others, attr]);
  }

  /** Removes an attr and its names (its triples are the caller's to delete). */
  remove(id: string): void {
    this.sql.run(`DELETE FROM attrs WHERE id = ?`, id);
    this.sql.run(`DELETE FROM idents WHERE attr_id = ?`, id);
    this.index(this.all().filter((a) => a.id !== id));
  }

  /** Which attr, if any, already uses the name `etype.label` (forward or reverse). */
  nameOwner(etype: string, label: string): Attr | undefined {
    return this.byForward.get(key(etype, label)) ?? this.byReverse.get(key(etype, label));
  }
}

const key = (etype: string, label: string) => `${etype}\u0000${label}`;
