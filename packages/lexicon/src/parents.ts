import { tokenize } from '@taxonomy/core';
import { normalize } from './normalize.ts';
import { STOP, WEAK_FAMILIES, fold, loadEvidenceIndex, type EvidenceIndex } from './evidence-index.ts';
import { fieldKey, loadFieldLexicon, looksAdjectival, stemToken } from './field-lexicon.ts';
import { splitFields } from './split.ts';
import { FAMILY_HINTS, FIELD_PREFIXES, UMBRELLA_FIELDS } from './tables.ts';

/**
 * CIP evidence for a department label whose words name no parent directly: which CIP series and
 * families its words point to, read from titles (strong), definitions (weak), word roots ("accountancy"
 * ~ "accounting"), compounds ("neuropsychology" → psychology) and a small table of field words CIP does
 * not spell out ("latino" → area and ethnic studies, "piano" → music). Used by `inferParent` at level 1.
 */

/** Interdisciplinary catch-alls: evidence counts, but any real family beats them. */
const CATCH_ALL = new Set(['30', '24']);
/** Derivational endings removed to reach a word's root ("accountancy" → "account", "planets" → "planet"). */
const ENDINGS = /(?:ancy|ency|ance|ence|ing|ical|ics|ic|ial|al|ary|ist|ism|ian|y|s)$/u;

function root(token: string): string {
  const r = token.replace(ENDINGS, '');
  return r.length >= 4 ? r : token;
}

/** Title words sharing the token's root ("aeronautics" ~ "aeronautical"; "math" → "mathematics" as a clipped form). */
function rootVariants(token: string, idx: EvidenceIndex): string[] {
  const r = root(token);
  if (r.length < 4) return [];
  const out: string[] = [];
  // Binary search for the first title token ≥ root, then scan the prefix range.
  let lo = 0;
  let hi = idx.titleTokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (idx.titleTokens[mid]! < r) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < idx.titleTokens.length && idx.titleTokens[i]!.startsWith(r) && out.length < 12; i += 1) {
    if (idx.titleTokens[i] !== token) out.push(idx.titleTokens[i]!);
  }
  return out;
}

/** The head of a compound word: "neuropsychology" → "psychology", "sociomedical" → "medical", "exoplanets" → "planets". */
export function compoundHead(token: string): string | null {
  if (token.length < 8) return null;
  const vocabulary = loadFieldLexicon().vocabulary;
  for (const prefix of FIELD_PREFIXES) {
    if (token.startsWith(prefix) && token.length - prefix.length >= 4) {
      const rest = token.slice(prefix.length);
      if (vocabulary.has(rest) || vocabulary.has(stemToken(rest)) || loadEvidenceIndex().postings.has(stemToken(rest))) return rest;
    }
  }
  return null;
}

export interface FamilyEvidence {
  code: string;
  title: string;
  /** Share of the label's evidence that points to this family (0-1). */
  share: number;
  /** Best-supported series of the family, when the evidence names one. */
  series: { code: string; title: string } | null;
  /** How the words were matched ("accountancy ~ accounting", "piano: music word"). */
  via: string[];
}

const evidenceCache = new Map<string, FamilyEvidence[]>();

/** CIP families a label's words point to, best first, with the share of evidence each gets. */
export function familyEvidence(label: string): FamilyEvidence[] {
  // Cached on the label as given, not its folded key: a reason quotes its words, and a hit must not depend on which
  // of two labels with one key ("centre"/"center", "study"/"studies") came first.
  const hit = evidenceCache.get(label);
  if (hit) return hit;
  const key = fieldKey(label);
  const idx = loadEvidenceIndex();
  const tokens = tokenize(key).filter((t) => !STOP.has(t));
  const familyScore = new Map<string, number>();
  const seriesScore = new Map<string, number>();
  const via = new Map<string, string[]>();
  const add = (family: string, series: string | null, score: number, how: string) => {
    const weight = score * (WEAK_FAMILIES.has(family) ? 0.2 : CATCH_ALL.has(family) ? 0.5 : 1);
    familyScore.set(family, (familyScore.get(family) ?? 0) + weight);
    if (series) seriesScore.set(series, (seriesScore.get(series) ?? 0) + weight);
    const list = via.get(family) ?? [];
    if (!list.includes(how)) list.push(how);
    via.set(family, list);
  };
  for (const entry of loadFieldLexicon().entriesByKey.get(key) ?? []) {
    if (entry.kind !== 'family') add(fold(entry.family), entry.code.slice(0, 5), 2, `CIP title ${entry.code}`);
  }
  const phrase = FAMILY_HINTS.get(key);
  if (phrase) add(phrase.slice(0, 2), phrase.length > 2 ? phrase : null, 2, `"${normalize(label)}": ${idx.seriesTitles.get(phrase) ?? familyTitleShort(phrase.slice(0, 2), idx)}`);
  for (const token of tokens) {
    const hint = FAMILY_HINTS.get(token) ?? FAMILY_HINTS.get(root(token));
    if (hint) {
      // A curated field word: a family ("51") or a series ("50.09") of CIP.
      add(hint.slice(0, 2), hint.length > 2 ? hint : null, 1, `${token}: ${(hint.length > 2 ? idx.seriesTitles.get(hint) : null) ?? familyTitleShort(hint.slice(0, 2), idx)} word`);
      continue;
    }
    // A word (or its compound head, or a word of the same root) that is itself a CIP title is the strongest evidence.
    const head = compoundHead(token);
    const forms: Array<{ form: string; how: string }> = [{ form: token, how: token }];
    if (head) forms.push({ form: stemToken(head), how: `${token} → ${head}` });
    const variants: Array<{ form: string; how: string }> = [];
    for (const v of rootVariants(token, idx)) variants.push({ form: v, how: `${token} ~ ${v}` });
    if (head) for (const v of rootVariants(stemToken(head), idx)) variants.push({ form: v, how: `${token} → ${head} ~ ${v}` });
    const titled: Array<{ entry: { family: string; code: string }; how: string }> = [];
    for (const { form, how } of [...forms, ...variants]) {
      for (const entry of loadFieldLexicon().entriesByKey.get(form) ?? []) {
        // The word must be the title or its first "/" alternative ("Religion/Religious Studies"), not a later one ("…Strategy/Policy").
        const first = fieldKey(entry.title.split('/')[0]!);
        const whole = fieldKey(entry.normalized);
        if (entry.kind !== 'family' && !WEAK_FAMILIES.has(fold(entry.family)) && (first === form || whole === form)) titled.push({ entry, how: `${how} (CIP ${entry.code})` });
      }
    }
    if (titled.length > 0) {
      for (const t of titled) add(fold(t.entry.family), t.entry.code.slice(0, 5), 1 / titled.length, t.how);
      continue;
    }
    // Otherwise the word spreads one unit of evidence over the CIP series whose titles use it (else
    // whose definitions do, when few do), each series counted once.
    const pickPostings = (list: ReadonlyArray<{ form: string; how: string }>, minWeight: number) => {
      const perSeries = new Map<string, { family: string; series: string; score: number; how: string }>();
      for (const { form, how } of list) {
        for (const p of idx.postings.get(form) ?? []) {
          if (p.weight < minWeight) continue;
          const prev = perSeries.get(p.series);
          if (!prev || prev.score < p.weight) perSeries.set(p.series, { family: p.family, series: p.series, score: p.weight, how });
        }
      }
      return perSeries;
    };
    // The word's own titles before its compound head's: "psychoanalysis" is in "Psychoanalysis and Psychotherapy"
    // (51.1507), and its head "analysis" in dozens of titles that outvoted it; "biosystems" is 14.45's, not "system"'s.
    let perSeries = pickPostings(forms.slice(0, 1), 0.5);
    if (perSeries.size === 0 && forms.length > 1) perSeries = pickPostings(forms.slice(1), 0.5);
    if (perSeries.size === 0) perSeries = pickPostings(variants, 0.5);
    if (perSeries.size === 0) {
      perSeries = pickPostings(forms, 0);
      if (perSeries.size > 6) continue;
    }
    let total = 0;
    for (const e of perSeries.values()) total += e.score;
    if (total === 0) continue;
    // A modifier ("domestic security", "clean air") says less about the field than the noun it modifies.
    const modifier = tokens.length > 1 && token !== tokens[tokens.length - 1] && looksAdjectival(token) ? 0.3 : 1;
    for (const e of perSeries.values()) add(e.family, e.series, (modifier * e.score) / total, e.how);
  }
  let sum = 0;
  for (const v of familyScore.values()) sum += v;
  const result: FamilyEvidence[] = [...familyScore]
    .filter(([, v]) => v > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 3)
    .map(([code, v]) => {
      let bestSeries: string | null = null;
      let bestScore = 0;
      for (const [s, sv] of seriesScore) {
        if (fold(s.slice(0, 2)) === code && (sv > bestScore || (sv === bestScore && bestSeries !== null && s < bestSeries))) {
          bestSeries = s;
          bestScore = sv;
        }
      }
      return {
        code,
        title: familyTitleShort(code, idx),
        share: Math.round((v / sum) * 1000) / 1000,
        series: bestSeries ? { code: bestSeries, title: idx.seriesTitles.get(bestSeries) ?? bestSeries } : null,
        via: via.get(code) ?? [],
      };
    });
  if (evidenceCache.size > 50_000) evidenceCache.clear();
  evidenceCache.set(label, result);
  return result;
}

function familyTitleShort(code: string, idx: EvidenceIndex): string {
  const title = (idx.familyTitles.get(code) ?? code).replace(/\.$/u, '').replace(/,?\s+and\s+related\s+.*$/iu, '');
  return title.charAt(0) + title.slice(1).toLowerCase();
}

/** Field names a CIP title spells: its "/" alternatives and conjuncts ("Aerospace, Aeronautical … Engineering" → aerospace engineering, …). */
function titleFields(title: string): string[] {
  const out = new Set<string>();
  const clean = title.replace(/\.$/u, '').replace(/,\s*(?:general|other)$/iu, '').replace(/\s+and\s+related\s+.*$/iu, '');
  for (const alt of [clean, ...clean.split('/')]) {
    for (const part of splitFields(alt).parts) out.add(fieldKey(part));
    out.add(fieldKey(alt));
  }
  return [...out].filter((k) => k.length > 0);
}

interface Candidate {
  readonly id: string;
  readonly label: string;
  readonly institutions: ReadonlyArray<string>;
}

/** Candidate lists are read, never changed: each one is grouped by field key once. */
const byKeyCache = new WeakMap<readonly Candidate[], ReadonlyMap<string, readonly Candidate[]>>();

function candidatesByKey<T extends Candidate>(candidates: readonly T[]): ReadonlyMap<string, readonly T[]> {
  let byKey = byKeyCache.get(candidates);
  if (byKey === undefined) {
    const groups = new Map<string, T[]>();
    for (const c of candidates) {
      const k = fieldKey(c.label);
      const list = groups.get(k);
      if (list === undefined) groups.set(k, [c]);
      else list.push(c);
    }
    byKey = groups;
    byKeyCache.set(candidates, byKey);
  }
  return byKey as ReadonlyMap<string, readonly T[]>;
}

function pick<T extends Candidate>(list: readonly T[], sameInst: (c: T) => boolean): { cand: T; same: boolean } | null {
  if (list.length === 0) return null;
  const sorted = [...list].sort(
    (a, b) => b.institutions.length - a.institutions.length || a.label.length - b.label.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  // The most widely supported concept of the family; the record's own institution breaks ties.
  const top = sorted[0]!.institutions.length;
  const same = sorted.find((c) => c.institutions.length === top && sameInst(c));
  return same ? { cand: same, same: true } : { cand: sorted[0]!, same: false };
}

function support(c: Candidate): string {
  return `${c.institutions.length} institution${c.institutions.length === 1 ? '' : 's'}`;
}

/**
 * Parent of a level-1 label by CIP family when no candidate shares its words: the candidate named by
 * the best series' title, else by the family's title, else the most widely supported candidate whose
 * own family it is, else the umbrella field of the family ("humanities", "medicine", …).
 */
export function familyParent<T extends Candidate>(
  label: string,
  candidates: readonly T[],
  candidateFamily: (c: T) => string | null,
  sameInst: (c: T) => boolean,
): { id: string; reason: string } | null {
  const evidence = familyEvidence(label);
  const top = evidence[0];
  // The family must be clear: most of the evidence, and not a catch-all when a real family competes.
  // A catch-all family ("Multi/interdisciplinary studies") does not compete with a real one.
  const runnerUp = CATCH_ALL.has(top?.code ?? '') ? 0 : (evidence.slice(1).find((e) => !CATCH_ALL.has(e.code))?.share ?? 0);
  if (!top || top.share < 0.4 || top.share - runnerUp < 0.2) return null;
  const fam = CATCH_ALL.has(top.code) && evidence[1] && evidence[1].share >= 0.25 && !CATCH_ALL.has(evidence[1].code) ? evidence[1] : top;
  const byKey = candidatesByKey(candidates);
  const path = `CIP ${fam.code} ${fam.title}`;
  const how = fam.via.length > 0 ? ` [${fam.via.slice(0, 3).join('; ')}]` : '';
  if (fam.series) {
    // Only names that start with the series' own head word ("Physiology, Pathology …" names physiology, not pathology).
    const head = tokenize(fieldKey(fam.series.title))[0] ?? '';
    const named = titleFields(fam.series.title)
      .filter((k) => k.split(' ')[0] === head)
      .flatMap((k) => byKey.get(k) ?? []);
    const chosen = pick(named, sameInst);
    if (chosen) return { id: chosen.cand.id, reason: `CIP ${fam.series.code} ${fam.series.title.replace(/\.$/u, '')} → "${normalize(chosen.cand.label)}" (${support(chosen.cand)})${how}` };
  }
  const familyTitle = loadEvidenceIndex().familyTitles.get(fam.code);
  if (familyTitle && !CATCH_ALL.has(fam.code)) {
    // The family's head field: the first name its title lists ("Business, Management, …" → business).
    const first = splitFields(familyTitle.replace(/\.$/u, '').split(/,\s*/u)[0]!).parts[0] ?? '';
    const named = byKey.get(fieldKey(first)) ?? [];
    const chosen = pick(named, sameInst);
    if (chosen) return { id: chosen.cand.id, reason: `${path} → "${normalize(chosen.cand.label)}" (${support(chosen.cand)})${how}` };
  }
  const umbrellas = UMBRELLA_FIELDS[fam.code] ?? [];
  // Area studies and languages: sibling fields (linguistics) are no parents; go to the umbrella.
  if (!CATCH_ALL.has(fam.code) && fam.code !== '05' && fam.code !== '16') {
    const members = candidates.filter((c) => candidateFamily(c) === fam.code);
    const chosen = pick(members, sameInst);
    if (chosen) return { id: chosen.cand.id, reason: `${path} → "${normalize(chosen.cand.label)}" (${support(chosen.cand)})${how}` };
  }
  for (const umbrella of umbrellas) {
    const chosen = pick(byKey.get(fieldKey(umbrella)) ?? [], sameInst);
    if (chosen) return { id: chosen.cand.id, reason: `${path} → umbrella "${umbrella}" (${support(chosen.cand)})${how}` };
  }
  return null;
}
