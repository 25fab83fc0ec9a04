import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sortKeysDeep, stableStringify } from './packages/core/src/hashing.ts';
const old = (v: unknown) => JSON.stringify(sortKeysDeep(v));
let n = 0, bad = 0;
const walk = (d: string): string[] => readdirSync(d).flatMap((f) => { const p = join(d, f); return statSync(p).isDirectory() ? walk(p) : [p]; });
for (const f of [...walk('/tmp/i11-baseline'), ...walk('corpus')].filter((f) => f.endsWith('.jsonl') || f.endsWith('.json'))) {
  const text = readFileSync(f, 'utf8');
  const docs = f.endsWith('.json') ? [text] : text.split('\n').filter(Boolean);
  for (const d of docs) { const v = JSON.parse(d); n++; if (old(v) !== stableStringify(v)) { bad++; if (bad < 3) console.log(f); } }
}
const odd = [{ b: 1, a: undefined, '10': 2, '9': 3, '01': 4, '4294967295': 5, x: () => 1, y: Symbol('s'), z: [undefined, () => 1, NaN, -0, 1e21] }, { __proto__x: 1 }, JSON.parse('{"__proto__": {"a": 1}, "b": 2}'), new Date(0), new Map([[1, 2]]), [[], {}], 'é\u2028', null, 3.14];
for (const v of odd) { n++; if (old(v) !== stableStringify(v)) { bad++; console.log('odd', old(v), stableStringify(v)); } }
console.log(n, 'values', bad, 'differ');
