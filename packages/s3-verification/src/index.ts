export { countTokens, evaluateLabelRules, type RuleEvaluation, type S3Policy } from './label-rules.ts';
export { promoteToConcepts } from './promote.ts';
export { runS3Task, type RunS3TaskOptions } from './task.ts';
export { applyVerification, explainVerification, verifyLabel, type VerificationOutcome } from './verify.ts';
