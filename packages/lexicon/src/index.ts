export type { Level, ExtractedLabel, ExtractionStep, ExtractionTrace } from './types.ts';
export { extractLabels } from './extract.ts';
export { isCfpFurniture, verifyLabel } from './verify.ts';
export { entailLabel, glossFor, fieldFamilies, inferParent } from './families.ts';
export { authoritativeTitles, cipMatches, isKnownField, type CipMatches } from './field-lexicon.ts';
