import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conceptId } from '@taxonomy/core';
import { createLogger } from '@taxonomy/observability';
import type { CommandContext } from './context.ts';
import { resolveConceptRef, type CuratableConcept } from './curate.ts';
import { runCli } from './registry.ts';

const concept = (level: number, label: string, parent: CuratableConcept | null): CuratableConcept => ({ id: conceptId(level, label, parent?.id ?? null), level, label, parent: parent?.id ?? null });
const cs0 = concept(0, 'computer science', null);
const eng = concept(0, 'engineering', null);
const cs1 = concept(1, 'computer science', cs0);
const ee = concept(1, 'electrical engineering', eng);
const robotics = concept(2, 'robotics', cs1);
const CONCEPTS = [cs0, eng, cs1, ee, robotics];

describe('resolveConceptRef', () => {
  it.each([
    { ref: 'robotics', options: {}, want: robotics.id },
    { ref: 'Electrical Engineering', options: {}, want: ee.id },
    { ref: 'computer science', options: { level: 1 }, want: cs1.id },
    { ref: robotics.id, options: {}, want: robotics.id },
    { ref: 'L2:robotics~000000', options: { force: true }, want: 'L2:robotics~000000' },
  ])('$ref → $want', ({ ref, options, want }) => {
    expect(resolveConceptRef(ref, CONCEPTS, { role: 'concept', force: false, ...options })).toBe(want);
  });

  it.each([
    { ref: 'computer science', error: /names 2 concepts: L0:computer-science \(L0\), L1:computer-science~\w{6} \(L1 under computer science\); pass the id \(or --level\)/u },
    { ref: 'robtics', error: /no concept is labelled "robtics" \(did you mean "robotics"\?\)/u },
    { ref: 'L2:robotics~000000', error: /"L2:robotics~000000" is not in the current build; did you mean L2:robotics~\w{6}\? \(--force writes it anyway\)/u },
  ])('refuses $ref', ({ ref, error }) => {
    expect(() => resolveConceptRef(ref, CONCEPTS, { role: 'concept', force: false })).toThrow(error);
  });
});

describe('taxonomy curate', () => {
  it('adds decisions to config/curation.json by label or id, lists and removes them', async () => {
    const root = await mkdtemp(join(tmpdir(), 'curate-'));
    await mkdir(join(root, 'artifacts/placement'), { recursive: true });
    await mkdir(join(root, 'config'));
    const full = CONCEPTS.map((c) => ({ ...c, institutions: ['Stanford University'], record_ids: ['r-1'], records: 1, support: { records: 1, institutions: 1, count: 1 }, weight: 1.2 }));
    await writeFile(join(root, 'artifacts/placement/concepts-00001.jsonl'), `${full.map((c) => JSON.stringify(c)).join('\n')}\n`);
    let out = '';
    const ctx: CommandContext = { root, cwd: root, env: {}, out: (t) => void (out += t), note: () => undefined, logger: () => createLogger({ level: 'silent' }) };
    expect(await runCli(['curate', 'pin', 'robotics', 'electrical engineering', '--note', 'EE owns robotics here'], ctx)).toBe(0);
    expect(await runCli(['curate', 'alias', robotics.id, 'robot systems'], ctx)).toBe(0);
    expect(out).toContain(`config/curation.json: added decision #1 pin ${robotics.id} → ${ee.id} (1 in the file)`);
    const file = JSON.parse(await readFile(join(root, 'config/curation.json'), 'utf8')) as { decisions: unknown[] };
    expect(file.decisions).toEqual([
      { op: 'pin', concept: robotics.id, parent: ee.id, note: 'EE owns robotics here' },
      { op: 'alias', concept: robotics.id, alias: 'robot systems' },
    ]);
    out = '';
    await runCli(['curate', 'list'], ctx);
    expect(out).toBe(`#1 pin ${robotics.id} → ${ee.id}  (EE owns robotics here)\n#2 alias ${robotics.id} + "robot systems"\n`);
    await runCli(['curate', 'remove', '1'], ctx);
    expect((JSON.parse(await readFile(join(root, 'config/curation.json'), 'utf8')) as { decisions: unknown[] }).decisions).toHaveLength(1);
    await expect(runCli(['curate', 'pin', 'robotics', 'engineering'], ctx)).rejects.toThrow(/no concept at level 1 is labelled "engineering"/u);
  });
});

describe('review commands before any build', () => {
  const make = async () => {
    const root = await mkdtemp(join(tmpdir(), 'review-cli-'));
    let out = '';
    const ctx: CommandContext = { root, cwd: root, env: {}, out: (t) => void (out += t), note: () => undefined, logger: () => createLogger({ level: 'silent' }) };
    return { ctx, out: () => out };
  };
  it.each([
    { args: ['history'], out: /^no run recorded yet in artifacts\/\.runs\/history/u },
    { args: ['curate', 'list'], out: /^config\/curation\.json: absent\n$/u },
  ])('taxonomy $args', async ({ args, out }) => {
    const { ctx, out: printed } = await make();
    expect(await runCli(args, ctx)).toBe(0);
    expect(printed()).toMatch(out);
  });
  it.each([
    { args: ['diff'], error: /^diff needs two runs; the history holds 0/u },
    { args: ['curate', 'drop', 'L0:enginering'], error: /^concept "L0:enginering": no concepts to check it against in artifacts\/placement/u },
    { args: ['curate', 'pin', 'only-one'], error: /^curate pin: expected CONCEPT PARENT, got 1 argument/u },
    { args: ['history', '--limit', 'x'], error: /^history --limit: expected a positive integer, got "x"/u },
  ])('taxonomy $args fails', async ({ args, error }) => {
    const { ctx } = await make();
    await expect(runCli(args, ctx)).rejects.toThrow(error);
  });
});
