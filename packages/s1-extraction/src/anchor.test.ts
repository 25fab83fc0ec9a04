import { describe, expect, it } from 'vitest';
import { conceptId } from '@taxonomy/core';
import { defaultConfig } from '@taxonomy/config';
import { ParentIndex, anchorCandidate, anchorKeys, sameInstitution, usableSection, type ParentConcept } from './anchor.ts';

const config = defaultConfig().s1;

function l0(label: string, aliases: string[], institutions: string[]): ParentConcept {
  return { id: conceptId(0, label, null), label, aliases, institutions };
}

/** Level-0 concepts as S3 would verify them from the sample units. */
const L0 = [
  l0('engineering', ['College of Engineering', 'the Grainger College of Engineering'], ['cornell university', 'university of illinois urbana-champaign']),
  l0('physics', ['Physics, Department of'], ['university of chicago', 'yale university']),
  l0('medicine', ['Perelman School of Medicine', 'Duke University School of Medicine'], ['duke univeristy', 'university of pennsylvania']),
  l0('computer science', ['CS'], ['carnegie mellon university']),
  l0('business', ['the Wharton School'], ['university of pennsylvania']),
  l0('biology', [], ['yale university']),
  l0('music', [], ['yale university']),
];

/** Level-1 concepts: two "physics" under different L0 parents, to test the same-institution preference. */
const physicsUnderPhysics = { id: conceptId(1, 'physics', conceptId(0, 'physics', null)), label: 'physics', aliases: [], institutions: ['yale university'] };
const physicsUnderEngineering = { id: conceptId(1, 'physics', conceptId(0, 'engineering', null)), label: 'physics', aliases: ['applied physics'], institutions: ['cornell university', 'stanford university'] };
const L1 = [
  physicsUnderPhysics,
  physicsUnderEngineering,
  { id: conceptId(1, 'computer science', conceptId(0, 'engineering', null)), label: 'computer science', aliases: ['CS', 'Department of Computer Science'], institutions: ['cornell university'] },
];

const index0 = new ParentIndex(L0, { parentLevel: 0, config });
const index1 = new ParentIndex(L1, { parentLevel: 1, config });

describe('anchorKeys', () => {
  it.each([
    ['Department of Physics', ['department of physics', 'physics']],
    ['Physics, Department of', ['physics department of', 'physics']],
    ['Computer Science (CS)', ['computer science cs', 'computer science']],
    ['the Wharton School', ['the wharton school', 'wharton school']],
  ])('%s → %j', (text, keys) => {
    expect(anchorKeys(text, ['department of', 'school of', 'the'])).toEqual(keys);
  });
});

describe('ParentIndex.resolve', () => {
  it.each([
    ['College of Engineering', 'L0:engineering', 'exact'],
    ['School of Engineering', 'L0:engineering', 'exact'],
    ['Engineering', 'L0:engineering', 'exact'],
    ['engineerin', 'L0:engineering', 'fuzzy'],
    ['Department of Physics', 'L0:physics', 'exact'],
    ['Perelman School of Medicine', 'L0:medicine', 'exact'],
    ['School of Medicine', 'L0:medicine', 'exact'],
    ['computer sciences', 'L0:computer-science', 'fuzzy'],
    ['CS', 'L0:computer-science', 'exact'],
  ])('%s → %s (%s)', (anchor, id, how) => {
    const m = index0.resolve(anchor, null);
    expect(m?.concept.id).toBe(id);
    expect(m?.how).toBe(how);
  });

  it.each([['Engg'], ['Law School'], ['machine learning']])('%s resolves to nothing', (anchor) => {
    expect(index0.resolve(anchor, null)).toBeNull();
  });

  it('prefers the concept the record institution supports, else the widest', () => {
    expect(index1.resolve('physics', 'YALE UNIVERSITY')?.concept.id).toBe(physicsUnderPhysics.id);
    expect(index1.resolve('physics', 'Princeton University')?.concept.id).toBe(physicsUnderEngineering.id);
  });
});

describe('anchorCandidate', () => {
  it('level 0 is the root', () => {
    expect(anchorCandidate({ level: 0, normalized: 'physics', institution: 'YALE UNIVERSITY', declared: ['science'], section: null }, index0)).toEqual({
      parent: null,
      anchor: { method: 'root', anchor: null, detail: 'level 0 has no parent' },
    });
  });

  it.each([
    // declared: the record's parent_anchor or the model's parents, exact then fuzzy
    [{ normalized: 'computer engineering', declared: ['College of Engineering'], section: null }, 'L0:engineering', 'declared'],
    [{ normalized: 'oncology', declared: ['Engg', 'Perelman School of Medicine'], section: null }, 'L0:medicine', 'declared'],
    [{ normalized: 'robotics', declared: ['engineerin'], section: null }, 'L0:engineering', 'declared'],
    // name: the section heading names a parent, else the label itself is a parent's name
    [{ normalized: 'theory', declared: [], section: 'Computer Science' }, 'L0:computer-science', 'name'],
    [{ normalized: 'physics', declared: [], section: null }, 'L0:physics', 'name'],
    // lexicon: head word / field family
    [{ normalized: 'molecular biology', declared: [], section: null }, 'L0:biology', 'lexicon'],
    [{ normalized: 'electrical engineering', declared: [], section: '<default>' }, 'L0:engineering', 'lexicon'],
  ])('%j → %s by %s', (input, parent, method) => {
    const decision = anchorCandidate({ level: 1, institution: 'yale university', ...input }, index0);
    expect(decision.parent).toBe(parent);
    expect(decision.anchor.method).toBe(method);
  });

  it.each([
    [['Law School'], 'unresolved:L0:law-school', 'Law School'],
    [[], 'unresolved:L0:unknown', null],
  ])('unresolved anchors get the scoped fallback id (%j)', (declared, parent, anchor) => {
    const decision = anchorCandidate({ level: 1, normalized: 'jurisprudence', institution: 'yale university', declared, section: null }, index0);
    expect(decision).toMatchObject({ parent, anchor: { method: 'unresolved', anchor } });
  });

  it('only consults the level above: an L2 anchor naming an L0 field does not resolve to it', () => {
    const decision = anchorCandidate({ level: 2, normalized: 'quantum optics', institution: 'yale university', declared: ['Medicine'], section: null }, index1);
    expect(decision.parent).toBe('unresolved:L1:medicine');
    const viaL1 = anchorCandidate({ level: 2, normalized: 'quantum optics', institution: 'yale university', declared: ['Department of Physics'], section: null }, index1);
    expect(viaL1.parent).toBe(physicsUnderPhysics.id);
  });

  it('without any parent concepts every candidate is unresolved', () => {
    const decision = anchorCandidate({ level: 1, normalized: 'physics', institution: null, declared: ['Physics'], section: null }, new ParentIndex([], { parentLevel: 0, config }));
    expect(decision).toMatchObject({ parent: 'unresolved:L0:physics', anchor: { method: 'unresolved', detail: 'no verified L0 concepts to anchor to' } });
  });
});

describe('usableSection', () => {
  it.each([
    ['<default>', null],
    ['  ', null],
    [null, null],
    ['Research Areas', 'Research Areas'],
  ])('%s → %s', (section, expected) => {
    expect(usableSection(section)).toBe(expected);
  });
});

describe('unresolved fallback scope', () => {
  it('a section heading that resolves to nothing does not scope the fallback id', () => {
    const decision = anchorCandidate(
      { level: 1, normalized: 'wellness', institution: 'California Institute of Technology', declared: [], section: 'Areas of Study and Research' },
      index0,
    );
    expect(decision).toMatchObject({ parent: 'unresolved:L0:unknown', anchor: { method: 'unresolved', anchor: null } });
  });
});

describe('sameInstitution', () => {
  it.each([
    ['DUKE UNIVERISTY', ['duke university'], true],
    ['UNIVERSITY OF PENNSYLVANIA', ['university of pennsylvania'], true],
    ['University of California, Berkeley', ['university of california los angeles'], false],
    ['UNIVERSITY OF MICHIGAN', ['university of chicago'], false],
    ['CORNELL UNIVERSITY', ['columbia university', 'yale university'], false],
    [null, ['yale university'], false],
  ])('%s among %j → %s', (institution, list, expected) => {
    expect(sameInstitution(institution, list)).toBe(expected);
  });
});
