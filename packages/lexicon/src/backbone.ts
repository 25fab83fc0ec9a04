import { tokenize } from '@taxonomy/core';
import { normalize } from './normalize.ts';
import { loadCip } from './cip.ts';
import { fieldKey } from './field-lexicon.ts';
import { compoundHead, familyEvidence } from './parents.ts';
import { splitFields } from './split.ts';

/**
 * The field backbone: which school-level fields house which CIP 2020 families, series and programs.
 *
 * A school-level field is a field universities name a top-level unit after (a college, school, faculty
 * or division): `medicine`, `engineering`, `arts and sciences`, `public policy`. An entry earns its
 * place in `SCHOOL_FIELDS` when universities in several countries have top-level units of that name —
 * it is a fact about how universities are organised, never a patch for one institution's string.
 * Department-sized fields that some universities list at the top (`chemistry`, `french`, `dermatology`)
 * are not school-level: placement moves them to level 1 and puts them under a school that houses them.
 *
 * `HOUSING` maps a CIP code (2-digit family, 4-digit series or 6-digit program; the most specific one
 * that is listed wins) to the school-level fields that typically house its departments, most specific
 * first. Order matters only among the schools one institution actually has: a pharmacology department
 * of a university with a medical school and a college of arts and sciences sits under medicine.
 */

const AS = ['arts and sciences', 'arts and science', 'liberal arts and sciences', 'liberal arts', 'letters and science', 'letters and sciences', 'humanities and sciences'];
const SCI = ['sciences', 'science', 'natural sciences'];
const MED = ['medicine', 'medical sciences', 'biomedical sciences', 'health sciences', 'applied health sciences', 'medicine and dentistry'];
const ENG = ['engineering', 'engineering and applied science', 'applied science', 'applied sciences'];
const BIO = ['biological sciences', 'life sciences'];
const ARTS = ['arts', 'fine arts', 'performing arts', 'art', 'art and design'];
const ENV = ['environment', 'sustainability', 'climate', 'natural resources', 'forestry'];
const POLICY = ['public policy', 'public affairs', 'public administration', 'public service'];
const GLOBAL = ['global affairs', 'international affairs', 'international studies'];
const INFO = ['information science', 'information sciences', 'information', 'information studies'];
const COMM = ['communication', 'journalism', 'media'];
const SOCIAL_WORK = ['social work', 'social welfare', 'social policy'];

const HUMANITIES = ['humanities', ...AS];
const SOCIAL = ['social sciences', ...AS];
const PHYSICAL = ['physical sciences', ...SCI, ...AS];
const LIFE = [...BIO, ...SCI, ...AS];
const BIOMEDICAL = ['biomedical sciences', ...MED, ...BIO, ...SCI, ...AS];
const COMPUTING = ['computing', ...INFO, ...ENG, ...SCI, ...AS];

/** CIP code → school-level fields that house it, most specific first. */
const HOUSING: Readonly<Record<string, readonly string[]>> = {
  '01': ['agriculture', 'agricultural sciences', 'agriculture and life sciences', ...BIO, 'natural resources', 'environment', ...SCI],
  '01.80': ['veterinary medicine'],
  '01.81': ['veterinary medicine'],
  '01.82': ['veterinary medicine'],
  '01.83': ['veterinary medicine'],
  '03': [...ENV, 'agriculture', ...SCI, ...AS],
  '04': ['architecture', 'design', 'planning', 'environmental design', 'architecture and planning', ...ARTS, ...ENG],
  '04.03': ['planning', 'architecture', 'design', ...POLICY],
  '05': ['humanities', 'social sciences', ...AS],
  '09': [...COMM, 'humanities', 'social sciences', ...AS],
  '10': [...COMM, ...ENG],
  '11': COMPUTING,
  '11.04': [...INFO, 'computing', ...ENG],
  '12': ['hotel administration', 'hospitality', 'human ecology', 'business'],
  '13': ['education', ...AS],
  '14': [...ENG, 'computing'],
  '14.05': [...ENG, ...MED],
  '15': [...ENG],
  '16': HUMANITIES,
  '19': ['human ecology', 'education', 'public health', 'agriculture', ...SOCIAL],
  '22': ['law'],
  '23': HUMANITIES,
  '24': [...AS, 'humanities'],
  '25': [...INFO, 'education', 'computing'],
  '26': [...LIFE, 'biomedical sciences', ...MED],
  '26.04': BIOMEDICAL,
  '26.05': [...BIOMEDICAL, 'public health'],
  '26.08': BIOMEDICAL,
  '26.09': BIOMEDICAL,
  '26.10': [...BIOMEDICAL, 'pharmacy', 'public health'],
  '26.11': [...LIFE, ...MED, 'public health', ...COMPUTING],
  '26.1102': ['public health', ...MED, ...LIFE],
  '26.13': [...LIFE, ...ENV],
  '26.1309': ['public health', 'global public health', ...MED],
  '26.14': BIOMEDICAL,
  '26.15': [...LIFE, ...MED],
  '27': [...PHYSICAL, ...ENG],
  '27.03': [...ENG, ...PHYSICAL],
  '27.05': [...PHYSICAL, 'computing'],
  '30': [...AS, 'humanities', 'social sciences', ...SCI],
  '30.01': LIFE,
  '30.05': [...GLOBAL, ...SOCIAL],
  '30.06': [...ENG, ...AS],
  '30.08': COMPUTING,
  '30.10': ['social sciences', ...LIFE],
  '30.11': ['public health', ...MED, ...SOCIAL_WORK],
  '30.12': ['architecture', 'design', 'planning', ...HUMANITIES],
  '30.13': HUMANITIES,
  '30.15': ['humanities', 'social sciences', ...AS, ...ENG],
  '30.17': ['social sciences', ...SCI, ...AS],
  '30.19': ['public health', 'human ecology', 'agriculture', ...MED],
  '30.20': [...GLOBAL, ...SOCIAL],
  '30.21': HUMANITIES,
  '30.22': HUMANITIES,
  '30.25': ['social sciences', ...SCI, ...AS],
  '30.26': HUMANITIES,
  '30.27': LIFE,
  '30.30': COMPUTING,
  '30.31': COMPUTING,
  '30.32': [...ENV, ...SCI, ...AS],
  '30.33': [...ENV, ...SCI, ...AS],
  '30.35': [...ENV, ...PHYSICAL],
  '30.36': HUMANITIES,
  '30.37': ['design', 'public health'],
  '30.38': [...ENV, ...PHYSICAL],
  '30.39': COMPUTING,
  '30.41': [...ENV, ...PHYSICAL],
  '30.44': [...ENV, ...SOCIAL],
  '30.45': HUMANITIES,
  '30.48': COMPUTING,
  '30.52': HUMANITIES,
  '30.70': COMPUTING,
  '30.71': [...COMPUTING, 'business'],
  '31': ['kinesiology', 'applied health sciences', 'health sciences', 'public health', 'education', ...MED],
  '38': HUMANITIES,
  '38.02': [...HUMANITIES, 'divinity', 'theology'],
  '39': ['divinity', 'theology', ...HUMANITIES],
  '40': PHYSICAL,
  '40.04': [...PHYSICAL, ...ENV],
  '40.06': [...PHYSICAL, ...ENV],
  '40.10': [...ENG, ...PHYSICAL],
  '41': SCI,
  '42': ['social sciences', ...AS, ...SCI, 'education'],
  '43': [...POLICY, 'law', ...SOCIAL],
  '44': [...POLICY, ...GLOBAL, ...SOCIAL_WORK, ...SOCIAL],
  '44.07': [...SOCIAL_WORK, ...POLICY],
  '45': SOCIAL,
  '45.07': [...SOCIAL, ...ENV, ...SCI],
  '45.09': [...GLOBAL, ...POLICY, ...SOCIAL],
  '45.12': ['planning', ...POLICY, 'architecture', ...SOCIAL],
  '50': [...ARTS, ...HUMANITIES],
  '50.03': [...ARTS, ...HUMANITIES],
  '50.04': ['design', 'art and design', ...ARTS, 'architecture', ...ENG],
  '50.05': [...ARTS, ...HUMANITIES],
  '50.06': [...ARTS, ...COMM, ...HUMANITIES],
  '50.07': [...ARTS, ...HUMANITIES],
  '50.09': ['music', ...ARTS, ...HUMANITIES],
  '50.10': [...ARTS, 'business', 'management'],
  '51': [...MED, 'public health', 'nursing', 'dentistry', 'pharmacy'],
  '51.02': [...MED, 'education', 'communication', ...AS],
  '51.04': ['dentistry', 'dental medicine', ...MED],
  '51.05': ['dentistry', 'dental medicine', ...MED],
  '51.06': ['dentistry', 'dental medicine', ...MED],
  '51.07': ['public health', ...MED, 'business', 'management', ...POLICY],
  '51.15': [...MED, ...SOCIAL_WORK, 'education'],
  '51.17': ['optometry', ...MED],
  '51.18': ['optometry', ...MED],
  '51.20': ['pharmacy', ...MED],
  '51.22': ['public health', 'global public health', ...MED],
  '51.23': [...MED, 'kinesiology', 'education'],
  '51.24': ['veterinary medicine'],
  '51.25': ['veterinary medicine'],
  '51.31': ['public health', 'human ecology', 'agriculture', ...MED],
  '51.32': [...MED, 'public health', ...HUMANITIES],
  '51.38': ['nursing', ...MED],
  '51.39': ['nursing', ...MED],
  '52': ['business', 'management', 'business administration'],
  '52.09': ['hotel administration', 'hospitality', 'business', 'management'],
  '52.10': ['labor relations', 'industrial relations', 'industrial and labor relations', 'business', 'management'],
  '54': ['humanities', ...AS, 'social sciences'],
  '60': MED,
  '61': MED,
  '60.01': ['dentistry', 'dental medicine', ...MED],
  '60.03': ['veterinary medicine'],
  '60.08': ['pharmacy', ...MED],
};

/**
 * School types: the names universities give the same kind of top-level unit. A school of dental medicine
 * and a school of dentistry are one kind of school, as are schools of public policy, public affairs and
 * public service. The first name is the type's canonical name; every name in `HOUSING` belongs to a type.
 */
const SCHOOL_TYPES: ReadonlyArray<readonly string[]> = [
  AS,
  ['humanities'],
  ['social sciences'],
  SCI,
  ['physical sciences'],
  BIO,
  ['medicine', 'medicine and dentistry'],
  ['biomedical sciences', 'medical sciences'],
  ['health sciences', 'applied health sciences'],
  ENG,
  ['computing'],
  INFO,
  ['communication', 'media'],
  ['journalism'],
  ARTS,
  ['music'],
  ['architecture', 'architecture and planning'],
  ['design', 'environmental design'],
  ['planning'],
  ['environment', 'sustainability', 'climate'],
  ['natural resources', 'forestry'],
  ['agriculture', 'agricultural sciences', 'agriculture and life sciences'],
  ['human ecology'],
  ['education'],
  ['law'],
  ['business', 'management', 'business administration'],
  POLICY,
  GLOBAL,
  SOCIAL_WORK,
  ['labor relations', 'industrial relations', 'industrial and labor relations'],
  ['hospitality', 'hotel administration'],
  ['public health', 'global public health'],
  ['nursing'],
  ['dentistry', 'dental medicine'],
  ['pharmacy'],
  ['optometry'],
  ['veterinary medicine'],
  ['kinesiology'],
  ['divinity', 'theology'],
];

const TYPE_BY_KEY: ReadonlyMap<string, string> = new Map(SCHOOL_TYPES.flatMap((names) => names.map((n) => [fieldKey(n), normalize(names[0]!)] as const)));

/** Every school-level name, normalized. */
export const SCHOOL_FIELDS: ReadonlySet<string> = new Set(SCHOOL_TYPES.flat().map((f) => normalize(f)));

/** The school type a label names (`"Dental Medicine"` → `dentistry`, `"Arts & Sciences"` → `arts and sciences`), or null for a department-sized field. */
export function schoolField(label: string): string | null {
  return TYPE_BY_KEY.get(fieldKey(label.replace(/\s*&\s*/gu, ' and '))) ?? null;
}

/**
 * "Faculty of Arts" (optionally "… and Social Sciences", "… and Humanities", "… and Letters"): in the universities of
 * Britain, Ireland, Canada, Australia, New Zealand, South and Southeast Asia and Africa the faculty of the humanities
 * and the social sciences, not a school of the fine arts (McGill's, Monash's, Peradeniya's hold history, languages
 * and economics). "Faculty of Arts and Sciences" (arts and sciences) and "Faculty of Fine Arts" are other types.
 */
const FACULTY_OF_ARTS = /^(?:.*\s)?faculty\s+of\s+arts(?:\s*(?:,|and|&)\s*(?:social\s+sciences|humanities|letters))*$/iu;

/**
 * The school types a top-level unit houses beyond the one its field names, read from the unit's own name: a
 * "Faculty of Arts" also houses the humanities and the social sciences. Empty for any other name.
 */
export function unitSchoolTypes(unitName: string): string[] {
  return FACULTY_OF_ARTS.test(normalize(unitName)) ? ['humanities', 'social sciences'] : [];
}

/** True when universities name top-level units after the label's field. */
export function isSchoolField(label: string): boolean {
  return schoolField(label) !== null;
}

for (const [code, names] of Object.entries(HOUSING)) {
  for (const n of names) if (!TYPE_BY_KEY.has(fieldKey(n))) throw new Error(`backbone: HOUSING ${code} names "${n}", which is in no school type`);
}

/**
 * Words that settle the school whatever the rest of a department's name says: a veterinary department
 * sits in a veterinary school ("Veterinary Clinical Medicine"), a dental one in a dental school. Each is the
 * name of a profession whose schools house all its departments.
 */
const SCHOOL_QUALIFIERS: Readonly<Record<string, string>> = {
  veterinary: 'veterinary medicine',
  dental: 'dentistry',
  nursing: 'nursing',
};

export interface HousingSchool {
  /** A school type (its canonical name). */
  field: string;
  /** Share of the label's CIP evidence that points to this field, discounted by its position in the list (0-1]. */
  score: number;
  /** The CIP code whose list named it and how the label reached that code. */
  via: string;
  /** True when the label is a CIP title itself (strong evidence); false when only its words point to CIP. */
  exact: boolean;
}

/**
 * Department-sized fields whose academic CIP home the titles miss: CIP files "Theatre/Theater" under
 * leisure activities (36.0117) and spells the academic program "Drama and Dramatics/Theatre Arts"; it has
 * no title "Military Science" outside the ROTC family. An entry names the CIP series of the academic
 * program, checked against the CIP 2020 definitions.
 */
const DEPARTMENT_CODES: Readonly<Record<string, string>> = {
  theater: '50.05',
  theatre: '50.05',
  drama: '50.05',
  'military science': '28.01',
  'naval science': '28.04',
  'aerospace studies': '28.01',
};

/** CIP families of trades, leisure, personal and school-level programs: their titles say nothing of where a university department sits. */
const NON_ACADEMIC = new Set(['10', '12', '15', '28', '29', '32', '33', '34', '35', '36', '37', '41', '46', '47', '48', '49', '53']);

function housingList(code: string): { code: string; fields: readonly string[] } | null {
  for (const c of [code, code.slice(0, 5), code.slice(0, 2)]) {
    const fields = HOUSING[c];
    if (fields !== undefined) return { code: c, fields };
  }
  return null;
}

let titleIndex: ReadonlyMap<string, ReadonlyArray<{ code: string; title: string }>> | null = null;

/**
 * CIP program and series titles by field key: the whole title, its "/" alternatives and its conjuncts
 * ("Naval Architecture and Marine Engineering" → naval architecture, marine engineering), residency and
 * combined-specialty furniture removed ("Surgery Residency/Fellowship Programs" → surgery).
 */
function cipTitleIndex(): ReadonlyMap<string, ReadonlyArray<{ code: string; title: string }>> {
  if (titleIndex !== null) return titleIndex;
  const index = new Map<string, Array<{ code: string; title: string }>>();
  const add = (form: string, entry: { code: string; title: string }) => {
    const key = fieldKey(form);
    if (key.length === 0) return;
    const list = index.get(key) ?? [];
    if (!list.some((e) => e.code === entry.code)) list.push({ code: entry.code, title: entry.title });
    index.set(key, list);
  };
  for (const entry of loadCip().entries) {
    // Teacher-education series repeat every subject's name ("English/Language Arts Teacher Education").
    if (entry.kind === 'family' || entry.code.startsWith('13.13')) continue;
    const clean = entry.title
      .replace(/\.$/u, '')
      .replace(/\s+(?:residency(?:\/fellowship)?|fellowship|combined specialty)\s+programs?$/iu, '')
      .replace(/,\s*(?:general|other)$/iu, '');
    for (const form of [clean, ...clean.split('/')]) add(form, entry);
  }
  // Conjuncts only where no whole title claims the same words; a discipline's own family before the combined
  // programs of CIP 30 ("Mathematics and Atmospheric/Oceanic Science", "History and Political Science"), so
  // "atmospheric sciences" is 40.04's and "political science" 45.10's.
  const entries = loadCip().entries;
  for (const entry of [...entries.filter((e) => e.family !== '30'), ...entries.filter((e) => e.family === '30')]) {
    if (entry.kind === 'family' || entry.code.startsWith('13.13') || !/\band\b|,/u.test(entry.title)) continue;
    for (const part of splitFields(entry.title.replace(/\.$/u, '').replace(/,\s*(?:general|other)$/iu, '')).parts) {
      if (part.trim().split(/\s+/u).length >= 2 && !index.has(fieldKey(part))) add(part, entry);
    }
  }
  titleIndex = index;
  return index;
}

/** The CIP codes a label is the title (or a conjunct of a title) of, academic families only; else its compound head's ("neurosurgery" → surgery). */
function exactCodes(label: string): Array<{ code: string; title: string }> {
  // "Theater Studies": "studies" after a curated department's name names the same department.
  const name = normalize(label);
  const curatedName = DEPARTMENT_CODES[name] !== undefined ? name : /^(.+?) stud(?:ies|y)$/u.exec(name)?.[1];
  const curated = curatedName === undefined ? undefined : DEPARTMENT_CODES[curatedName];
  if (curated !== undefined) return [{ code: curated, title: `${curatedName} (curated department code)` }];
  const lookup = (form: string) => (cipTitleIndex().get(fieldKey(form)) ?? []).filter((e) => !NON_ACADEMIC.has(e.code.slice(0, 2)));
  const direct = lookup(label);
  if (direct.length > 0) return direct;
  const words = normalize(label).split(' ');
  if (words.length === 1) {
    const head = compoundHead(words[0]!);
    if (head !== null) return lookup(head).map((e) => ({ ...e, title: `${e.title} (${words[0]} → ${head})` }));
    return [];
  }
  // The longest run of words that is a CIP title ("public health sciences" → public health), else the head
  // noun when it is a title of its own and not a generic head ("global health neurology" → neurology).
  for (let size = words.length - 1; size >= 2; size -= 1) {
    for (let start = 0; start + size <= words.length; start += 1) {
      const span = words.slice(start, start + size).join(' ');
      const hit = lookup(span);
      if (hit.length > 0) return hit.map((e) => ({ ...e, title: `${e.title} ("${span}" in "${words.join(' ')}")` }));
    }
  }
  const head = words[words.length - 1]!;
  if (!GENERIC_HEADS.has(head)) {
    const hit = lookup(head);
    if (hit.length > 0) return hit.map((e) => ({ ...e, title: `${e.title} (head of "${words.join(' ')}")` }));
  }
  return [];
}

/** Heads that name no field on their own ("urban science", "global studies"). */
const GENERIC_HEADS = new Set(['science', 'sciences', 'studies', 'study', 'research', 'program', 'programs', 'systems', 'system', 'services', 'service', 'relations', 'affairs', 'policy', 'development', 'initiative', 'arts', 'health']);

const housingCache = new Map<string, HousingSchool[]>();

/**
 * The school-level fields that house a department of this label, best first: the label's CIP programs
 * (an exact CIP title), else the families and series its words point to, each looked up in `HOUSING`.
 * Non-academic CIP families (trades, leisure) are left out. Empty when nothing points anywhere.
 */
export function housingSchools(label: string): HousingSchool[] {
  // On the label as given, not its folded key: the reasons quote its words ("theatre studies" and "theater studies"
  // share a key), and a cache hit must not depend on which label came first.
  const key = label;
  const hit = housingCache.get(key);
  if (hit !== undefined) return hit;
  const evidence: Array<{ code: string; share: number; via: string }> = [];
  const exact = exactCodes(label);
  if (exact.length > 0) {
    for (const e of exact) evidence.push({ code: e.code, share: 1 / exact.length, via: `CIP ${e.code} "${e.title}"` });
  } else {
    // A minor family (under 30% of the word evidence) is noise more often than a second home: "integrative" in
    // "integrative biology" points to alternative medicine.
    const academic = familyEvidence(label).filter((f) => !NON_ACADEMIC.has(f.code));
    const families = academic.filter((f, i) => i === 0 || f.share >= 0.3);
    const total = families.reduce((n, f) => n + f.share, 0);
    for (const f of families) {
      const code = f.series?.code ?? f.code;
      const words = f.via.length > 0 ? ` [${f.via.slice(0, 2).join('; ')}]` : '';
      evidence.push({ code, share: f.share / total, via: `CIP ${code} ${f.series?.title ?? f.title}${words}` });
    }
  }
  const qualifier = normalize(label)
    .split(' ')
    .map((w) => SCHOOL_QUALIFIERS[w])
    .find((q) => q !== undefined);
  if (qualifier !== undefined) evidence.unshift({ code: `qualifier:${qualifier}`, share: 2, via: `"${normalize(label)}" names a ${qualifier} department` });
  const scores = new Map<string, HousingSchool>();
  for (const e of evidence) {
    const fields = e.code.startsWith('qualifier:') ? [e.code.slice('qualifier:'.length)] : (housingList(e.code)?.fields ?? []);
    const types = [...new Set(fields.map((f) => TYPE_BY_KEY.get(fieldKey(f))!))];
    types.forEach((field, position) => {
      const score = e.share / (1 + 0.05 * position);
      const prev = scores.get(field);
      if (prev === undefined) scores.set(field, { field, score, via: e.via, exact: exact.length > 0 || qualifier !== undefined });
      else prev.score += score;
    });
  }
  // Sorted on the raw sums (a qualifier's school outranks the rest), then capped at 1 for display.
  const result = [...scores.values()]
    .sort((a, b) => b.score - a.score || (a.field < b.field ? -1 : a.field > b.field ? 1 : 0))
    .map((s) => ({ ...s, score: Math.min(1, Math.round(s.score * 1000) / 1000) }));
  if (housingCache.size > 50_000) housingCache.clear();
  housingCache.set(key, result);
  return result;
}

/** Words a unit name uses for a top-level unit: such a unit is a school even when its field is department-sized. */
const SCHOOL_UNIT_WORDS = new Set(['school', 'schools', 'college', 'colleges', 'faculty', 'faculties', 'division', 'divisions', 'conservatory', 'academy']);
/** Words of a unit below a school: "Department of Chemistry" is a department even when a source lists it at the top. */
const DEPARTMENT_UNIT_WORDS = new Set(['department', 'dept', 'program', 'programme', 'committee', 'center', 'centre', 'institute', 'laboratory', 'section']);

/** The unit's own words: a leading "<institution> - " (the sample's "CALIFORNIA INSTITUTE OF TECHNOLOGY - …") removed. */
function unitWords(text: string): string[] {
  const dash = text.indexOf(' - ');
  const own = dash > 0 && /\b(?:university|univeristy|institute of technology|college)\b/iu.test(text.slice(0, dash)) ? text.slice(dash + 3) : text;
  return tokenize(normalize(own));
}

/** Whether a unit name calls itself a top-level unit ("Division of Chemistry", "School of Computer Science"); a department word wins. */
export function namesSchoolUnit(text: string): boolean {
  const words = unitWords(text);
  if (words.some((w) => DEPARTMENT_UNIT_WORDS.has(w))) return false;
  return words.some((w) => SCHOOL_UNIT_WORDS.has(w));
}

/** Whether a unit name calls itself a unit below a school ("Department of Kinesiology and Community Health"). */
export function namesDepartmentUnit(text: string): boolean {
  return unitWords(text).some((w) => DEPARTMENT_UNIT_WORDS.has(w));
}
