export * from './contract.ts';
export { createLlmClient, resolveProvider, type CreateLlmClientOptions } from './client.ts';
export { answerOffline, OFFLINE_RULES_VERSION } from './offline.ts';
export { OfflineLlmClient, OFFLINE_MODEL } from './offline-client.ts';
