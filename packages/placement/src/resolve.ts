import type { Concept } from '@taxonomy/core';
import { extractLabels, fieldKey, housingSchools, inferParent, namesDepartmentUnit, schoolField, unitSchoolTypes, type Level } from '@taxonomy/lexicon';
import type { RecordTable } from './records.ts';
import type { PlacementSettings } from './types.ts';

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Unit words before a name ("Department of", "School of the"), removed to reach the field the unit names. */
const UNIT_PHRASE = /^(?:the\s+)?(?:(?:graduate\s+)?school|college|faculty|division|department|dept\.?|program(?:me)?|committee|cent(?:er|re)|institute)\s+(?:of|for|in|on)\s+(?:the\s+)?/iu;

/** An institution's school votes for a department only when the backbone's fit is at least this (a weak link is no vote). */
const MIN_INSTITUTION_FIT = 0.4;

export type Resolution = { concept: Concept; how: string } | { concept: null; reason: string };

/**
 * The concepts of one level as parents of the level below: by label and alias key, by the institutions
 * whose records (read at that level) support them, and through the field backbone.
 */
export class ParentLookup {
  readonly parentLevel: number;
  readonly #byKey = new Map<string, Concept[]>();
  readonly #byId = new Map<string, Concept>();
  /** Institution → the parents its own records (read at the parent level) support: its schools, departments or areas. */
  readonly #byInstitution = new Map<string, Concept[]>();
  readonly #all: Concept[];
  readonly #resolved = new Map<string, Resolution>();
  /** Parent id → its school type (`schoolField` of its label), or null. */
  readonly #typeOf = new Map<string, string | null>();
  /** Institution → its schools by school type, the first (by id) of each type. */
  readonly #schoolsByType = new Map<string, Map<string, Concept>>();
  /** Institution → parent id → the school types its own unit's name adds (a "Faculty of Arts": humanities, social sciences). */
  readonly #unitTypes = new Map<string, Map<string, { types: string[]; name: string }>>();
  /** Every parent by school type, in id order (built on first use). */
  #allByType: Map<string, Concept[]> | null = null;

  constructor(parents: ReadonlyArray<Concept>, parentLevel: number, records: RecordTable) {
    this.parentLevel = parentLevel;
    this.#all = [...parents].sort((a, b) => byString(a.id, b.id));
    for (const p of this.#all) {
      this.#byId.set(p.id, p);
      this.#typeOf.set(p.id, schoolField(p.label));
      for (const name of [p.label, ...p.aliases]) {
        const key = fieldKey(name);
        const list = this.#byKey.get(key) ?? [];
        if (!list.includes(p)) list.push(p);
        this.#byKey.set(key, list);
      }
      const own = new Set<string>();
      for (const id of p.record_ids) {
        const at = records.find(id);
        // At level 0 a record that calls itself a department does not make its field one of the institution's schools.
        if (at !== -1 && records.level(at) === parentLevel && !(parentLevel === 0 && namesDepartmentUnit(records.text(at)!))) {
          own.add(records.institution(at));
          const types = parentLevel === 0 ? unitSchoolTypes(records.text(at)!) : [];
          if (types.length > 0) {
            const byParent = this.#unitTypes.get(records.institution(at)) ?? new Map<string, { types: string[]; name: string }>();
            if (!byParent.has(p.id)) byParent.set(p.id, { types, name: records.text(at)! });
            this.#unitTypes.set(records.institution(at), byParent);
          }
        }
      }
      for (const i of own) {
        const list = this.#byInstitution.get(i) ?? [];
        list.push(p);
        this.#byInstitution.set(i, list);
      }
    }
  }

  label(id: string): string {
    return this.#byId.get(id)?.label ?? id;
  }

  /** Institutions supporting a parent: the tie-break after votes and fit. */
  support(id: string): number {
    return this.#byId.get(id)?.institutions.length ?? 0;
  }

  /** How well a school-level parent houses a department label (the backbone's score; 0 below level 1 or when it does not). */
  fit(childLabel: string, parentId: string): number {
    if (this.parentLevel !== 0) return 0;
    const type = this.#typeOf.get(parentId) ?? null;
    if (type === null) return 0;
    return housingSchools(childLabel).find((h) => h.field === type)?.score ?? 0;
  }

  #pick(list: ReadonlyArray<Concept>, childLabel: string): Concept {
    return [...list].sort(
      (a, b) => this.fit(childLabel, b.id) - this.fit(childLabel, a.id) || b.institutions.length - a.institutions.length || byString(a.id, b.id),
    )[0]!;
  }

  /** The school (L0) of an institution that the backbone says houses a field, best-housing first. */
  #housingSchoolOf(fieldLabel: string, institution: string): { concept: Concept; detail: string } | null {
    let byType = this.#schoolsByType.get(institution);
    if (byType === undefined) {
      byType = new Map<string, Concept>();
      const schools = this.#byInstitution.get(institution) ?? [];
      for (const s of schools) {
        const type = this.#typeOf.get(s.id) ?? null;
        if (type !== null && !byType.has(type)) byType.set(type, s);
      }
      // A type the institution has no school of its own for goes to the unit whose name houses it ("Faculty of Arts").
      const named = this.#unitTypes.get(institution);
      if (named !== undefined) for (const s of schools) for (const type of named.get(s.id)?.types ?? []) if (!byType.has(type)) byType.set(type, s);
      this.#schoolsByType.set(institution, byType);
    }
    if (byType.size === 0) return null;
    for (const h of housingSchools(fieldLabel)) {
      if (h.score < MIN_INSTITUTION_FIT) break;
      const school = byType.get(h.field);
      if (school === undefined) continue;
      const unit = this.#typeOf.get(school.id) === h.field ? undefined : this.#unitTypes.get(institution)?.get(school.id);
      const how = unit === undefined ? '' : `; its "${unit.name}" is a faculty of the ${unit.types.join(' and ')}`;
      return { concept: school, detail: `its school of ${school.label} houses ${fieldLabel} (${h.via}; fit ${h.score}${how})` };
    }
    return null;
  }

  /**
   * Resolves a declared parent (a unit name, a heading, an anchor) to a concept of the parent level: by
   * its name (unit words removed), else (unless `byNameOnly`, as for page headings, which are no parent
   * claim unless they name a concept) by the field the offline extractor reads in it at that level;
   * at level 0 a declared unit whose field is department-sized ("School of Computer Science") resolves
   * to the institution's school that houses that field.
   */
  resolve(anchor: string, institution: string, childLabel: string, byNameOnly = false): Resolution {
    const cacheKey = `${anchor}\u0000${institution}\u0000${childLabel}\u0000${byNameOnly ? 1 : 0}`;
    const hit = this.#resolved.get(cacheKey);
    if (hit !== undefined) return hit;
    const result = this.#resolve(anchor, institution, childLabel, byNameOnly);
    if (this.#resolved.size > 100_000) this.#resolved.clear();
    this.#resolved.set(cacheKey, result);
    return result;
  }

  #resolve(anchor: string, institution: string, childLabel: string, byNameOnly: boolean): Resolution {
    const keys = [...new Set([fieldKey(anchor), fieldKey(anchor.replace(UNIT_PHRASE, '')), fieldKey(anchor.replace(/\s*\([^()]*\)\s*$/u, ''))])].filter((k) => k.length > 0);
    for (const key of keys) {
      const list = this.#byKey.get(key);
      if (list !== undefined) return { concept: this.#pick(list, childLabel), how: 'name' };
    }
    if (byNameOnly) return { concept: null, reason: `it names no L${this.parentLevel} concept` };
    const extracted = extractLabels({ text: anchor, institution, level: this.parentLevel as Level }).labels.map((l) => l.normalized);
    const found = extracted.flatMap((l) => this.#byKey.get(fieldKey(l)) ?? []);
    if (found.length > 0) return { concept: this.#pick(found, childLabel), how: `reads as ${extracted.join(', ')}` };
    if (this.parentLevel === 0) {
      for (const field of extracted) {
        const school = this.#housingSchoolOf(field, institution);
        if (school !== null) return { concept: school.concept, how: `names ${field}, a department-sized field; ${school.detail}` };
      }
    }
    return {
      concept: null,
      reason:
        extracted.length === 0
          ? `it names no field of L${this.parentLevel}`
          : `it reads as ${extracted.join(', ')}, which is no L${this.parentLevel} concept${this.parentLevel === 0 ? ` and none of ${institution}'s schools houses` : ''}`,
    };
  }

  /**
   * The parent an institution's own units give each of some labels: at level 1 its school that houses
   * the department (backbone), below that its own department or area the lexicon relates the label to.
   * Asked once per institution for all the labels it supports, with a candidate list of its own for the
   * batch, so what the lexicon derives from that list is dropped with it instead of piling up for every
   * institution at once.
   */
  ownParents(childLabels: ReadonlyArray<string>, level: number, institution: string): Array<{ concept: Concept; detail: string } | null> {
    if (level === 1) return childLabels.map((label) => this.#housingSchoolOf(label, institution));
    const own = this.#byInstitution.get(institution);
    if (own === undefined || own.length === 0) return childLabels.map(() => null);
    const candidates = [...own];
    return childLabels.map((label) => {
      const hit = inferParent({ label, level: level as Level, institution, candidates });
      const concept = hit === null ? undefined : this.#byId.get(hit.id);
      return concept === undefined ? null : { concept, detail: `its own ${concept.label}: ${hit!.reason}` };
    });
  }

  /** The backbone's parent when no institution voted: the best-housing school field that exists, or the lexicon's closest concept. */
  backboneParent(
    childLabel: string,
    level: number,
    settings: PlacementSettings,
  ): { concept: Concept; confidence: number; detail: string; alternatives: Concept[] } | null {
    if (level === 1) {
      const found: Array<{ concept: Concept; confidence: number; detail: string }> = [];
      if (this.#allByType === null) {
        this.#allByType = new Map<string, Concept[]>();
        for (const p of this.#all) {
          const type = this.#typeOf.get(p.id) ?? null;
          if (type === null) continue;
          const list = this.#allByType.get(type);
          if (list === undefined) this.#allByType.set(type, [p]);
          else list.push(p);
        }
      }
      const byType = this.#allByType;
      for (const h of housingSchools(childLabel)) {
        const list = byType.get(h.field);
        if (list === undefined) continue;
        const concept = this.#pick(list, childLabel);
        if (found.some((f) => f.concept.id === concept.id)) continue;
        const weight = h.exact ? settings.backbone_weight_exact : settings.backbone_weight_words;
        found.push({ concept, confidence: Math.round(h.score * weight * 1000) / 1000, detail: `${h.via}; ${h.exact ? 'a CIP title' : 'CIP word evidence'}, fit ${h.score}` });
      }
      const best = found[0];
      return best === undefined ? null : { ...best, alternatives: found.slice(1).map((f) => f.concept) };
    }
    const hit = inferParent({ label: childLabel, level: level as Level, institution: null, candidates: this.#all });
    const concept = hit === null ? undefined : this.#byId.get(hit.id);
    if (concept === undefined) return null;
    const confidence = Math.round(Math.min(1, hit!.score ?? 0.5) * settings.backbone_weight_words * 1000) / 1000;
    return { concept, confidence, detail: `lexicon: ${hit!.reason}`, alternatives: [] };
  }
}
