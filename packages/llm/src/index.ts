export * from './contract.ts';
export { createLlmClient, resolveProvider, type CreateLlmClientOptions } from './client.ts';
export { answerOffline, OFFLINE_RULES_VERSION } from './offline.ts';
export { OfflineLlmClient, OFFLINE_MODEL, parseVariables } from './offline-client.ts';
export type { OpenAiLlmClient } from './openai-client.ts';
export {
  DEFAULT_PROMPTS_DIR,
  PROMPT_KEY_HEADER,
  VARIABLES_CLOSE,
  VARIABLES_OPEN,
  checkVariantOverrides,
  loadPromptRegistry,
  outputJsonSchema,
  toWireSchema,
  readVariablesBlock,
  renderPrompt,
  selectVariant,
  type PromptExample,
  type PromptRegistry,
  type PromptVariant,
} from './registry.ts';
export { renderTemplate, type ChatMessage } from './render.ts';
export { canonicalizeAnswer, checkAnswer, type AnswerCheck } from './answer.ts';
export { ResponseCache, cacheKeyFor, type CacheEntry, type CacheKeyParts } from './cache.ts';
export { RateLimiter, Semaphore } from './limiter.ts';
export { backoffDelayMs, parseRetryAfterMs } from './retry.ts';
export { UsageMeter, quantile, type PromptVersionInfo } from './usage.ts';
export { ResponseLimitError, createBoundedFetch, findResponseLimit, type BoundedFetchOptions } from './bounded-fetch.ts';
