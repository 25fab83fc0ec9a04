/**
 * zod parse options for a schema parsed once or twice a process (the config, a phase's metrics file, the prompt
 * registry, the run manifest): no JIT. The first time zod parses with an object schema it compiles a fast path
 * for it (`new Function`), which pays off over thousands of records and is pure cost for one value: ≈ 20 ms of
 * every task's start for the config's object schemas. The parsed value is the same either way.
 */
export const ONE_SHOT_PARSE = { jitless: true } as const;
