#!/usr/bin/env node
// Nx runtime input of every task that may call a model: whether OPENAI_API_KEY is set, never its value.
// The key decides nothing but `provider: "auto"` (an endpoint or a key selects the OpenAI-compatible provider);
// hashing its value would give every agent or developer with a key of their own other task hashes, so nobody
// could reuse a shared remote cache entry (and would put a function of a secret into every hash). OPENAI_ORG_ID
// (billing) changes no answer and is not hashed at all. The endpoint and the model (OPENAI_BASE_URL,
// OPENAI_MODEL) are hashed as they are: another endpoint or model may answer otherwise.
// Plain Node, no dependencies: it runs on every `nx run`, cached or not.
const key = process.env.OPENAI_API_KEY;
process.stdout.write(`openai_api_key:${key !== undefined && key.trim() !== '' ? 'set' : 'unset'}\n`);
