import type { Concept } from '@taxonomy/core';
import { fieldKey, housingSchools, namesDepartmentUnit, namesSchoolUnit, schoolField, type HousingSchool } from '@taxonomy/lexicon';
import type { RecordTable } from './records.ts';

/** Where one label lives and why: the level chosen and each level's institution count. */
export interface LevelDecision {
  key: string;
  label: string;
  level: number;
  /** Distinct institutions per level the label was found at. */
  counts: Record<string, number>;
  reason: string;
}

/** What the level step hands to placement: the members of each label at its level, and the school units it found. */
export interface LevelAssignment {
  decisions: Map<string, LevelDecision>;
  /** A school-level field a top-level unit stands for when the unit's own field is department-sized. */
  derivedSchools: DerivedSchool[];
}

export interface DerivedSchool {
  field: string;
  record_id: string;
  institution: string;
  /** The department-sized label the unit names. */
  from: string;
  via: string;
}

function byString(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * One label, one level: every label found at several levels lives at the level where most institutions
 * give it (ties: the deeper level, where department-sized fields belong); a school-level field (the
 * backbone's `SCHOOL_FIELDS`) that some source gives at level 0 lives at level 0; a department-sized field
 * never stays at level 0. A level-0 record that calls itself a school ("Division of Chemistry") while naming a
 * department-sized field also stands for the school-level field that houses that field.
 */
export function assignLevels(concepts: ReadonlyArray<Concept>, records: RecordTable): LevelAssignment {
  const byKey = new Map<string, Concept[]>();
  for (const c of concepts) {
    const key = fieldKey(c.label);
    const list = byKey.get(key);
    if (list === undefined) byKey.set(key, [c]);
    else list.push(c);
  }
  const decisions = new Map<string, LevelDecision>();
  const derivedSchools: DerivedSchool[] = [];
  for (const key of [...byKey.keys()].sort(byString)) {
    const members = byKey.get(key)!;
    const perLevel = new Map<number, Set<string>>();
    for (const m of members) {
      const set = perLevel.get(m.level) ?? new Set<string>();
      for (const i of m.institutions) set.add(i);
      perLevel.set(m.level, set);
    }
    const counts: Record<string, number> = {};
    for (const [level, set] of [...perLevel].sort((a, b) => a[0] - b[0])) counts[`L${level}`] = set.size;
    const label = [...members].sort((a, b) => b.institutions.length - a.institutions.length || a.label.length - b.label.length || byString(a.label, b.label))[0]!.label;
    // A school-level name is given at L0 by a top-level record that is not a department ("Department of
    // Kinesiology" listed among a university's schools does not make kinesiology a school there).
    const school =
      schoolField(label) !== null &&
      members.some((m) => m.level === 0 && m.record_ids.some((id) => { const at = records.find(id); return at === -1 || (records.level(at) === 0 && !namesDepartmentUnit(records.text(at)!)); }));
    const found = [...perLevel.keys()].sort((a, b) => a - b);
    const figures = found.map((l) => `L${l} ${perLevel.get(l)!.size}`).join(', ');
    let level: number;
    let reason: string;
    if (school) {
      level = 0;
      reason = found.length === 1 ? 'school-level field' : `school-level field given at L0; found at ${figures} institution(s): lives at L0`;
    } else {
      const eligible = found.filter((l) => l > 0);
      if (eligible.length === 0) {
        level = 1;
        reason = `department-sized field listed as a top-level unit (L0 ${perLevel.get(0)!.size} institution(s)): lives at L1`;
      } else {
        // Most institutions; a tie goes to the deeper level.
        level = eligible.reduce((best, l) => (perLevel.get(l)!.size >= perLevel.get(best)!.size ? l : best), eligible[0]!);
        const moved = found.length > 1 || found[0] !== level;
        reason = !moved
          ? `found at L${level} only`
          : `found at ${figures} institution(s): lives at L${level}${perLevel.has(0) ? ' (a department-sized field never stays at L0)' : ''}`;
      }
    }
    decisions.set(key, { key, label, level, counts, reason });
    if (level === 0) continue;
    // Top-level units that call themselves schools stand for the school-level field housing their field
    // (the backbone is asked only when there is such a unit).
    let housing: HousingSchool | undefined | null = null;
    for (const m of members) {
      if (m.level !== 0) continue;
      for (const id of m.record_ids) {
        const at = records.find(id);
        if (at === -1 || records.level(at) !== 0 || !namesSchoolUnit(records.text(at)!)) continue;
        if (housing === null) housing = housingSchools(label)[0];
        if (housing === undefined) break;
        derivedSchools.push({ field: housing.field, record_id: id, institution: records.institution(at), from: label, via: housing.via });
      }
      if (housing === undefined) break;
    }
  }
  derivedSchools.sort((a, b) => byString(a.field, b.field) || byString(a.record_id, b.record_id) || byString(a.from, b.from));
  return { decisions, derivedSchools };
}
