import { describe, expect, it } from 'vitest';
import { SCHOOL_FIELDS, housingSchools, isSchoolField, namesDepartmentUnit, namesSchoolUnit, schoolField, unitSchoolTypes } from './backbone.ts';

describe('schoolField: the school type a label names', () => {
  it.each([
    // Names of the sample's top-level units, as extraction labels them.
    ['arts and sciences', 'arts and sciences'],
    ['Arts & Sciences', 'arts and sciences'],
    ['arts and science', 'arts and sciences'],
    ['letters and science', 'arts and sciences'],
    ['dental medicine', 'dentistry'],
    ['dentistry', 'dentistry'],
    ['public affairs', 'public policy'],
    ['public service', 'public policy'],
    ['management', 'business'],
    ['social welfare', 'social work'],
    ['industrial relations', 'labor relations'],
    ['fine arts', 'arts'],
    ['medicine', 'medicine'],
    ['engineering', 'engineering'],
    ['applied science', 'engineering'],
    ['information studies', 'information science'],
    // Department-sized fields some sources list at the top.
    ['chemistry', null],
    ['french', null],
    ['dermatology', null],
    ['computer science', null],
    ['mathematical sciences', null],
    ['earth sciences', null],
  ])('%s → %s', (label, type) => {
    expect(schoolField(label)).toBe(type);
    expect(isSchoolField(label)).toBe(type !== null);
  });

  it('lists every school-level name once, normalized', () => {
    expect(SCHOOL_FIELDS.has('veterinary medicine')).toBe(true);
    expect(SCHOOL_FIELDS.has('chemistry')).toBe(false);
    for (const f of SCHOOL_FIELDS) expect(f).toBe(f.toLowerCase());
  });
});

describe('housingSchools: which school types house a department', () => {
  it.each([
    // An exact CIP title (residency furniture removed).
    ['pediatrics', 'medicine', true],
    ['surgery', 'medicine', true],
    ['chemistry', 'physical sciences', true],
    ['epidemiology', 'public health', true],
    ['biostatistics', 'public health', true],
    ['computer science', 'computing', true],
    ['music', 'music', true],
    // A conjunct of a CIP title ("Naval Architecture and Marine Engineering").
    ['naval architecture', 'engineering', true],
    ['marine engineering', 'engineering', true],
    ['historic preservation', 'architecture', true],
    // A compound's head ("neurosurgery" → surgery) and a run of words inside a longer name.
    ['neurosurgery', 'medicine', true],
    ['public health sciences', 'medicine', true],
    // A profession's qualifier settles the school.
    ['veterinary clinical medicine', 'veterinary medicine', true],
    // Curated department code: CIP files "Theatre/Theater" under leisure (36.0117).
    ['theater', 'arts', true],
    // Word evidence only.
    ['english', 'humanities', false],
    ['global studies', 'global affairs', false],
    ['employment relations', 'labor relations', false],
    // A word's own titles before its compound head's ("psychoanalysis" → analysis was criminal justice's crime
    // analysis; "biosystems" → system was 11.05 Computer Systems Analysis).
    ['psychoanalysis', 'medicine', false],
    ['biosystems', 'engineering', false],
  ])('%s → %s first (exact: %s)', (label, first, exact) => {
    const schools = housingSchools(label);
    expect(schools[0]?.field).toBe(first);
    expect(schools[0]?.exact).toBe(exact);
    expect(schools[0]?.via).toMatch(/CIP|names a/u);
  });

  it('leaves out minor word evidence: "integrative" in integrative biology does not pull it to medicine', () => {
    expect(housingSchools('integrative biology')[0]?.field).toBe('biological sciences');
  });

  it('houses nothing when no academic CIP code is reached (ROTC units)', () => {
    expect(housingSchools('military science')).toEqual([]);
  });

  it('scores in (0, 1], best first, each school type once', () => {
    const schools = housingSchools('history of art');
    expect(new Set(schools.map((s) => s.field)).size).toBe(schools.length);
    for (let i = 1; i < schools.length; i += 1) expect(schools[i]!.score).toBeLessThanOrEqual(schools[i - 1]!.score);
    for (const s of schools) expect(s.score > 0 && s.score <= 1).toBe(true);
  });
});

describe('namesSchoolUnit / namesDepartmentUnit', () => {
  it.each([
    ['CALIFORNIA INSTITUTE OF TECHNOLOGY - Division of Chemistry and Chemical Engineering', true, false],
    ['CARNEGIE MELLON UNIVERSITY - School of Computer Science', true, false],
    ['UNIVERSITY OF CALIFORNIA, BERKELEY - College of Chemistry', true, false],
    ['PRINCETON UNIVERSITY - Department of Chemistry', false, true],
    ['UNIVERSITY OF CHICAGO - Chemistry, Department of', false, true],
    ['UNIVERSITY OF CHICAGO - Social Thought, Committee on', false, true],
    ['YALE UNIVERSITY - Chemistry', false, false],
    ['MASSACHUSETTS INSTITUTE OF TECHNOLOGY - School of Architecture and Planning', true, false],
    ['Faculty of Arts & Science', true, false],
  ])('%s → school %s, department %s', (text, school, department) => {
    expect(namesSchoolUnit(text)).toBe(school);
    expect(namesDepartmentUnit(text)).toBe(department);
  });
});

describe('unitSchoolTypes', () => {
  it.each([
    ['Faculty of Arts', ['humanities', 'social sciences']],
    ['McGill Faculty of Arts', ['humanities', 'social sciences']],
    ['Faculty of Arts and Social Sciences', ['humanities', 'social sciences']],
    ['Faculty of Arts & Humanities', ['humanities', 'social sciences']],
    ['Faculty of Arts and Sciences', []],
    ['Faculty of Arts & Science', []],
    ['Faculty of Fine Arts', []],
    ['School of the Arts', []],
    ['College of Arts', []],
    ['Faculty of Art, Design and Architecture', []],
    ['Faculty of Science', []],
  ])('%s → %j', (unit, types) => {
    expect(unitSchoolTypes(unit)).toEqual(types);
  });
});
