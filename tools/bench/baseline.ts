import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

/**
 * The floor a phase is compared with: a bare JSONL pass over the same files — `readline`, `JSON.parse`,
 * `JSON.stringify`, write — with no validation, no logic and no sorting.
 */
export async function baselineJsonlPass(files: ReadonlyArray<string>, outFile: string): Promise<{ records: number; ms: number; cpu_ms: number }> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const out = createWriteStream(outFile);
  let records = 0;
  for (const file of files) {
    const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
    for await (const line of lines) {
      if (line.length === 0) continue;
      const value = JSON.parse(line) as unknown;
      if (!out.write(`${JSON.stringify(value)}\n`)) await once(out, 'drain');
      records += 1;
    }
  }
  out.end();
  await once(out, 'finish');
  const cpu = process.cpuUsage(cpu0);
  return { records, ms: performance.now() - t0, cpu_ms: (cpu.user + cpu.system) / 1000 };
}
