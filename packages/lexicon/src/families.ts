import { tokenize } from '@taxonomy/core';
import { normalize } from './normalize.ts';
import { affinityText, areaWordsOf, namesResearchArea } from './areas.ts';
import { loadCip, type CipEntry } from './cip.ts';
import { fieldKey, isKnownField, loadFieldLexicon, stemToken } from './field-lexicon.ts';
import type { Level } from './types.ts';
import { verifyLabel } from './verify.ts';
import { familyParent } from './parents.ts';

/** Families that are technician or residency variants of another family are scored as that family. */
const FAMILY_FOLD: Record<string, string> = { '60': '51', '61': '51', '15': '14', '41': '40', '29': '28', '10': '09' };

/** Common field names CIP spreads over several titles, pinned to their family. */
const PINNED: Record<string, string> = {
  medicine: '51', law: '22', business: '52', engineering: '14', nursing: '51', dentistry: '51', 'dental medicine': '51',
  'public health': '51', 'public policy': '44', 'public affairs': '44', management: '52', design: '50', arts: '50',
  art: '50', architecture: '04', computing: '11', 'computer science': '11', pharmacy: '51', optometry: '51',
  'veterinary medicine': '01', divinity: '39', theology: '39', religion: '38', 'social work': '44', journalism: '09',
  communication: '09', media: '09', music: '50', humanities: '24', 'social sciences': '45', science: '40', sciences: '40',
  'arts and sciences': '24', 'information science': '11', education: '13', environment: '03', sustainability: '03',
  'natural resources': '03', kinesiology: '31', 'military science': '28', 'mathematical sciences': '27', statistics: '27',
  mathematics: '27', physics: '40', chemistry: '40', biology: '26', psychology: '42', history: '54', philosophy: '38',
  'machine learning': '11', 'artificial intelligence': '11', 'data science': '11', robotics: '14', economics: '45', sociology: '45', anthropology: '45', linguistics: '16', english: '23', literature: '23',
};

const STOP = new Set(['and', 'of', 'the', 'in', 'for', 'on', 'to', 'with', 'a', 'an', 'or', 'general', 'other', 'studies', 'study', 'science', 'sciences', 'applied', 'related']);

function fold(code: string): string {
  return FAMILY_FOLD[code] ?? code;
}

function familyTitle(code: string): string {
  const entry = loadCip().families.get(code);
  return entry ? entry.title.replace(/\.$/u, '') : code;
}

const familyCache = new Map<string, Array<{ code: string; title: string; score: number }>>();

/** CIP families (2-digit) a label belongs to, best first: exact title matches, then word evidence. */
export function fieldFamilies(label: string): Array<{ code: string; title: string; score: number }> {
  // Cached on the label as given, not its folded key: a pinned label shares its key with unpinned spellings
  // ("studies"/"study", British/American), and a hit must not depend on which came first.
  const hit = familyCache.get(label);
  if (hit) return hit.map((f) => ({ ...f }));
  const key = fieldKey(label);
  const pinned = PINNED[normalize(label)];
  const lex = loadFieldLexicon();
  const scores = new Map<string, number>();
  if (pinned) scores.set(pinned, 1);
  for (const entry of lex.entriesByKey.get(key) ?? []) {
    const code = fold(entry.family);
    scores.set(code, Math.max(scores.get(code) ?? 0, 0.9));
  }
  const tokens = tokenize(key).filter((t) => !STOP.has(t));
  if (tokens.length > 0) {
    const sums = new Map<string, number>();
    for (const tok of tokens) {
      const perFamily = new Map<string, number>();
      for (const [family, share] of lex.tokenFamilies.get(stemToken(tok)) ?? []) {
        const code = fold(family);
        perFamily.set(code, (perFamily.get(code) ?? 0) + share);
      }
      for (const [code, share] of perFamily) sums.set(code, (sums.get(code) ?? 0) + Math.min(1, share));
    }
    for (const [code, sum] of sums) {
      const score = (0.8 * sum) / tokens.length;
      scores.set(code, Math.max(scores.get(code) ?? 0, score));
    }
  }
  const result = [...scores]
    .filter(([, score]) => score >= 0.15)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 3)
    .map(([code, score]) => ({ code, title: familyTitle(code), score: Math.round(score * 1000) / 1000 }));
  if (familyCache.size >= 100_000) familyCache.clear();
  familyCache.set(label, result);
  return result.map((f) => ({ ...f }));
}

const LEVEL_NOUN: Record<Level, string> = { 0: 'field', 1: 'department', 2: 'research area', 3: 'research topic' };

function firstWords(text: string, max: number): string {
  const words = text.split(/\s+/u).filter((w) => w.length > 0);
  const cut = words.slice(0, max).join(' ').replace(/[,;:]$/u, '');
  return words.length > max ? cut : cut.replace(/\.$/u, '');
}

function definitionOf(label: string): CipEntry | null {
  const entries = loadFieldLexicon().entriesByKey.get(fieldKey(label)) ?? [];
  return entries.find((e) => e.kind === 'program' && e.definition && !/^Instructional content/iu.test(e.definition)) ?? null;
}

/** A short (≤20 words) sense gloss: the CIP definition when the label is a CIP title, else its place under the parent. */
export function glossFor(input: { label: string; level: Level; parentLabel: string | null }): string {
  const label = normalize(input.label);
  if (!label) return '';
  const entry = definitionOf(input.label);
  if (entry) {
    const body = entry.definition
      .replace(/^(?:A|Any)\s+(?:general\s+)?(?:program|instructional program)s?\s+(?:that|which)\s+(?:focuses|focus)\s+on\s+/iu, '')
      .replace(/\.\s.*$/u, '');
    return firstWords(`${label}: ${body}`, 20);
  }
  if (input.parentLabel) return firstWords(`${label}: ${LEVEL_NOUN[input.level]} within ${normalize(input.parentLabel)}`, 20);
  const family = fieldFamilies(input.label)[0];
  if (family) return firstWords(`${label}: ${LEVEL_NOUN[input.level]} in ${family.title.toLowerCase()}`, 20);
  return `${label}: ${LEVEL_NOUN[input.level]}`;
}

/** Parents too generic to be implied by containment alone ("science" in "decision sciences"). */
const GENERIC_PARENTS = new Set(['science', 'arts', 'art', 'studie', 'study', 'applied science', 'human', 'general']);
/** CIP families that collect unrelated programs: sharing one says little. */
const GRAB_BAG_FAMILIES = new Set(['30', '24', '32', '33', '34', '35', '36', '37', '53']);

function familyOverlap(a: ReadonlyArray<{ code: string; score: number }>, b: ReadonlyArray<{ code: string; score: number }>): number {
  let best = 0;
  for (const x of a) for (const y of b) if (x.code === y.code) best = Math.max(best, Math.min(x.score, y.score));
  return best;
}

/** An institution name as `inferParent` compares them: normalized, the common "univeristy" typo fixed. */
function institutionKey(name: string): string {
  return normalize(name).replace(/\buniveristy\b/gu, 'university');
}

type ParentCandidate = { id: string; label: string; institutions: ReadonlyArray<string> };

/** What `inferParent` needs of one candidate, computed once per candidate list. */
interface PreparedCandidate {
  cand: ParentCandidate;
  key: string;
  tokens: string[];
  /** `tokens` joined by spaces, and without the stop words. */
  joined: string;
  content: string[];
  /** The label normalized, as reasons quote it. */
  normalized: string;
  /** Words typical of the research area the label names (null: it names none). */
  areaWords: readonly string[] | null;
  families: Array<{ code: string; title: string; score: number }>;
  institutionKeys: ReadonlySet<string>;
}

/** A candidate the label's words, area or family relate to: its institution-independent score and reasons. */
interface Related {
  at: number;
  score: number;
  reasons: string[];
}

interface PreparedCandidates {
  list: PreparedCandidate[];
  /** Positions of the candidates (with words) that have a word, a CIP family, or name a research area: the only ones a label can relate to. */
  byToken: ReadonlyMap<string, number[]>;
  byFamily: ReadonlyMap<string, number[]>;
  areas: number[];
  widest: number;
  byCandidate: ReadonlyMap<ParentCandidate, PreparedCandidate>;
  /** `level\0label` → the related candidates that can win for some institution, with their breadth bonus (bounded). */
  scored: Map<string, Scored[]>;
  /** label → recorded `familyParent` runs: the same-institution answers it asked for and its result (bounded). */
  familyRuns: Map<string, Array<{ asked: PreparedCandidate[]; answers: boolean[]; result: { id: string; reason: string } | null }>>;
}

/**
 * Candidate lists are read, never changed, by `inferParent`: one list (the verified concepts of a
 * level) is prepared once and reused by every call that passes the same array.
 */
const preparedLists = new WeakMap<ReadonlyArray<ParentCandidate>, PreparedCandidates>();

function prepareCandidates(candidates: ReadonlyArray<ParentCandidate>): PreparedCandidates {
  let prepared = preparedLists.get(candidates);
  if (prepared === undefined) {
    const list = candidates.map((cand) => {
      const key = fieldKey(cand.label);
      const tokens = tokenize(key);
      return {
        cand,
        key,
        tokens,
        joined: tokens.join(' '),
        content: tokens.filter((t) => !STOP.has(t)),
        normalized: normalize(cand.label),
        areaWords: areaWordsOf(cand.label),
        families: fieldFamilies(cand.label),
        institutionKeys: new Set(cand.institutions.map(institutionKey)),
      };
    });
    const widest = candidates.reduce((n, c) => Math.max(n, c.institutions.length), 1);
    const byToken = new Map<string, number[]>();
    const byFamily = new Map<string, number[]>();
    const areas: number[] = [];
    const add = (index: Map<string, number[]>, key: string, at: number) => {
      const list = index.get(key);
      if (list === undefined) index.set(key, [at]);
      else if (list[list.length - 1] !== at) list.push(at);
    };
    list.forEach((p, at) => {
      if (p.tokens.length === 0) return;
      for (const t of p.tokens) add(byToken, t, at);
      for (const f of p.families) add(byFamily, f.code, at);
      if (namesResearchArea(p.cand.label)) areas.push(at);
    });
    prepared = { list, byToken, byFamily, areas, widest, byCandidate: new Map(list.map((p) => [p.cand, p])), scored: new Map(), familyRuns: new Map() };
    preparedLists.set(candidates, prepared);
  }
  return prepared;
}

/** The candidates a label relates to by contained or shared words, research-area words, or CIP family (memoized by `scoredCandidates`). */
function relatedCandidates(label: string, level: Level, prepared: PreparedCandidates): Related[] {
  const childTokens = tokenize(fieldKey(label));
  const childSet = new Set(childTokens);
  const childJoined = childTokens.join(' ');
  const childFamilies = fieldFamilies(label);
  // What `areaAffinity(label, candidate)` searches, computed once per label.
  const areaText = level >= 2 ? affinityText(label) : '';
  const out: Related[] = [];
  // A candidate scores only through a shared word, a shared CIP family or (level 2 and up) a research area
  // it names: visit those, in candidate order, instead of every candidate.
  const visit = new Set<number>();
  for (const t of childTokens) for (const at of prepared.byToken.get(t) ?? []) visit.add(at);
  for (const f of childFamilies) for (const at of prepared.byFamily.get(f.code) ?? []) visit.add(at);
  if (level >= 2) for (const at of prepared.areas) visit.add(at);
  for (const at of [...visit].sort((a, b) => a - b)) {
    const p = prepared.list[at]!;
    const { key: parentKey, tokens: parentTokens, families: parentFamilies, content } = p;
    const reasons: string[] = [];
    let score = 0;
    const contained = parentTokens.every((t) => childSet.has(t));
    if (contained) {
      const weight = GENERIC_PARENTS.has(parentKey) ? 0.2 : p.joined === childJoined ? 0.5 : 0.7;
      score += weight;
      reasons.push(`"${p.normalized}" is contained in the label`);
    } else {
      // Shared content words ("reinforcement learning" under "machine learning").
      const sharedWords = content.filter((t) => childSet.has(t));
      if (sharedWords.length > 0) {
        score += 0.4 * (sharedWords.length / content.length);
        reasons.push(`shares "${sharedWords.join(' ')}"`);
      }
    }
    const affinity = level >= 2 && p.areaWords !== null ? p.areaWords.filter((w) => areaText.includes(` ${w} `)) : [];
    if (affinity.length > 0) {
      score += 0.45;
      reasons.push(`"${affinity.join(', ')}" is typical of ${p.normalized}`);
    }
    const shared = childFamilies.filter((f) => parentFamilies.some((q) => q.code === f.code));
    const overlap = familyOverlap(childFamilies, parentFamilies) * (shared.every((f) => GRAB_BAG_FAMILIES.has(f.code)) ? 0.3 : 1);
    if (overlap > 0) {
      // Below level 1, CIP families are coarse (all of computing is one family): weaker evidence.
      score += (level >= 2 ? 0.25 : 0.5) * overlap;
      reasons.push(`same CIP family ${shared[0]?.code ?? ''} (${overlap.toFixed(2)})`);
    }
    if (score > 0) out.push({ at, score, reasons });
  }
  return out;
}

/**
 * Best parent among concepts of the level above: a parent whose label is the child's head ("biology"
 * for "molecular biology") or shares its CIP family, preferring the same institution; null if none fits.
 * The candidate list is treated as immutable: what is derived from it is kept for the next call with
 * the same array.
 */
export function inferParent(input: {
  label: string;
  level: Level;
  institution: string | null;
  candidates: ReadonlyArray<ParentCandidate>;
}): { id: string; reason: string; score?: number } | null {
  if (input.level === 0 || input.candidates.length === 0) return null;
  const prepared = prepareCandidates(input.candidates);
  const institution = input.institution ? institutionKey(input.institution) : null;
  const sameInstitution = (p: PreparedCandidate) => institution !== null && p.institutionKeys.has(institution);
  const scored = scoredCandidates(input.label, input.level, prepared);
  let best: Scored | null = null;
  let bestScore = 0;
  let bestSame = false;
  for (const r of scored) {
    // Among parents of the same family, the one more institutions have is the broader field (in r.base).
    const same = sameInstitution(r.p);
    const score = same ? r.base + SAME_INSTITUTION_BONUS : r.base;
    if (
      !best ||
      score > bestScore + 1e-9 ||
      (Math.abs(score - bestScore) <= 1e-9 && (r.p.cand.label.length < best.p.cand.label.length || (r.p.cand.label.length === best.p.cand.label.length && r.p.cand.id < best.p.cand.id)))
    ) {
      best = r;
      bestScore = score;
      bestSame = same;
    }
  }
  if (!best || bestScore < (input.level >= 2 ? 0.35 : 0.3)) {
    // A department whose words name no candidate: go by its CIP family (series title, family title,
    // the family's most widely supported field, then the family's umbrella faculty).
    if (input.level !== 1) return null;
    return familyParentFor(input.label, input.candidates, prepared, sameInstitution);
  }
  const reasons = bestSame ? [...best.reasons, 'same institution'] : best.reasons;
  return { id: best.p.cand.id, reason: `${reasons.join('; ')} (score ${bestScore.toFixed(2)})`, score: bestScore };
}

/** A related candidate with its institution-independent score: the relation's plus the breadth bonus. */
interface Scored {
  p: PreparedCandidate;
  base: number;
  reasons: ReadonlyArray<string>;
}

/** The most the institution adds to a candidate's score in `inferParent` (the same-institution bonus). */
const SAME_INSTITUTION_BONUS = 0.05;

/**
 * `relatedCandidates` with each one's breadth bonus added, per label (the part of `inferParent` no institution
 * changes), without the ones no institution can make best: a candidate whose base plus the same-institution bonus
 * stays 1e-3 below the best base is beaten by that candidate for every institution (ties in `inferParent` are
 * within 1e-9, so they never reach it), and dropping it leaves the choice unchanged. The loop in `inferParent`
 * runs once per (label, institution): on the 100k bench at level 1 most related candidates are such losers.
 */
function scoredCandidates(label: string, level: Level, prepared: PreparedCandidates): Scored[] {
  const cacheKey = `${level}\u0000${label}`;
  let hit = prepared.scored.get(cacheKey);
  if (hit === undefined) {
    const all = relatedCandidates(label, level, prepared).map((r) => {
      const p = prepared.list[r.at]!;
      return { p, base: r.score + 0.1 * (p.cand.institutions.length / prepared.widest), reasons: r.reasons };
    });
    const top = all.reduce((m, r) => Math.max(m, r.base), Number.NEGATIVE_INFINITY);
    hit = all.filter((r) => r.base + SAME_INSTITUTION_BONUS >= top - 1e-3);
    if (prepared.scored.size >= 100_000) prepared.scored.clear();
    prepared.scored.set(cacheKey, hit);
  }
  return hit;
}

/**
 * `familyParent` for one label and institution, memoized per label on the answers it got: the result
 * depends on the institution only through `sameInst` questions, so a recorded run whose questions the
 * new institution answers alike gives the same result without running again.
 */
function familyParentFor(
  label: string,
  candidates: ReadonlyArray<ParentCandidate>,
  prepared: PreparedCandidates,
  sameInstitution: (p: PreparedCandidate) => boolean,
): { id: string; reason: string } | null {
  const runs = prepared.familyRuns.get(label) ?? [];
  for (const run of runs) {
    if (run.asked.every((p, i) => sameInstitution(p) === run.answers[i])) return run.result === null ? null : { ...run.result };
  }
  const asked: PreparedCandidate[] = [];
  const answers: boolean[] = [];
  const { byCandidate } = prepared;
  const result = familyParent(
    label,
    candidates,
    (c) => {
      const top = byCandidate.get(c)?.families[0];
      return top && top.score >= 0.9 ? top.code : null;
    },
    (c) => {
      const p = byCandidate.get(c)!;
      const answer = sameInstitution(p);
      asked.push(p);
      answers.push(answer);
      return answer;
    },
  );
  if (runs.length < 64) {
    runs.push({ asked, answers, result: result === null ? null : { ...result } });
    if (prepared.familyRuns.size >= 100_000) prepared.familyRuns.clear();
    prepared.familyRuns.set(label, runs);
  }
  return result;
}

function mentions(text: string, phrase: string): boolean {
  return ` ${text} `.includes(` ${phrase} `);
}

/** Offline entailment: does the evidence name the label (or all its words), and is it a plausible field at this level? */
export function entailLabel(input: {
  label: string;
  level: Level;
  parentLabel: string | null;
  evidence: ReadonlyArray<string>;
}): { pass: boolean; confidence: number; reason: string } {
  const verdict = verifyLabel({ label: input.label, level: input.level });
  if (!verdict.pass) return { pass: false, confidence: 0.9, reason: `label rules: ${verdict.reasons.join('; ')}` };
  const label = normalize(input.label);
  const stemmed = fieldKey(input.label);
  const texts = input.evidence.map((e) => normalize(e));
  const stemmedTexts = texts.map((t) => tokenize(t).map(stemToken).join(' '));
  const exact = texts.filter((t, i) => mentions(t, label) || mentions(stemmedTexts[i]!, stemmed)).length;
  const words = tokenize(stemmed).filter((t) => !STOP.has(t));
  const covering = stemmedTexts.filter((t) => words.length > 0 && words.every((w) => mentions(t, w))).length;
  const known = isKnownField(input.label);
  let confidence: number;
  let reason: string;
  if (exact > 0) {
    confidence = 0.6 + 0.3 * (exact / Math.max(1, texts.length)) + (known ? 0.1 : 0);
    reason = `named in ${exact} of ${texts.length} evidence texts`;
  } else if (covering > 0) {
    confidence = 0.5 + (known ? 0.1 : 0);
    reason = `all words found in ${covering} of ${texts.length} evidence texts`;
  } else if (known && texts.length === 0) {
    confidence = 0.55;
    reason = 'no evidence; label is a known field';
  } else {
    confidence = known ? 0.4 : 0.2;
    reason = texts.length === 0 ? 'no evidence' : `not found in ${texts.length} evidence texts`;
  }
  if (input.parentLabel) {
    const parentTokens = tokenize(fieldKey(input.parentLabel));
    const related =
      parentTokens.every((t) => tokenize(stemmed).includes(t)) ||
      familyOverlap(fieldFamilies(input.label), fieldFamilies(input.parentLabel)) > 0 ||
      stemmedTexts.some((t) => parentTokens.every((w) => mentions(t, w)));
    if (!related) {
      confidence -= 0.15;
      reason += `; no link to parent "${normalize(input.parentLabel)}"`;
    }
  }
  confidence = Math.max(0, Math.min(1, Math.round(confidence * 100) / 100));
  return { pass: confidence >= 0.5, confidence, reason };
}
