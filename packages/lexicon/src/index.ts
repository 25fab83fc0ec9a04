export type { Level, ExtractedLabel, ExtractionStep, ExtractionTrace } from './types.ts';
export { extractLabels } from './extract.ts';
export { isCfpFurniture, verifyLabel } from './verify.ts';
export { entailLabel, glossFor, fieldFamilies, inferParent } from './families.ts';
export { authoritativeTitles, cipMatches, isKnownField, type CipMatches } from './field-lexicon.ts';
export { SCHOOL_FIELDS, housingSchools, isSchoolField, namesDepartmentUnit, namesSchoolUnit, schoolField, unitSchoolTypes, type HousingSchool } from './backbone.ts';
export { familyEvidence, type FamilyEvidence } from './parents.ts';
export { fieldKey } from './field-lexicon.ts';
export { curatedNameTables } from './tables.ts';
