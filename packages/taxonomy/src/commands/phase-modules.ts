import type { Config } from '@taxonomy/config';
import { TaxonomyError } from '@taxonomy/core';
import type { LlmClient } from '@taxonomy/llm';

/**
 * The task functions the CLI adapts, as the phase packages export them. The phase packages are loaded
 * lazily (a command only pays for the phases it uses, and `taxonomy --help` starts fast); a package that
 * does not export the function yet gives one clear error instead of a crash at start-up.
 */
export interface PhaseModules {
  '@taxonomy/s0-raw-extraction': {
    runS0Task(options: {
      root?: string;
      outDir?: string;
      overrides?: string[];
      input?: { path: string; level: number; loader?: string; institution?: string };
    }): Promise<unknown>;
  };
  '@taxonomy/s1-extraction': {
    runS1Task(options: { level: number; root?: string; inputDir?: string; parentsDir?: string; outDir?: string; overrides?: string[] }): Promise<unknown>;
    explainExtraction(options: { text: string; level: number; institution: string | null; client: LlmClient; config: Config['s1'] }): Promise<{ labels: unknown; steps: unknown }>;
  };
  '@taxonomy/s2-frequency': {
    runS2Task(options: { level: number; root?: string; inputDir?: string; outDir?: string; overrides?: string[] }): Promise<unknown>;
  };
  '@taxonomy/s3-verification': {
    runS3Task(options: { level: number; root?: string; inputDir?: string; outDir?: string; overrides?: string[] }): Promise<unknown>;
    explainVerification(options: { label: string; level: number; config: Config; client: LlmClient }): Promise<{ pass: boolean; reasons: unknown }>;
  };
}

export type PhasePackage = keyof PhaseModules;

/** Loads `name` and returns its export `fn`, or fails with PROVIDER_UNAVAILABLE naming what is missing. */
export async function loadPhaseFunction<P extends PhasePackage, F extends keyof PhaseModules[P]>(name: P, fn: F): Promise<PhaseModules[P][F]> {
  let mod: Record<string, unknown>;
  try {
    const specifier: string = name;
    mod = (await import(specifier)) as Record<string, unknown>;
  } catch (err) {
    throw new TaxonomyError('PROVIDER_UNAVAILABLE', `${name} cannot be loaded: ${firstLine(err)}`, { cause: err });
  }
  const value = mod[fn as string];
  if (typeof value !== 'function') {
    throw new TaxonomyError('PROVIDER_UNAVAILABLE', `${name} does not export ${String(fn)}()`);
  }
  return value as PhaseModules[P][F];
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
}
