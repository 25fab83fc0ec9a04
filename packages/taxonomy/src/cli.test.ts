import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConceptSchema, conceptId, findWorkspaceRoot, type Concept } from '@taxonomy/core';
import { COMMANDS, formatCommandHelp, runCli } from './commands/registry.ts';
import type { CommandContext } from './commands/context.ts';
import { createLogger } from '@taxonomy/observability';

const CLI = join(dirname(fileURLToPath(import.meta.url)), 'cli.ts');
const REPO = findWorkspaceRoot();
/** tsx by absolute URL: the subprocess runs in a temp workspace without node_modules. */
const TSX = pathToFileURL(join(REPO, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
let root = '';

/** Runs the real CLI as a subprocess in the temp workspace. */
function taxonomy(args: string[], env: Record<string, string> = {}): { code: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', TSX, CLI, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', TAXONOMY_LOG_LEVEL: 'warn', ...env },
    timeout: 60_000,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

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

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'taxonomy-cli-'));
  await writeFile(join(root, 'nx.json'), '{}\n');
  await cp(join(REPO, 'config'), join(root, 'config'), { recursive: true });
  // `config validate` checks that the sources manifest the config names exists.
  await cp(join(REPO, 'corpus'), join(root, 'corpus'), { recursive: true });
  await writeFile(join(root, 'config', 'llm.json'), JSON.stringify({ provider: 'offline', cache_enabled: false }));
});

describe('taxonomy CLI (subprocess)', () => {
  it.each([
    { args: ['--help'], code: 0, stdout: /Usage: taxonomy <command>[\s\S]*explain merge/u, stderr: /^$/u },
    { args: [], code: 2, stdout: /Usage: taxonomy <command>/u, stderr: /^$/u },
    { args: ['rn'], code: 2, stdout: /^$/u, stderr: /^taxonomy: USAGE: unknown command "rn" \(did you mean "run"\?\)/u },
    { args: ['config', 'valdate'], code: 2, stdout: /^$/u, stderr: /unknown command "config valdate" \(did you mean "validate"\?\)/u },
    { args: ['manage', 'status', '--jsn'], code: 2, stdout: /^$/u, stderr: /unknown option --jsn \(did you mean "--json"\?\)/u },
    { args: ['explain', 'merge', '--help'], code: 0, stdout: /Usage: taxonomy explain merge \[options\] A B/u, stderr: /^$/u },
    { args: ['config', 'validate'], code: 0, stdout: /^config ok \(environment development, policy version [\w.]+, slices global, crawl, s0, s1, s2, s3, llm, postprocess, placement, hierarchy, taxonomy\)/u, stderr: /^$/u },
    { args: ['config', 'validate', '--env', 'testing'], code: 0, stdout: /^config ok \(environment testing,/u, stderr: /^$/u },
    {
      args: ['config', 'validate', '-o', 's2.level_thresholds.level_2.min_institutions=abc'],
      code: 2,
      stdout: /^$/u,
      stderr: /^taxonomy: CONFIG_INVALID: .*s2\.level_thresholds\.level_2\.min_institutions: expected number, received string \(got "abc"\)\n$/u,
    },
    {
      args: ['config', 'validate', '-o', 's2.level_thresholds.level_2.min_institution=3'],
      code: 2,
      stdout: /^$/u,
      stderr: /s2\.level_thresholds\.level_2\.min_institution: unknown key \(did you mean "min_institutions"\?\)/u,
    },
    { args: ['config', 'validate', '-o', 's22.x=1'], code: 2, stdout: /^$/u, stderr: /unknown config section "s22" \(did you mean "s2"\?\)/u },
    { args: ['config', 'validate', '--env', 'prod'], code: 2, stdout: /^$/u, stderr: /environment "prod": expected one of development\|testing\|production/u },
    { args: ['config', 'show', '--slice', 's9'], code: 2, stdout: /^$/u, stderr: /unknown slice "s9" \(did you mean "s0"\?\)/u },
    { args: ['manage', 'manifest'], code: 3, stdout: /^$/u, stderr: /^taxonomy: ARTIFACT_MISSING: no finished build: artifacts\/taxonomy\/manifest.json does not exist/u },
    { args: ['manage', 'status'], code: 0, stdout: /s0:level-0 +missing[\s\S]*taxonomy:finalize +missing[\s\S]*0\/22 tasks complete/u, stderr: /^$/u },
    { args: ['run', '--dry-run', '-o', 's2.level_thresholds.level_2.min_institutions=abc'], code: 2, stdout: /^$/u, stderr: /expected number/u },
    { args: ['run', '--resume-from', 'S9', '--dry-run'], code: 2, stdout: /^$/u, stderr: /unknown phase "S9" \(did you mean "S0"\?\)/u },
    {
      args: ['run', '--dry-run', '--env', 'testing', '-o', 's2.level_thresholds.level_2.min_institutions=3', '--resume-from', 'postprocess'],
      code: 0,
      stdout: /TAXONOMY_ENV="testing" TAXONOMY_OVERRIDES_S2="level_thresholds.level_2.min_institutions=3" npx nx run s3:level-3 --output-style=static\n[\s\S]*npx nx run postprocess:run --output-style=static --skip-nx-cache --exclude-task-dependencies/u,
      stderr: /^$/u,
    },
    { args: ['generate', '--step', 'S2', '--level', '1', '--input', 'nowhere', '--output', 'out'], code: 3, stdout: /^$/u, stderr: /INPUT_NOT_FOUND: generate: input .*nowhere does not exist/u },
    { args: ['generate', '--step', 'S5', '--level', '1', '--input', '.', '--output', 'out'], code: 2, stdout: /^$/u, stderr: /unknown step "S5"/u },
    { args: ['explain', 'merge', '--level', '2', 'only-one'], code: 2, stdout: /^$/u, stderr: /expected two labels A B \(got 1\)/u },
    { args: ['explain', 'verify', 'x'], code: 2, stdout: /^$/u, stderr: /--level is required/u },
    { args: ['status'], code: 0, stdout: /s0:level-0 +missing +no complete output yet[\s\S]*24 of 24 tasks would run again/u, stderr: /^$/u },
  ])('taxonomy $args → exit $code', ({ args, code, stdout, stderr }) => {
    const result = taxonomy(args);
    expect(result.stderr).toMatch(stderr);
    expect(result.stdout).toMatch(stdout);
    expect(result.code).toBe(code);
  });

  it('config show redacts the API key and prints one slice', () => {
    const result = taxonomy(['config', 'show', '--slice', 'llm'], { OPENAI_API_KEY: 'sk-secret-value', TAXONOMY_LLM_PROVIDER: 'offline' });
    expect(result.code).toBe(0);
    const llm = JSON.parse(result.stdout) as { api_key: string; provider: string };
    expect(llm.api_key).toBe('[redacted]');
    expect(llm.provider).toBe('offline');
    expect(result.stdout).not.toContain('sk-secret-value');
  });

  it('config show --defaults ignores the files and overrides', async () => {
    await writeFile(join(root, 'config', 's2.json'), JSON.stringify({ level_thresholds: { level_2: { min_institutions: 5 } } }));
    const resolved = JSON.parse(taxonomy(['config', 'show', '--slice', 's2']).stdout) as { level_thresholds: { level_2: { min_institutions: number } } };
    const defaults = JSON.parse(taxonomy(['config', 'show', '--slice', 's2', '--defaults']).stdout) as typeof resolved;
    await cp(join(REPO, 'config', 's2.json'), join(root, 'config', 's2.json'));
    expect(resolved.level_thresholds.level_2.min_institutions).toBe(5);
    expect(defaults.level_thresholds.level_2.min_institutions).toBe(2);
  });

  it('explain merge on two real labels prints one JSON object', () => {
    const result = taxonomy(['explain', 'merge', '--level', '2', 'computer science', 'comp sci']);
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as { merge: boolean; score: number; threshold: number; signals: Record<string, number> };
    expect(out.merge).toBe(true);
    expect(out.threshold).toBe(0.9);
    expect(out.score).toBeGreaterThanOrEqual(out.threshold);
    expect(Object.keys(out.signals)).toContain('jaro_winkler');
  });

  it('explain merge --input: one result per line, in order; bad lines give an error line and the rest carries on', async () => {
    const file = join(root, 'pairs.jsonl');
    await writeFile(
      file,
      [
        JSON.stringify({ a: 'molecular biology', b: 'molecular biophysics', level: 2 }),
        '{"a": "broken',
        JSON.stringify({ a: 'statistics', level: 1 }),
        '',
        JSON.stringify({ a: 'computer science', b: 'comp sci', level: 1 }),
        JSON.stringify({ a: 'physics', b: 'physics', level: 7 }),
      ].join('\n'),
    );
    const result = taxonomy(['explain', 'merge', '--input', file]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(5);
    expect(lines[0]!['merge']).toBe(false);
    expect(lines[1]!['error']).toMatch(/^line 2: malformed JSON/u);
    expect(lines[2]!['error']).toMatch(/^line 3: .*b/u);
    expect(lines[3]!['merge']).toBe(true);
    expect(lines[4]!['error']).toMatch(/^line 6: .*level/u);
  });

  it('explain extract --input: labels and steps per line from the real S1 normalization', async () => {
    const file = join(root, 'extract.jsonl');
    const lines = [
      { text: 'YALE UNIVERSITY - Department of Physics and Astronomy', institution: 'YALE UNIVERSITY', level: 1 },
      'not json',
      { text: 'School of Social Policy & Practice', institution: 'UNIVERSITY OF PENNSYLVANIA', level: 1 },
      { text: 'x', level: 9 },
    ];
    await writeFile(file, `${lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n')}\n`);
    const result = taxonomy(['explain', 'extract', '--input', file]);
    expect(result.code).toBe(0);
    const out = result.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { labels?: string[]; steps?: unknown[]; error?: string });
    expect(out).toHaveLength(4);
    expect(out[0]!.labels).toEqual(['astronomy', 'physics']);
    expect(out[0]!.steps!.length).toBeGreaterThan(2);
    expect(out[1]!.error).toMatch(/^line 2: malformed JSON/u);
    expect(out[2]!.labels!.length).toBeGreaterThan(0);
    expect(out[3]!.error).toMatch(/^line 4: .*level/u);
  });

  it.each([
    { args: ['--level', '3', 'NeurIPS'], pass: false, reason: /venue/u },
    { args: ['--level', '2', 'computer vision'], pass: true, reason: /allowlist/u },
  ])('explain verify $args', ({ args, pass, reason }) => {
    const result = taxonomy(['explain', 'verify', ...args]);
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as { pass: boolean; reasons: string[] };
    expect(Object.keys(out).sort()).toEqual(['pass', 'reasons']);
    expect(out.pass).toBe(pass);
    expect(out.reasons.join(' ')).toMatch(reason);
  });

  it('postprocess deduplicate writes the output and reports the merge', async () => {
    const cs = concept(0, 'computer science', null, ['yale university', 'cornell university']);
    const rows = [
      cs,
      concept(1, 'high performance computing', cs.id, ['new york university', 'cornell university']),
      concept(1, 'hpc', cs.id, ['university of michigan']),
    ];
    const input = join(root, 'concepts.jsonl');
    await writeFile(input, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
    const output = join(root, 'dedup', 'out.jsonl');
    const result = taxonomy(['postprocess', 'deduplicate', '--input', input, '--output', output]);
    expect(result.stderr).not.toMatch(/taxonomy: /u);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^deduplicate: 3 concepts in, 2 out;.*merged 1/u);
    const written = (await readFile(output, 'utf8')).trimEnd().split('\n');
    expect(written).toHaveLength(2);
  });
});

describe('runCli in process', () => {
  const captured = (): { ctx: CommandContext; out: string[] } => {
    const out: string[] = [];
    return {
      out,
      ctx: { root: REPO, cwd: REPO, env: {}, out: (t) => void out.push(t), note: () => undefined, logger: () => createLogger({ level: 'silent' }) },
    };
  };

  it.each(COMMANDS.map((c) => [c.path.join(' ')]))('taxonomy %s --help lists every option', async (name) => {
    const { ctx, out } = captured();
    const code = await runCli([...name.split(' '), '--help'], ctx);
    const command = COMMANDS.find((c) => c.path.join(' ') === name)!;
    expect(code).toBe(0);
    expect(out.join('')).toBe(formatCommandHelp(command));
    for (const option of Object.keys(command.options)) expect(out.join('')).toContain(`--${option}`);
  });

  it.each([['manage'], ['config'], ['explain'], ['postprocess']])('taxonomy %s --help lists its sub-commands', async (group) => {
    const { ctx, out } = captured();
    expect(await runCli([group, '--help'], ctx)).toBe(0);
    for (const c of COMMANDS.filter((x) => x.path[0] === group)) expect(out.join('')).toContain(c.path.join(' '));
  });

  it('rejects stray arguments to a command that takes none', async () => {
    const { ctx } = captured();
    await expect(runCli(['manage', 'status', 'extra'], ctx)).rejects.toThrow(/unexpected argument "extra"/u);
  });
});
