import { describe, expect, it } from 'vitest';
import { defaultConfig } from '@taxonomy/config';
import { editDistance } from '@taxonomy/core';
import { InstitutionResolver, titleCaseName, withinEditDistance } from './institution-identity.ts';

const policy = defaultConfig().s2.institution_policy;

/** Every institution of the sample, in the spellings the sample uses (units: all caps; departments: lower case). */
const SAMPLE: Array<[string[], string]> = [
  [['UNIVERSITY OF PENNSYLVANIA', 'university of pennsylvania', 'UPenn', 'Penn'], 'University of Pennsylvania'],
  [['DUKE UNIVERISTY', 'duke univeristy', 'Duke University'], 'Duke University'],
  [['CORNELL UNIVERSITY', 'cornell university'], 'Cornell University'],
  [['UNIVERSITY OF CALIFORNIA, LOS ANGELES', 'university of california, los angeles', 'UCLA'], 'University of California, Los Angeles'],
  [['UNIVERSITY OF CALIFORNIA, BERKELEY', 'university of california, berkeley', 'UC Berkeley'], 'University of California, Berkeley'],
  [['CARNEGIE MELLON UNIVERSITY', 'carnegie mellon university', 'CMU'], 'Carnegie Mellon University'],
  [['CALIFORNIA INSTITUTE OF TECHNOLOGY', 'california institute of technology', 'Caltech'], 'California Institute of Technology'],
  [['PRINCETON UNIVERSITY', 'princeton university'], 'Princeton University'],
  [['UNIVERSITY OF ILLINOIS URBANA-CHAMPAIGN', 'university of illinois urbana-champaign', 'UIUC'], 'University of Illinois Urbana-Champaign'],
  [['JOHNS HOPKINS UNIVERSITY', 'johns hopkins university', 'JHU'], 'Johns Hopkins University'],
  [['UNIVERSITY OF CHICAGO', 'university of chicago'], 'University of Chicago'],
  [['NORTHWESTERN UNIVERSITY', 'northwestern university'], 'Northwestern University'],
  [['COLUMBIA UNIVERSITY', 'columbia university'], 'Columbia University'],
  [['HARVARD UNIVERSITY', 'harvard university'], 'Harvard University'],
  [['MASSACHUSETTS INSTITUTE OF TECHNOLOGY', 'massachusetts institute of technology', 'MIT'], 'Massachusetts Institute of Technology'],
  [['YALE UNIVERSITY', 'yale university'], 'Yale University'],
  [['NEW YORK UNIVERSITY', 'new york university', 'NYU'], 'New York University'],
  [['STANFORD UNIVERSITY', 'stanford university'], 'Stanford University'],
  [['UNIVERSITY OF WASHINGTON', 'university of washington'], 'University of Washington'],
  [['UNIVERSITY OF MICHIGAN', 'university of michigan'], 'University of Michigan'],
];

describe('InstitutionResolver', () => {
  it.each(SAMPLE)('%j → %s', (spellings, expected) => {
    const resolver = new InstitutionResolver(policy, SAMPLE.flatMap(([s]) => s));
    for (const s of spellings) expect(resolver.resolve(s)).toBe(expected);
  });

  it('does not depend on which spelling came first', () => {
    const a = new InstitutionResolver(policy, ['DUKE UNIVERISTY', 'Duke University']);
    const b = new InstitutionResolver(policy, ['Duke University', 'DUKE UNIVERISTY']);
    expect(a.resolve('duke univeristy')).toBe(b.resolve('duke univeristy'));
  });

  it.each([
    [['UCSD', 'University of California San Diego', 'UCSD']],
    [['UCSD', 'UCSD', 'University of California San Diego']],
    [['University of California San Diego', 'ucsd', 'UCSD', 'UCSD']],
  ])('initials seen before or after the full name, repeated or not: %j', (names) => {
    const resolver = new InstitutionResolver(policy);
    for (const name of names) resolver.observe(name);
    expect(resolver.resolve('UCSD')).toBe('University of California San Diego');
    expect(resolver.resolve('ucsd')).toBe('University of California San Diego');
  });

  it.each([
    ['University of Washington', 'Washington University in St. Louis'],
    ['University of Michigan', 'Michigan State University'],
    ['University of California, Berkeley', 'University of California, Los Angeles'],
    ['Columbia University', 'Colombia University'],
  ])('keeps %s and %s apart', (a, b) => {
    const resolver = new InstitutionResolver(policy, [a, b]);
    expect(resolver.resolve(a)).not.toBe(resolver.resolve(b));
  });

  it.each([[''], ['   '], ['unknown'], ['Unknown'], [null]])('one placeholder for %j', (name) => {
    expect(new InstitutionResolver(policy).resolve(name)).toBe('placeholder::unknown');
  });

  it('honours configured mappings and the system policy', () => {
    const mapped = new InstitutionResolver({ ...policy, canonical_mappings: { 'Penn State': 'Pennsylvania State University' } });
    expect(mapped.resolve('PENN STATE')).toBe('Pennsylvania State University');
    const system = new InstitutionResolver({ ...policy, campus_vs_system: 'prefer-system' }, ['University of California, Berkeley', 'University of California, Los Angeles']);
    expect(system.resolve('University of California, Berkeley')).toBe(system.resolve('UNIVERSITY OF CALIFORNIA, LOS ANGELES'));
  });

  it.each([
    ['univeristy', 'university', 1],
    ['colombia', 'columbia', 1],
    ['kitten', 'sitting', 3],
  ])('editDistance(%s, %s) = %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });

  // Typos and near misses of the name words (the bench's misspelt institutions), transpositions, unrelated words.
  it.each([
    ['univeristy', 'university'],
    ['institue', 'institute'],
    ['tecnology', 'technology'],
    ['techonlogy', 'technology'],
    ['califronia', 'california'],
    ['pennsylvannia', 'pennsylvania'],
    ['massachusets', 'massachusetts'],
    ['acadmey', 'academy'],
    ['colombia', 'columbia'],
    ['polytechnique', 'polytechnic'],
    ['northwestern', 'institute'],
    ['washington', 'california'],
    ['state', 'taste'],
    ['schools', 'school'],
    ['ab', 'ba'],
    ['', 'state'],
    ['kitten', 'sitting'],
  ])('withinEditDistance(%s, %s, k) is editDistance ≤ k for every k', (a, b) => {
    for (const k of [0, 1, 2, 3, 4]) {
      expect(withinEditDistance(a, b, k)).toBe(editDistance(a, b) <= k);
      expect(withinEditDistance(b, a, k)).toBe(editDistance(b, a) <= k);
    }
  });

  it('title-cases with lower-case function words and capitals after hyphens', () => {
    expect(titleCaseName('UNIVERSITY OF ILLINOIS URBANA-CHAMPAIGN')).toBe('University of Illinois Urbana-Champaign');
  });
});
