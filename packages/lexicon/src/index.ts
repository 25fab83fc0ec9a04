export type { Level, ExtractedLabel, ExtractionStep, ExtractionTrace } from './types.ts';
export { extractLabels } from './extract.ts';
export { isCfpFurniture, verifyLabel } from './verify.ts';
export { entailLabel, glossFor, fieldFamilies, inferParent } from './families.ts';
export { authoritativeTitles, isKnownField } from './field-lexicon.ts';
export { curatedNameTables } from './tables.ts';
