import { describe, expect, it } from 'vitest';
import { housingSchools } from './backbone.ts';
import { extractLabels } from './extract.ts';
import { fieldFamilies } from './families.ts';
import { fieldKey, isKnownField, stemToken } from './field-lexicon.ts';
import { americanSpelling } from './spelling.ts';
import * as tables from './tables.ts';
import { verifyLabel } from './verify.ts';

/** British spellings of department words, with the American spelling CIP 2020 uses. */
const PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['paediatrics', 'pediatrics'],
  ['orthopaedic', 'orthopedic'],
  ['haematology', 'hematology'],
  ['anaesthesia', 'anesthesia'],
  ['gynaecology', 'gynecology'],
  ['palaeontology', 'paleontology'],
  ['archaeology', 'archeology'],
  ['aetiology', 'etiology'],
  ['leukaemia', 'leukemia'],
  ['oesophageal', 'esophageal'],
  ['foetal', 'fetal'],
  ['coeliac', 'celiac'],
  ['oenology', 'enology'],
  ['behavioural', 'behavioral'],
  ['labour', 'labor'],
  ['tumour', 'tumor'],
  ['centre', 'center'],
  ['centres', 'centers'],
  ['theatre', 'theater'],
  ['fibre', 'fiber'],
  ['defence', 'defense'],
  ['programme', 'program'],
  ['organisation', 'organization'],
  ['specialisation', 'specialization'],
  ['modelling', 'modeling'],
  ['counselling', 'counseling'],
  ['counsellor', 'counselor'],
  ['ageing', 'aging'],
  ['speciality', 'specialty'],
  ['specialities', 'specialties'],
  ['sulphur', 'sulfur'],
  ['aluminium', 'aluminum'],
];

describe('americanSpelling', () => {
  it.each(PAIRS)('%s → %s', (british, american) => {
    expect(americanSpelling(british)).toBe(american);
  });

  it('leaves American spellings as they are (the fold is idempotent)', () => {
    for (const [, american] of PAIRS) expect(americanSpelling(american)).toBe(american);
  });

  it('leaves words that only look like a variant alone: no "-ise" verb, no "-our" outside the listed stems', () => {
    for (const word of ['four', 'tour', 'hour', 'your', 'pour', 'exercise', 'expertise', 'enterprise', 'analysis', 'academia', 'aerospace', 'aesthetics', 'theatrical', 'genre', 'acre', 'travel', 'model', 'hemisphere', 'poems', 'shoe']) {
      expect(americanSpelling(word)).toBe(word);
    }
  });
});

describe('British spellings in the lexicon', () => {
  it('fold inside the comparison keys, on both sides of a lookup', () => {
    expect(stemToken('centres')).toBe('center');
    expect(fieldKey('Paediatrics')).toBe(fieldKey('Pediatrics'));
    expect(fieldKey('Centre for Labour Studies')).toBe(fieldKey('Center for Labor Studies'));
  });

  it.each([
    ['paediatrics', 'pediatrics'],
    ['haematology', 'hematology'],
    ['orthopaedic surgery', 'orthopedic surgery'],
    ['palaeontology', 'paleontology'],
    ['behavioural science', 'behavioral science'],
    ['labour studies', 'labor studies'],
    ['obstetrics and gynaecology', 'obstetrics and gynecology'],
  ])('"%s" is housed, known and placed in a CIP family as "%s" is', (british, american) => {
    expect(housingSchools(british)).toEqual(housingSchools(american));
    expect(housingSchools(british).length).toBeGreaterThan(0);
    expect(fieldFamilies(british)).toEqual(fieldFamilies(american));
    expect(isKnownField(british)).toBe(isKnownField(american));
  });

  it('archaeology meets CIP\'s "Archeology" (45.03) and palaeontology its "Paleontology" (40.0604)', () => {
    expect(housingSchools('archaeology')[0]?.via).toContain('CIP 45.03');
    expect(housingSchools('palaeontology')[0]?.via).toContain('CIP 40.0604');
  });

  it('a British field word is an English word, not a name: "Department of Anaesthesia" names anaesthesia', () => {
    expect(verifyLabel({ label: 'anaesthesia', level: 1 })).toEqual(verifyLabel({ label: 'anesthesia', level: 1 }));
    expect(extractLabels({ text: 'Department of Anaesthesia', institution: 'University of Leeds', level: 1 }).labels.map((l) => l.normalized)).toEqual(['anaesthesia']);
    expect(extractLabels({ text: 'Department of Paediatrics', institution: 'University of Leeds', level: 1 }).labels.map((l) => l.normalized)).toEqual(['paediatrics']);
  });

  it('labels keep the spelling the institution wrote', () => {
    expect(extractLabels({ text: 'Centre for Behavioural Science', institution: null, level: 1 }).labels.map((l) => l.label)).toEqual(['Behavioural Science']);
  });

  it('"Theatre Studies" is the curated theater department (CIP 50.05), not theater management', () => {
    for (const label of ['theater studies', 'theatre studies']) expect(housingSchools(label)[0]?.via).toContain('CIP 50.05');
  });

  it('every table keyed by stemmed tokens still finds a British key after the fold', () => {
    const stemmedKeyTables: ReadonlyArray<ReadonlySet<string> | ReadonlyMap<string, unknown>> = [tables.FAMILY_HINTS, tables.GENERIC_HEADS, tables.PEOPLE_AND_AWARDS, tables.GENERIC_WORDS];
    for (const table of stemmedKeyTables) {
      for (const key of table.keys()) if (americanSpelling(key) !== key) expect(table.has(americanSpelling(key)) || table.has(stemToken(key)), key).toBe(true);
    }
  });
});
