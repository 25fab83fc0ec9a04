export { placeConcepts, type PlaceInput } from './place.ts';
export { assignLevels, type DerivedSchool, type LevelAssignment, type LevelDecision } from './levels.ts';
export { ParentLookup, type Resolution } from './resolve.ts';
export { RecordTable } from './records.ts';
export { runPlacementTask, type RunPlacementTaskOptions } from './task.ts';
export { OverrideSchema, type LevelCounters, type Override, type PlaceResult, type PlacementRecord, type PlacementSettings, type Vote } from './types.ts';
