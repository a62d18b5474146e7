/**
 * Text for the sample library: invented word pools and the composers that turn them
 * into titles, names, shelf names and descriptions. The pools mix case, accents (Latin-1
 * and Latin Extended-A, plus a few letters that decompose into combining marks), emoji,
 * apostrophes and the odd leading/trailing space, so ordering, collation and
 * `$like`/`$ilike` meet the strings real apps hold. Characters stay inside what the
 * server's sort key reproduces exactly (src/store/sort-key.ts), and the emoji are ones
 * whose collator order matches code point order, so order tests compare like for like.
 */
import type { Rng } from "./prng";

export const SHELF_NAMES = [
  "Poetry", "Essays", "Favorites", "favorites", "To read", " to read ", "Sci-Fi", "Café reading ☕",
  "Élégies", "Über-Books", "Zoë's picks", "Classics", "CLASSICS", "Mañana", "Nuit 🌙", "Ørbit", "Bedside",
] as const;

const FIRST_NAMES = [
  "Ana", "José", "Zoë", "Björn", "Chloé", "Łukasz", "Renée", "Øyvind", "Noël", "Mia", "élodie", "Åsa", "Ümit", "Joe",
  "alex", "Søren", "Ines", "Đorđe", "Zoe", "Ève",
] as const;
const LAST_NAMES = [
  "Álvarez", "Müller", "O'Brien", "Ødegaard", "Dvořák", "Nguyễn", "Smith", "de la Cruz", "van Dijk", "Łęcki",
  "Straße", "Ångström", "Kovač", "smith", "Çelik", "Ortiz",
] as const;

const LEADS = ["The", "A", "Les", "La", "El", "Die", "Une", "the", "Of", ""] as const;
const ADJECTIVES = [
  "Silent", "Crimson", "Éternel", "Forgotten", "Brave", "Última", "Golden", "naïve", "Hidden", "Señorial", "Wild",
  "Frozen", "Grüne", "Petite", "Lost", "Œcuménique", "Blue", "bright", "Dark", "Sœur",
] as const;
const NOUNS = [
  "Garden", "Orchard", "Café", "River", "Château", "Night", "Smörgåsbord", "Fjord", "Piñata", "Cœur", "Lighthouse",
  "Mountain", "Atlas", "Crónica", "Straße", "Ædifice", "Harbor", "harbor", "Éclair", "Żurek", "Koan", "Zebra",
] as const;
const TAILS = [" ☕", " 📚", " 🌙", " ✨", " 🔥", " 🌊", " 🍂", " 🎻", " 🚀", " ❤️", " 👍🏽", ", Vol. 2", " (Édition)", ": A Novel", "!"] as const;
const FILLER = [
  "a quiet story of", "une histoire de", "lost letters from", "the summer we spent in", "notes on", "crónica de",
  "an essay about", "variations on", "what remains of", "the long road to", "ein Buch über", "reflections on",
] as const;

export const SHELF_TAGS = ["fiction", "non-fiction", "poésie", "café", "🌙", "Classic", "to-read", "2024"] as const;
export const LANGUAGES = ["en", "fr", "es", "de", "pl", "da"] as const;

/** Occasional surrounding whitespace: collation counts it, `$like` must match it. */
function padded(r: Rng, s: string, p: number): string {
  if (!r.chance(p)) return s;
  return r.pick([` ${s}`, `${s} `, `  ${s}  `]);
}

/** Occasionally the whole string in one case, so case-only ties and `$ilike` both happen. */
function recased(r: Rng, s: string, p: number): string {
  if (!r.chance(p)) return s;
  return r.chance(0.5) ? s.toUpperCase() : s.toLowerCase();
}

export function bookTitle(r: Rng): string {
  const lead = r.pick(LEADS);
  const words: string[] = [lead, r.pick(ADJECTIVES), r.pick(NOUNS)].filter((w) => w !== "");
  if (r.chance(0.2)) words.push("of", r.pick(NOUNS));
  const tail = r.chance(0.25) ? r.pick(TAILS) : "";
  return padded(r, recased(r, words.join(" ") + tail, 0.05), 0.03);
}

export function fullName(r: Rng): string {
  return padded(r, recased(r, `${r.pick(FIRST_NAMES)} ${r.pick(LAST_NAMES)}`, 0.05), 0.04);
}

/** A handle after the known ones: a first name, sometimes re-cased, made unique by `n`. */
export function handle(r: Rng, n: number): string {
  const base = r.pick(FIRST_NAMES).replace(/ /g, "");
  return `${recased(r, base, 0.2)}${r.pick(["", ".", "_", "-"])}${n}`;
}

/** An ascii-only email local part derived from a handle (unique because the handle is). */
export function emailOf(handleValue: string, n: number): string {
  const ascii = handleValue.normalize("NFD").replace(/[^A-Za-z0-9._-]/g, "").toLowerCase() || "user";
  return `${ascii}.${n}@example.com`;
}

/** A few fragments joined into a paragraph; `sentences` bounds the length. */
export function paragraph(r: Rng, sentences: number): string {
  const out: string[] = [];
  for (let i = 0; i < sentences; i++) out.push(`${r.pick(FILLER)} ${r.pick(ADJECTIVES).toLowerCase()} ${r.pick(NOUNS)}${r.pick([".", ".", "!", "…"])}`);
  return padded(r, out.join(" "), 0.02);
}

export function shelfName(r: Rng): string {
  return r.pick(SHELF_NAMES);
}

/** Fixed-width lower-case hex from the stream (thumbnails, isbn-like codes). */
export function hex(r: Rng, width: number): string {
  let s = "";
  while (s.length < width) s += Math.floor(r.next() * 0x1_0000_0000).toString(16).padStart(8, "0");
  return s.slice(0, width);
}
