import { readLlmAgents, type Config } from '@taxonomy/config';
import type { Logger } from '@taxonomy/observability';
import type { LlmClient } from './contract.ts';
import { OfflineLlmClient } from './offline-client.ts';
import { DEFAULT_PROMPTS_DIR, checkVariantOverrides, loadPromptRegistry } from './registry.ts';

export interface CreateLlmClientOptions {
  config: Config['llm'];
  /** Workspace root; the response cache lives at `<root>/<config.cache_dir>`. */
  root: string;
  log: Logger;
  /** Phase name, for logs. */
  phase: string;
  /** Prompt registry folder (default: this package's `prompts/`). */
  promptsDir?: string;
  /** Processes sharing the endpoint's limits (default: `TAXONOMY_LLM_AGENTS`, else 1). */
  agents?: number;
}

/** `auto` means openai when an endpoint or a key is configured, offline otherwise. */
export function resolveProvider(config: Config['llm']): 'offline' | 'openai' {
  if (config.provider !== 'auto') return config.provider;
  return config.base_url || config.api_key ? 'openai' : 'offline';
}

/** Builds the one LLM client of a phase task; the prompt registry is loaded and checked up front. */
export async function createLlmClient(options: CreateLlmClientOptions): Promise<LlmClient> {
  const provider = resolveProvider(options.config);
  const log = options.log.child({ phase: options.phase, component: 'llm' });
  if (provider === 'offline') {
    const client = new OfflineLlmClient(log);
    log.info({ provider, model: client.model }, 'llm provider selected');
    return client;
  }
  const registry = await loadPromptRegistry(options.promptsDir ?? DEFAULT_PROMPTS_DIR);
  checkVariantOverrides(registry, options.config.prompt_variants);
  // The SDK is loaded only when a model endpoint is used: importing it costs ~0.2 s of every offline task's start-up.
  const { OpenAiLlmClient, endpointLabel } = await import('./openai-client.ts');
  const agents = options.agents ?? readLlmAgents();
  const client = new OpenAiLlmClient({ config: options.config, root: options.root, log, registry, agents });
  log.info(
    {
      provider,
      model: client.model,
      endpoint: endpointLabel(options.config.base_url),
      agents,
      concurrency: client.limits.concurrency,
      requests_per_minute: client.limits.requests_per_minute,
      tokens_per_minute: client.limits.tokens_per_minute,
      cache: options.config.cache_enabled,
    },
    agents === 1 ? 'llm provider selected' : `llm provider selected; this process takes 1/${agents} of the endpoint's limits`,
  );
  return client;
}
