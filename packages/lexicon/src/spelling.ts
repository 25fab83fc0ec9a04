/**
 * British and Commonwealth spellings of a word, and the American spelling CIP 2020 writes ("Pediatrics",
 * "Behavioral Sciences", "Theater", "Archeology"). Folded only inside comparison keys (`stemToken`), on both
 * sides of every lookup, so "Department of Paediatrics" meets CIP's pediatrics and "Centre for Labour Studies" its
 * labor studies; a label keeps the spelling its institution wrote.
 *
 * Each entry is a fact of English spelling, not of one institution: the Greek and Latin digraphs British
 * medicine and science keep (ae, oe: haem-, paed-, anaes-, palae-, oesoph-, -aemia), -our for -or, -re for -er,
 * -ence for -ense, -isation for -ization, the doubled l before a suffix, and a few single words (programme,
 * ageing, speciality, sulphur, aluminium). Only stems are listed whose every occurrence is the variant: "-ise"
 * verbs are left alone (exercise, expertise, enterprise are no variants), as is "-our" outside the listed stems
 * (four, tour, hour).
 */
const FOLDS: ReadonlyArray<readonly [british: string, american: string]> = [
  // digraphs of Greek and Latin stems
  ['paed', 'ped'],
  ['haem', 'hem'],
  ['anaes', 'anes'],
  ['aetiol', 'etiol'],
  ['archaeo', 'archeo'],
  ['palae', 'pale'],
  ['gynaec', 'gynec'],
  ['aemi', 'emi'],
  ['oesoph', 'esoph'],
  ['oestr', 'estr'],
  ['oedem', 'edem'],
  ['coeli', 'celi'],
  ['rrhoea', 'rrhea'],
  ['foet', 'fet'],
  ['oenol', 'enol'],
  ['faec', 'fec'],
  ['caesar', 'cesar'],
  ['mediaev', 'mediev'],
  ['manoeuvre', 'maneuver'],
  // -our → -or
  ...['behaviour', 'labour', 'colour', 'honour', 'humour', 'tumour', 'favour', 'neighbour', 'harbour', 'vapour', 'flavour', 'rigour', 'vigour', 'odour', 'armour', 'endeavour', 'rumour', 'savour', 'parlour', 'valour'].map(
    (w) => [w, `${w.slice(0, -2)}r`] as const,
  ),
  // -re → -er
  ...['centre', 'theatre', 'fibre', 'metre', 'litre', 'calibre', 'spectre', 'lustre', 'sabre', 'meagre', 'sombre'].map((w) => [w, `${w.slice(0, -2)}er`] as const),
  // -ence → -ense
  ['defence', 'defense'],
  ['offence', 'offense'],
  ['licence', 'license'],
  ['pretence', 'pretense'],
  // -isation → -ization
  ['isation', 'ization'],
  // single words
  ['programme', 'program'],
  ['catalogue', 'catalog'],
  ['analogue', 'analog'],
  ['ageing', 'aging'],
  ['judgement', 'judgment'],
  ['specialities', 'specialties'],
  ['speciality', 'specialty'],
  ['aluminium', 'aluminum'],
  ['sulph', 'sulf'],
  ['artefact', 'artifact'],
];

const AMERICAN = new Map(FOLDS);
// Longest first, so a stem is never cut by a shorter one it contains.
const BRITISH = new RegExp(
  [...AMERICAN.keys()]
    .sort((a, b) => b.length - a.length)
    .join('|'),
  'gu',
);
/** The doubled l of British spelling before -ing, -ed, -er, -or ("modelling", "counsellor", "travelled"). */
const DOUBLED_L = /^(model|travel|label|counsel|signal|channel|fuel|level|cancel|tunnel)l(ing|ed|er|ers|or|ors)$/u;

/** Words the fold has seen (bounded): `stemToken` asks for the same few thousand words again and again. */
const folds = new Map<string, string>();

/** The American spelling of one normalized (lower-case) word; an American or neutral spelling is returned as it is. */
export function americanSpelling(token: string): string {
  let folded = folds.get(token);
  if (folded === undefined) {
    folded = token.replace(BRITISH, (british) => AMERICAN.get(british)!).replace(DOUBLED_L, '$1$2');
    if (folds.size >= 100_000) folds.clear();
    folds.set(token, folded);
  }
  return folded;
}
