import { memoBounded, normalizeLabel, tokenize, unresolvedParentId, usableSection as coreUsableSection, type Anchor } from '@taxonomy/core';
import type { Config } from '@taxonomy/config';
import { inferParent, type Level } from '@taxonomy/lexicon';
import { FuzzyIndex, ratcliffObershelp } from './similarity.ts';

const sectionCache = new Map<string, string | null>();

/**
 * Core's `usableSection`, memoized per section string (bounded): a page's records share their section, and
 * extraction and aggregation both ask for every record.
 */
export function usableSection(section: string | null): string | null {
  if (section === null) return null;
  return memoBounded(sectionCache, section, 10_000, coreUsableSection);
}

/** A verified concept of the level above, as parent anchoring needs it. */
export interface ParentConcept {
  id: string;
  label: string;
  aliases: ReadonlyArray<string>;
  institutions: ReadonlyArray<string>;
}

export interface AnchorMatch {
  concept: ParentConcept;
  how: 'exact' | 'fuzzy';
  key: string;
  score: number;
}

export interface AnchorDecision {
  parent: string | null;
  anchor: Anchor;
}

/** Unit words every level may put before a name ("department of", "center for"), normalized, longest first. */
function unitPrefixes(config: Config['s1']): string[] {
  const out = new Set<string>(['the']);
  for (const list of Object.values(config.level_prefixes)) {
    for (const p of list) {
      const n = normalizeLabel(p);
      if (n.length > 0) out.add(n);
    }
  }
  return [...out].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
}

/**
 * The lookup keys of an anchor or a concept name: its normalized form, without a trailing
 * parenthetical, and without a leading (or inverted trailing) unit word of any level, so "Dept. of
 * Computer Science" and "Computer Science, Department of" both find "computer science".
 */
export function anchorKeys(text: string, prefixes: ReadonlyArray<string>): string[] {
  const keys: string[] = [];
  const add = (k: string) => {
    if (k.length > 0 && !keys.includes(k)) keys.push(k);
  };
  const base = normalizeLabel(text);
  add(base);
  const noParen = normalizeLabel(text.replace(/\s*\([^()]*\)\s*$/u, ''));
  add(noParen);
  for (const form of [base, noParen]) {
    for (const p of prefixes) {
      if (form.startsWith(`${p} `)) add(form.slice(p.length + 1));
      if (p !== 'the' && form.endsWith(` ${p}`)) add(form.slice(0, -(p.length + 1)));
    }
  }
  return keys;
}

/**
 * Same institution, tolerating case and a typo ("DUKE UNIVERISTY" vs S2's "duke university"): equal
 * normalized names, or the same number of words and a similarity ≥ 0.9 (distinct campuses of one system
 * score ≤ 0.85 on the sample).
 */
export function sameInstitution(a: string | null, list: ReadonlyArray<string>): boolean {
  if (a === null) return false;
  const key = normalizeLabel(a);
  const words = tokenize(key).length;
  return list.some((i) => {
    const other = normalizeLabel(i);
    return other === key || (tokenize(other).length === words && ratcliffObershelp(key, other) >= 0.9);
  });
}

/** Among concepts sharing one key: the one the record's institution supports, then the widest, then the smallest id. */
function pickConcept(list: ReadonlyArray<ParentConcept>, institution: string | null, supports: (institution: string | null, concept: ParentConcept) => boolean = (i, c) => sameInstitution(i, c.institutions)): ParentConcept {
  if (list.length === 1) return list[0]!;
  return [...list].sort((x, y) => {
    const sx = supports(institution, x) ? 1 : 0;
    const sy = supports(institution, y) ? 1 : 0;
    if (sx !== sy) return sy - sx;
    if (x.institutions.length !== y.institutions.length) return y.institutions.length - x.institutions.length;
    return x.id < y.id ? -1 : x.id > y.id ? 1 : 0;
  })[0]!;
}

/** Entries a per-(text, institution) cache holds before it starts over: its answers are pure, so only speed depends on it. */
const CACHE_LIMIT = 50_000;

/**
 * Index of the verified concepts of level N−1 (and only that level): labels and aliases by key in a
 * Map for exact lookups, a trigram index for fuzzy ones, and caches per (anchor, institution).
 */
export class ParentIndex {
  readonly parentLevel: number;
  readonly concepts: ReadonlyArray<ParentConcept>;
  readonly #byKey = new Map<string, ParentConcept[]>();
  readonly #fuzzy: FuzzyIndex;
  readonly #prefixes: string[];
  readonly #cutoff: number;
  readonly #anchorCache = new Map<string, AnchorMatch | null>();
  readonly #lexiconCache = new Map<string, { id: string; reason: string } | null>();
  readonly #byId = new Map<string, ParentConcept>();
  /** `sameInstitution` answers per institution and concept: a key naming several concepts is met by many records. */
  readonly #supports = new Map<string, Map<ParentConcept, boolean>>();
  readonly #supportsFn = (institution: string | null, concept: ParentConcept): boolean => {
    if (institution === null) return false;
    let byConcept = this.#supports.get(institution);
    if (byConcept === undefined) {
      byConcept = new Map();
      this.#supports.set(institution, byConcept);
    }
    let answer = byConcept.get(concept);
    if (answer === undefined) {
      answer = sameInstitution(institution, concept.institutions);
      byConcept.set(concept, answer);
    }
    return answer;
  };

  constructor(concepts: ReadonlyArray<ParentConcept>, options: { parentLevel: number; config: Config['s1'] }) {
    this.parentLevel = options.parentLevel;
    this.concepts = [...concepts].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    this.#prefixes = unitPrefixes(options.config);
    this.#cutoff = options.config.parent_similarity_cutoff;
    for (const concept of this.concepts) {
      this.#byId.set(concept.id, concept);
      for (const name of [concept.label, ...concept.aliases]) {
        for (const key of anchorKeys(name, this.#prefixes)) {
          const list = this.#byKey.get(key);
          if (list === undefined) this.#byKey.set(key, [concept]);
          else if (!list.includes(concept)) list.push(concept);
        }
      }
    }
    this.#fuzzy = new FuzzyIndex(this.#byKey.keys());
  }

  get size(): number {
    return this.concepts.length;
  }

  /** Resolves anchor text to a concept: exact on any key of the anchor, then fuzzy ≥ `parent_similarity_cutoff`. */
  resolve(anchor: string, institution: string | null): AnchorMatch | null {
    const cacheKey = `${anchor.toLowerCase()}\u0000${institution ?? ''}`;
    const hit = this.#anchorCache.get(cacheKey);
    if (hit !== undefined) return hit;
    let found: AnchorMatch | null = null;
    const keys = anchorKeys(anchor, this.#prefixes);
    for (const key of keys) {
      const list = this.#byKey.get(key);
      if (list !== undefined) {
        found = { concept: pickConcept(list, institution, this.#supportsFn), how: 'exact', key, score: 1 };
        break;
      }
    }
    if (found === null) {
      let best: { key: string; score: number } | null = null;
      for (const key of keys) {
        const m = this.#fuzzy.best(key, this.#cutoff);
        if (m !== null && (best === null || m.score > best.score)) best = m;
      }
      if (best !== null) found = { concept: pickConcept(this.#byKey.get(best.key)!, institution, this.#supportsFn), how: 'fuzzy', key: best.key, score: best.score };
    }
    // Bounded: the keys are (anchor, institution) pairs, which grow with the records.
    if (this.#anchorCache.size >= CACHE_LIMIT) this.#anchorCache.clear();
    this.#anchorCache.set(cacheKey, found);
    return found;
  }

  /** The candidate's own label as a key of a parent concept (exact only): an L1 "physics" under the L0 field "physics". */
  byOwnName(normalized: string, institution: string | null): ParentConcept | null {
    const list = this.#byKey.get(normalized);
    return list === undefined ? null : pickConcept(list, institution, this.#supportsFn);
  }

  /** The lexicon's best parent by head word and field family, same institution preferred; cached per (label, institution). */
  byLexicon(normalized: string, level: number, institution: string | null): { concept: ParentConcept; reason: string } | null {
    const cacheKey = `${normalized}\u0000${institution ?? ''}`;
    let hit = this.#lexiconCache.get(cacheKey);
    if (hit === undefined) {
      hit = inferParent({ label: normalized, level: level as Level, institution, candidates: this.concepts });
      if (this.#lexiconCache.size >= CACHE_LIMIT) this.#lexiconCache.clear();
      this.#lexiconCache.set(cacheKey, hit);
    }
    if (hit === null) return null;
    const concept = this.#byId.get(hit.id);
    return concept === undefined ? null : { concept, reason: hit.reason };
  }
}

export interface AnchorInput {
  level: number;
  normalized: string;
  institution: string | null;
  /** The record's declared parent (first) and the model's parents, in that order. */
  declared: ReadonlyArray<string>;
  /** The record's section or heading, if it is a real one. */
  section: string | null;
}

/**
 * Chooses a candidate's parent among the verified concepts of level N−1, in this order: `root` (L0),
 * `declared` (the record's parent_anchor, then the model's parents; exact, then fuzzy), `name` (the
 * record's section heading resolves to a concept, else the candidate's own label is a concept's
 * name), `lexicon` (head word / field family, same institution preferred), else `unresolved` with the
 * scoped fallback id of the first declared anchor (or "unknown" when nothing was declared).
 */
export function anchorCandidate(input: AnchorInput, index: ParentIndex | null): AnchorDecision {
  if (input.level === 0) return { parent: null, anchor: { method: 'root', anchor: null, detail: 'level 0 has no parent' } };
  const parentLevel = input.level - 1;
  if (index !== null) {
    for (const declared of input.declared) {
      const m = index.resolve(declared, input.institution);
      if (m !== null) {
        return {
          parent: m.concept.id,
          anchor: {
            method: 'declared',
            anchor: declared,
            detail: m.how === 'exact' ? `declared "${declared}" matches "${m.key}"` : `declared "${declared}" ≈ "${m.key}" (${m.score.toFixed(3)})`,
          },
        };
      }
    }
    if (input.section !== null) {
      const m = index.resolve(input.section, input.institution);
      if (m !== null) {
        return {
          parent: m.concept.id,
          anchor: {
            method: 'name',
            anchor: input.section,
            detail: `section "${input.section}" ${m.how === 'exact' ? 'matches' : `≈ (${m.score.toFixed(3)})`} "${m.key}"`,
          },
        };
      }
    }
    const own = index.byOwnName(input.normalized, input.institution);
    if (own !== null) {
      return { parent: own.id, anchor: { method: 'name', anchor: input.normalized, detail: `the label itself names L${parentLevel} "${own.label}"` } };
    }
    const lex = index.byLexicon(input.normalized, input.level, input.institution);
    if (lex !== null) {
      return { parent: lex.concept.id, anchor: { method: 'lexicon', anchor: lex.concept.label, detail: lex.reason } };
    }
  }
  // Only a declared parent names the fallback: a section heading ("Areas of Study and Research") is no parent claim,
  // and scoping by it would split one label into several unresolved candidates.
  const anchorText = input.declared[0] ?? null;
  return {
    parent: unresolvedParentId(parentLevel, anchorText ?? ''),
    anchor: {
      method: 'unresolved',
      anchor: anchorText,
      detail:
        index === null || index.size === 0
          ? `no verified L${parentLevel} concepts to anchor to`
          : anchorText === null
            ? `no declared parent; no section, name or lexicon match among ${index.size} L${parentLevel} concepts`
            : `"${anchorText}" matches none of ${index.size} L${parentLevel} concepts`,
    },
  };
}
