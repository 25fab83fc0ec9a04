export {
  ACRONYM_EXPANSIONS,
  canonicalForm,
  isAcronymOf,
  levelPrefixes,
  normalizeCandidate,
  stripInstitutionPrefix,
  supportForModelForm,
  type CanonicalForm,
  type NormalizationStep,
  type NormalizeContext,
  type NormalizeResult,
  type NormalizedCandidate,
  type RawCandidate,
} from './normalize.ts';
export { ParentIndex, anchorCandidate, anchorKeys, sameInstitution, usableSection, type AnchorDecision, type AnchorInput, type AnchorMatch, type ParentConcept } from './anchor.ts';
export { FuzzyIndex, ratcliffObershelp } from './similarity.ts';
export { extractRecord, extractRecords, RECORD_OUTCOMES, type ExtractRecordsOptions, type IdentifiedRecord, type RecordExtraction, type RecordOutcome } from './extract.ts';
export { CandidateAggregator, accountRecords, aggregateCandidates, buildRecordLog, candidateSortKey, recordLogEntry, type AggregateResult, type RecordAccounting, type RecordLogEntry } from './aggregate.ts';
export { explainExtraction, type ExplainExtractionOptions } from './explain.ts';
export { recordIdOf, runS1Task, type RunS1TaskOptions } from './task.ts';
export { institutionKey, shardOf } from './partition.ts';
export { SortedJsonlWriter, type SortedJsonlWriterOptions } from './sorted-runs.ts';
export { ExtractionLineSchema, runS1MergeTask, runS1PartitionTask, runS1ShardTask, type ShardTaskOptions } from './shards.ts';
