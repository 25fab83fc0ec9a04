export { aggregateSupport, applyThresholds, candidateKey, supportWeight, type FrequencyDecision, type LevelThreshold, type WeightPolicy } from './frequency.ts';
export { InstitutionResolver, editDistance, institutionKey, titleCaseName, type InstitutionPolicy } from './institution-identity.ts';
export { parseLevel, runS2Task, type RunS2TaskOptions } from './task.ts';
