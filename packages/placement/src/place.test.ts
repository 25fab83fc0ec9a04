import { describe, expect, it } from 'vitest';
import { ConceptSchema, SplitOpSchema, conceptId, type Concept, type SplitOp } from '@taxonomy/core';
import { ConfigSchema } from '@taxonomy/config';
import { assignLevels } from './levels.ts';
import { placeConcepts } from './place.ts';
import { RecordTable } from './records.ts';

const SETTINGS = ConfigSchema.parse({}).placement;

/** A record of the sample (or of a held-out page) as placement sees it. */
interface Rec {
  id: string;
  level: number;
  institution: string;
  text: string;
  declared?: string;
  section?: string;
}

/** One concept of post-processing, supported by the given records. */
function concept(level: number, label: string, parent: string | null, records: Rec[], extra: Partial<Concept> = {}): Concept {
  const institutions = [...new Set(records.map((r) => r.institution))].sort();
  return ConceptSchema.parse({
    id: extra.id ?? conceptId(level, label, parent),
    level,
    label,
    parent,
    institutions,
    record_ids: records.map((r) => r.id).sort(),
    records: records.length,
    support: { records: records.length, institutions: institutions.length, count: records.length },
    weight: institutions.length,
    gates: { frequency: true, token_verification: true },
    reasons: ['frequency: kept'],
    ...extra,
  });
}

function recordsOf(recs: Rec[]): RecordTable {
  return RecordTable.of(recs.map((r) => ({ id: r.id, level: r.level, institution: r.institution, text: r.text, declared: r.declared ?? null, section: r.section ?? null })));
}

let n = 0;
function rec(level: number, institution: string, text: string, extra: Partial<Rec> = {}): Rec {
  n += 1;
  return { id: `r-${String(n).padStart(16, '0')}`, level, institution, text, ...extra };
}

function place(concepts: Concept[], recs: Rec[], splitOps: SplitOp[] = []) {
  const result = placeConcepts({ concepts, splitOps, records: recordsOf(recs), settings: SETTINGS });
  const byId = new Map(result.concepts.map((c) => [c.id, c]));
  const find = (level: number, label: string) => result.concepts.find((c) => c.level === level && c.label === label);
  const parentOf = (level: number, label: string) => {
    const c = find(level, label);
    return c?.parent === null || c?.parent === undefined ? null : (byId.get(c.parent)?.label ?? c.parent);
  };
  return { result, find, parentOf };
}

// Real unit names of the sample corpus.
const PENN = 'University of Pennsylvania';
const COLUMBIA = 'Columbia University';
const PRINCETON = 'Princeton University';
const YALE = 'Yale University';
const CALTECH = 'California Institute of Technology';
const CMU = 'Carnegie Mellon University';

describe('assignLevels: one label, one level', () => {
  const princetonChem = rec(0, PRINCETON, 'PRINCETON UNIVERSITY - Department of Chemistry');
  const yaleChem = rec(1, YALE, 'chemistry');
  const pennChem = rec(1, PENN, 'department of chemistry');
  const pennMed = rec(0, PENN, 'UNIVERSITY OF PENNSYLVANIA - Perelman School of Medicine');
  const colMed = rec(0, COLUMBIA, 'COLUMBIA UNIVERSITY - Vagelos College of Physicians and Surgeons');
  const yaleMedDept = rec(1, YALE, 'department of medicine');
  const artDept = rec(1, YALE, 'art');
  const privacyL2 = rec(2, YALE, 'Privacy');
  const privacyL3 = rec(3, 'NeurIPS', 'Privacy');
  const recs = [princetonChem, yaleChem, pennChem, pennMed, colMed, yaleMedDept, artDept, privacyL2, privacyL3];
  const concepts = [
    concept(0, 'chemistry', null, [princetonChem]),
    concept(1, 'chemistry', 'L0:arts-and-sciences', [yaleChem, pennChem]),
    concept(0, 'medicine', null, [pennMed, colMed]),
    concept(1, 'medicine', 'L0:medicine', [yaleMedDept]),
    concept(1, 'art', 'L0:arts', [artDept]),
    concept(2, 'privacy', 'L1:computer-science', [privacyL2]),
    concept(3, 'privacy', 'L2:machine-learning', [privacyL3]),
  ];
  const { decisions } = assignLevels(concepts, recordsOf(recs));
  it.each([
    ['chemistry', 1, /found at L0 1, L1 2 institution\(s\): lives at L1 \(a department-sized field never stays at L0\)/u],
    ['medicine', 0, /school-level field given at L0/u],
    // A school-level name no source gives at level 0 is a department ("Department of Art").
    ['art', 1, /found at L1 only/u],
    // A tie goes to the deeper level.
    ['privacy', 3, /found at L2 1, L3 1 institution\(s\): lives at L3/u],
  ])('%s lives at L%i', (label, level, reason) => {
    const d = [...decisions.values()].find((x) => x.label === label)!;
    expect(d.level).toBe(level);
    expect(d.reason).toMatch(reason);
  });
});

describe('placeConcepts', () => {
  it('keeps every declared parent of a source that is the only evidence (held-out CSV paths)', () => {
    const torontoFaculty = rec(0, 'University of Toronto', 'Faculty of Arts & Science');
    const cs = rec(1, 'University of Toronto', 'Department of Computer Science', { declared: 'Faculty of Arts & Science' });
    const edinburgh = rec(0, 'University of Edinburgh', 'College of Humanities and Social Science');
    const history = rec(1, 'University of Edinburgh', 'School of History, Classics and Archaeology', { declared: 'College of Humanities and Social Science' });
    const { result, parentOf, find } = place(
      [
        concept(0, 'arts and science', null, [torontoFaculty]),
        concept(0, 'humanities', null, [edinburgh]),
        concept(0, 'social science', null, [edinburgh]),
        concept(1, 'computer science', 'L0:arts-and-science', [cs]),
        concept(1, 'history', 'L0:humanities', [history]),
      ],
      [torontoFaculty, cs, edinburgh, history],
    );
    expect(parentOf(1, 'computer science')).toBe('arts and science');
    expect(find(1, 'computer science')!.placement!.method).toBe('declared');
    // "College of Humanities and Social Science" reads as two fields: the one that houses history wins.
    expect(parentOf(1, 'history')).toBe('humanities');
    expect(result.levels['level_1']!.declared_kept).toBe(2);
    expect(result.overrides).toEqual([]);
  });

  it("puts a department under its own institution's school that the backbone says houses it", () => {
    const colMed = rec(0, COLUMBIA, 'COLUMBIA UNIVERSITY - Vagelos College of Physicians and Surgeons');
    const colAS = rec(0, COLUMBIA, 'COLUMBIA UNIVERSITY - Graduate School of Arts and Sciences');
    const pennMed = rec(0, PENN, 'UNIVERSITY OF PENNSYLVANIA - Perelman School of Medicine');
    const pennAS = rec(0, PENN, 'UNIVERSITY OF PENNSYLVANIA - School of Arts & Sciences');
    const peds = [rec(1, COLUMBIA, 'department of pediatrics'), rec(1, PENN, 'pediatrics')];
    const chem = [rec(1, COLUMBIA, 'chemistry'), rec(1, PENN, 'chemistry')];
    const { parentOf, find } = place(
      [
        concept(0, 'medicine', null, [colMed, pennMed]),
        concept(0, 'arts and sciences', null, [colAS, pennAS]),
        concept(1, 'pediatrics', 'L0:arts-and-sciences', peds),
        concept(1, 'chemistry', 'L0:medicine', chem),
      ],
      [colMed, colAS, pennMed, pennAS, ...peds, ...chem],
    );
    expect(parentOf(1, 'pediatrics')).toBe('medicine');
    expect(parentOf(1, 'chemistry')).toBe('arts and sciences');
    const p = find(1, 'pediatrics')!.placement!;
    expect(p).toMatchObject({ method: 'institution', confidence: 1, votes: 2 });
    expect(p.reasons.join(' ')).toMatch(/its school of medicine houses pediatrics \(CIP 60\.0425/u);
  });

  it('reads a Commonwealth "Faculty of Arts" as the faculty of the humanities and social sciences, unless the institution has a school of its own for them', () => {
    // Real units and departments of the held-out sets (McGill; Monash, packages/placement/eval/heldout-spelling).
    const mcgillArts = rec(0, 'McGill University', 'Faculty of Arts');
    const mcgillSci = rec(0, 'McGill University', 'Faculty of Science');
    const monashArts = rec(0, 'Monash University', 'Faculty of Arts');
    const monashMed = rec(0, 'Monash University', 'Faculty of Medicine, Nursing and Health Sciences');
    const witsHum = rec(0, 'University of the Witwatersrand', 'Faculty of Humanities');
    const mosesArts = rec(0, COLUMBIA, 'COLUMBIA UNIVERSITY - School of the Arts');
    const history = [rec(1, 'McGill University', 'History and Classical Studies'), rec(1, 'Monash University', 'History')];
    const economics = [rec(1, 'McGill University', 'Economics')];
    const philosophy = [rec(1, 'University of the Witwatersrand', 'Philosophy')];
    const film = [rec(1, COLUMBIA, 'film')];
    const { parentOf, find } = place(
      [
        concept(0, 'arts', null, [mcgillArts, monashArts, mosesArts]),
        concept(0, 'science', null, [mcgillSci]),
        concept(0, 'medicine', null, [monashMed]),
        concept(0, 'humanities', null, [witsHum]),
        concept(1, 'history', null, history),
        concept(1, 'economics', null, economics),
        concept(1, 'philosophy', null, philosophy),
        concept(1, 'film', null, film),
      ],
      [mcgillArts, mcgillSci, monashArts, monashMed, witsHum, mosesArts, ...history, ...economics, ...philosophy, ...film],
    );
    expect(parentOf(1, 'history')).toBe('arts');
    expect(find(1, 'history')!.placement!).toMatchObject({ method: 'institution', votes: 2 });
    expect(find(1, 'history')!.placement!.reasons.join(' ')).toMatch(/its school of arts houses history \(CIP 54\.01 "History"; fit 1; its "Faculty of Arts" is a faculty of the humanities and social sciences\)/u);
    expect(parentOf(1, 'economics')).toBe('arts');
    // Wits has a Faculty of Humanities of its own; a US "School of the Arts" stays a school of the fine arts.
    expect(parentOf(1, 'philosophy')).toBe('humanities');
    expect(parentOf(1, 'film')).toBe('arts');
    expect(find(1, 'film')!.placement!.reasons.join(' ')).not.toMatch(/faculty of the humanities/u);
  });

  it('outvotes a declared parent only by more institutions, and says so', () => {
    const ubcScience = rec(0, 'University of British Columbia', 'Faculty of Science');
    const ubcPhysics = rec(1, 'University of British Columbia', 'Department of Physics and Astronomy', { declared: 'Faculty of Science' });
    const schools = [PENN, COLUMBIA, YALE].map((i) => rec(0, i, `${i.toUpperCase()} - School of Arts and Sciences`));
    const physics = [PENN, COLUMBIA, YALE].map((i) => rec(1, i, 'physics'));
    const { result, parentOf, find } = place(
      [concept(0, 'science', null, [ubcScience]), concept(0, 'arts and sciences', null, schools), concept(1, 'physics', 'L0:science', [ubcPhysics, ...physics])],
      [ubcScience, ubcPhysics, ...schools, ...physics],
    );
    expect(parentOf(1, 'physics')).toBe('arts and sciences');
    const p = find(1, 'physics')!.placement!;
    expect(p.alternatives).toEqual([expect.objectContaining({ label: 'science', votes: 1, institutions: ['University of British Columbia'], methods: ['declared'] })]);
    expect(result.overrides).toEqual([
      expect.objectContaining({ institution: 'University of British Columbia', declared: 'Faculty of Science', declared_parent: 'L0:science', chosen_parent: 'L0:arts-and-sciences' }),
    ]);
    expect(result.overrides[0]!.reason).toMatch(/outvoted by 3 vote\(s\) of 3 institution\(s\) for arts and sciences against 1/u);
    expect(result.levels['level_1']).toMatchObject({ declared_kept: 0, declared_overridden: 1 });
  });

  it('lets a school unit whose field is department-sized stand for the school-level field that houses it', () => {
    const division = rec(0, CALTECH, 'CALIFORNIA INSTITUTE OF TECHNOLOGY - Division of Chemistry and Chemical Engineering');
    const scs = rec(0, CMU, 'CARNEGIE MELLON UNIVERSITY - School of Computer Science');
    const chem = [rec(1, CALTECH, 'chemistry'), rec(1, YALE, 'chemistry')];
    const cs = [rec(1, CMU, 'computer science department'), rec(1, YALE, 'computer science')];
    const ml = rec(1, CMU, 'Machine Learning Department', { section: 'School of Computer Science' });
    const { find, parentOf } = place(
      [
        concept(0, 'chemistry', null, [division]),
        concept(0, 'computer science', null, [scs]),
        concept(1, 'chemistry', 'L0:chemistry', chem),
        concept(1, 'computer science', 'L0:computer-science', cs),
        concept(1, 'machine learning', 'L0:computer-science', [ml]),
      ],
      [division, scs, ...chem, ...cs, ml],
    );
    expect(find(0, 'chemistry')).toBeUndefined();
    expect(find(0, 'physical sciences')!.institutions).toEqual([CALTECH]);
    expect(find(0, 'computing')!.reasons.join(' ')).toMatch(/is a school; computer science is department-sized, so the school-level field computing stands for it/u);
    expect(parentOf(1, 'chemistry')).toBe('physical sciences');
    expect(parentOf(1, 'computer science')).toBe('computing');
    // No parent shares its child's label.
    expect(parentOf(1, 'computer science')).not.toBe('computer science');
  });

  it('merges the names of one school type given at L0 into one concept, the more common name leading', () => {
    const penn = rec(0, PENN, 'UNIVERSITY OF PENNSYLVANIA - School of Dental Medicine');
    const columbia = rec(0, COLUMBIA, 'COLUMBIA UNIVERSITY - College of Dental Medicine');
    const nyu = rec(0, 'New York University', 'NEW YORK UNIVERSITY - College of Dentistry');
    const { result } = place(
      [concept(0, 'dental medicine', null, [penn, columbia]), concept(0, 'dentistry', null, [nyu])],
      [penn, columbia, nyu],
    );
    const l0 = result.concepts.filter((c) => c.level === 0);
    expect(l0.map((c) => [c.label, c.aliases, c.institutions.length])).toEqual([['dental medicine', ['dentistry'], 3]]);
  });

  it('falls back to the CIP backbone with a confidence, and leaves a concept unplaced below the floor', () => {
    const schools = [rec(0, YALE, 'YALE UNIVERSITY - School of Engineering & Applied Science')];
    const naval = rec(1, 'University of Michigan', 'naval architecture & marine engineering');
    const rotc = rec(1, 'Duke University', 'navy rotc');
    const { find, parentOf } = place(
      [concept(0, 'engineering', null, schools), concept(1, 'naval architecture', 'L0:engineering', [naval]), concept(1, 'military science', 'L0:engineering', [rotc])],
      [...schools, naval, rotc],
    );
    expect(parentOf(1, 'naval architecture')).toBe('engineering');
    expect(find(1, 'naval architecture')!.placement).toMatchObject({ method: 'backbone', confidence: SETTINGS.backbone_weight_exact, votes: 0 });
    expect(find(1, 'military science')!.parent).toBe('unresolved:L0:unplaced');
    expect(find(1, 'military science')!.placement!.method).toBe('unplaced');
    expect(find(1, 'military science')!.reasons.at(-1)).toMatch(/unplaced: no declared or institution evidence .* left for review/u);
  });

  it('merges two senses back when placement puts them under one parent', () => {
    const cmuSchool = rec(0, CMU, 'CARNEGIE MELLON UNIVERSITY - School of Computer Science');
    const a = rec(1, CMU, 'Language Technologies Institute', { section: 'School of Computer Science' });
    const b = rec(1, CMU, 'language technologies institute');
    const senseA = concept(1, 'language technologies', 'L0:computing', [a], { id: 'L1:language-technologies~3e913a', gloss: 'within computer science' });
    const senseB = concept(1, 'language technologies', 'L0:english-language', [b], { id: 'L1:language-technologies~50c0c2', gloss: 'within english language' });
    const op = SplitOpSchema.parse({ operation_id: 'split-1', level: 1, source_id: 'senses:L1:language-technologies', new_ids: [senseA.id, senseB.id], rule: 'test' });
    const { result } = place([concept(0, 'computing', null, [cmuSchool]), senseA, senseB], [cmuSchool, a, b], [op]);
    const lt = result.concepts.filter((c) => c.label === 'language technologies');
    expect(lt).toHaveLength(1);
    expect(lt[0]!.record_ids).toHaveLength(2);
    expect(result.counters['senses_merged']).toBe(1);
  });

  it("places research areas under each institution's own departments, every institution asked once for all its areas", () => {
    const school = [rec(0, CMU, 'CARNEGIE MELLON UNIVERSITY - School of Computer Science'), rec(0, YALE, 'YALE UNIVERSITY - Faculty of Arts and Sciences')];
    const csDept = [rec(1, CMU, 'computer science department'), rec(1, YALE, 'computer science')];
    const chemDept = [rec(1, YALE, 'chemistry'), rec(1, CMU, 'department of chemistry')];
    const ml = [rec(2, CMU, 'Machine Learning'), rec(2, YALE, 'machine learning')];
    const organic = [rec(2, YALE, 'Organic Chemistry'), rec(2, CMU, 'organic chemistry')];
    const { parentOf, find } = place(
      [
        concept(0, 'computing', null, [school[0]!]),
        concept(0, 'arts and sciences', null, [school[1]!]),
        concept(1, 'computer science', 'L0:computing', csDept),
        concept(1, 'chemistry', 'L0:arts-and-sciences', chemDept),
        concept(2, 'machine learning', 'L1:computer-science', ml),
        concept(2, 'organic chemistry', 'L1:chemistry', organic),
      ],
      [...school, ...csDept, ...chemDept, ...ml, ...organic],
    );
    expect([parentOf(2, 'machine learning'), parentOf(2, 'organic chemistry')]).toEqual(['computer science', 'chemistry']);
    for (const label of ['machine learning', 'organic chemistry']) {
      expect(find(2, label)!.placement).toMatchObject({ method: 'institution', votes: 2, institutions: [CMU, YALE] });
    }
  });

  it('is deterministic whatever the input order', () => {
    const recs = [rec(0, PENN, 'UNIVERSITY OF PENNSYLVANIA - Perelman School of Medicine'), rec(1, PENN, 'dermatology'), rec(0, YALE, 'YALE UNIVERSITY - Dermatology'), rec(1, YALE, 'dermatology')];
    const concepts = [concept(0, 'medicine', null, [recs[0]!]), concept(0, 'dermatology', null, [recs[2]!]), concept(1, 'dermatology', 'L0:dermatology', [recs[1]!, recs[3]!])];
    const one = place(concepts, recs).result;
    const two = place([...concepts].reverse(), [...recs].reverse()).result;
    expect(JSON.stringify(two.concepts)).toBe(JSON.stringify(one.concepts));
    expect(one.concepts.find((c) => c.label === 'dermatology')!.level).toBe(1);
  });
});
