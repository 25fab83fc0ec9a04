import type { Config } from '@taxonomy/config';
import type { Logger } from '@taxonomy/observability';
import type { LlmClient } from './contract.ts';
import { OfflineLlmClient } from './offline-client.ts';

export interface CreateLlmClientOptions {
  config: Config['llm'];
  /** Workspace root; the response cache lives at `<root>/<config.cache_dir>`. */
  root: string;
  log: Logger;
  /** Phase name, for logs. */
  phase: string;
}

/** `auto` means openai when an endpoint or a key is configured, offline otherwise. */
export function resolveProvider(config: Config['llm']): 'offline' | 'openai' {
  if (config.provider !== 'auto') return config.provider;
  return config.base_url || config.api_key ? 'openai' : 'offline';
}

/** Builds the one LLM client of a phase task. */
export async function createLlmClient(options: CreateLlmClientOptions): Promise<LlmClient> {
  const provider = resolveProvider(options.config);
  const log = options.log.child({ phase: options.phase, component: 'llm' });
  const client = new OfflineLlmClient(log);
  log.info({ provider, model: client.model }, 'llm provider selected');
  return client;
}
