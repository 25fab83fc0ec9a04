import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { ConceptSchema, MergeOpSchema, SplitOpSchema, ValidationFindingSchema, conceptId, stableStringify, type Concept } from '@taxonomy/core';
import { runDeduplicateFile, runDisambiguateFile, runValidateFile } from './file-commands.ts';
import { invertOps } from './invert-ops.ts';

function concept(level: number, label: string, parent: string | null, institutions: string[]): Concept {
  return ConceptSchema.parse({
    id: conceptId(level, label, parent),
    level,
    label,
    parent,
    institutions,
    records: institutions.length,
    support: { records: institutions.length, institutions: institutions.length, count: institutions.length },
    weight: institutions.length,
  });
}

const cs = concept(0, 'computer science', null, ['yale university', 'cornell university']);
const stats = concept(0, 'statistics', null, ['yale university']);
const INPUT = [
  cs,
  stats,
  concept(1, 'hpc', cs.id, ['university of michigan']),
  concept(1, 'high performance computing', cs.id, ['new york university', 'cornell university']),
  concept(1, 'machine learning', cs.id, ['princeton university']),
  concept(1, 'machine learning', stats.id, ['yale university']),
  concept(1, 'neurips 2024', cs.id, ['neurips']),
];

async function makeRoot(): Promise<{ root: string; input: string }> {
  const root = await mkdtemp(join(tmpdir(), 'postprocess-files-'));
  await writeFile(join(root, 'nx.json'), '{}\n');
  await mkdir(join(root, 'config'));
  await writeFile(join(root, 'config', 'llm.json'), JSON.stringify({ provider: 'offline' }));
  const input = join(root, 'in.jsonl');
  await writeFile(input, `${INPUT.map((c) => stableStringify(c)).join('\n')}\n`);
  return { root, input };
}

const lines = async (path: string) =>
  (await readFile(path, 'utf8'))
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as unknown);

const log = pino({ level: 'silent' });

describe('file-level commands', () => {
  it('deduplicates a concept file and writes a merge log that undoes it', async () => {
    const { root, input } = await makeRoot();
    const output = join(root, 'out', 'dedup.jsonl');
    const result = await runDeduplicateFile({ input, output, root, log });
    expect(result).toMatchObject({ concepts_in: 7, concepts_out: 6, merged: 1, bad_lines: 0 });
    const concepts = (await lines(output)).map((x) => ConceptSchema.parse(x));
    const ops = (await lines(join(root, 'out', 'dedup.merge-ops.jsonl'))).map((x) => MergeOpSchema.parse(x));
    expect(ops.map((op) => op.losers)).toEqual([[conceptId(1, 'hpc', cs.id)]]);
    expect(invertOps(concepts, ops, []).map((c) => c.id)).toEqual(INPUT.map((c) => c.id).sort());
  });

  it('validates a concept file with findings (no S0 corpus: evidence from CIP titles only)', async () => {
    const { root, input } = await makeRoot();
    const output = join(root, 'validated.jsonl');
    const result = await runValidateFile({ input, output, root, log });
    expect(result.concepts_out).toBe(7);
    expect(result.validated_passed + result.validated_failed + result.validated_unknown).toBe(7);
    const findings = (await lines(join(root, 'validated.findings.jsonl'))).map((x) => ValidationFindingSchema.parse(x));
    expect(new Set(findings.map((f) => f.concept_id)).size).toBe(7);
    const concepts = (await lines(output)).map((x) => ConceptSchema.parse(x));
    expect(concepts.every((c) => c.validation !== null && c.gates['validation'] !== undefined)).toBe(true);
  });

  it('disambiguates a concept file and writes the split log', async () => {
    const { root, input } = await makeRoot();
    const output = join(root, 'senses.jsonl');
    const result = await runDisambiguateFile({ input, output, root, log });
    const ops = (await lines(join(root, 'senses.split-ops.jsonl'))).map((x) => SplitOpSchema.parse(x));
    const concepts = (await lines(output)).map((x) => ConceptSchema.parse(x));
    const ml = concepts.filter((c) => c.label === 'machine learning');
    // The offline provider separates senses whose parents sit in different CIP families (11 vs 27).
    expect(result).toMatchObject({ split: 1, deferred: 0 });
    expect(ops[0]!.new_ids).toEqual(ml.map((c) => c.id));
    expect(ml.map((c) => c.gloss)).toEqual(ml.map((c) => expect.stringContaining(c.parent === cs.id ? 'computer science' : 'statistics')));
    expect(invertOps(concepts, [], ops)).toEqual([...INPUT].sort((a, b) => (a.id < b.id ? -1 : 1)));
  });
});
