import { runMain } from '@taxonomy/observability';
import { parseLevel, runS1Task } from './task.ts';

/** `node --import tsx packages/s1-extraction/src/main.ts --level N` — what the Nx target `s1:level-N` runs. */
await runMain(async () => {
  const args = process.argv.slice(2);
  const at = args.indexOf('--level');
  const inline = args.find((a) => a.startsWith('--level='));
  const level = parseLevel(inline !== undefined ? inline.slice('--level='.length) : at === -1 ? undefined : args[at + 1]);
  await runS1Task({ level });
});
