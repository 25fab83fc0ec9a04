export { aggregateSupport, applyThresholds, candidateKey, supportWeight, type FrequencyDecision, type LevelThreshold, type WeightPolicy } from './frequency.ts';
export { InstitutionResolver, institutionKey, titleCaseName, type InstitutionPolicy } from './institution-identity.ts';
export { runS2Task, type RunS2TaskOptions } from './task.ts';
export { s2SettingsForLevel, writeS2Settings, type S2LevelSettings } from './settings.ts';
