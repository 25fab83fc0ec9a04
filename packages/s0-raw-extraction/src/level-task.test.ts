import { appendFile, cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@taxonomy/core';
import { planS0SourceViews, runS0LevelTask, writeS0SourceViews } from './level-task.ts';
import { runS0Task } from './task.ts';

const REPO = findWorkspaceRoot(import.meta.dirname);
const QUIET = ['global.log_level=silent'];
let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 's0-level-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** A copy of the repository's config and sample corpus. */
async function sampleWorkspace(name: string): Promise<string> {
  const root = join(tmp, name);
  await cp(join(REPO, 'config'), join(root, 'config'), { recursive: true });
  await cp(join(REPO, 'corpus'), join(root, 'corpus'), { recursive: true });
  await writeFile(join(root, 'nx.json'), '{}\n');
  return root;
}

/** A real line of the sample's page file, of the given kind, moved to a new URL: a page the corpus does not hold yet. */
async function newPageOfKind(root: string, kind: string): Promise<string> {
  const lines = (await readFile(join(root, 'corpus/pages/pages.jsonl'), 'utf8')).split('\n').filter(Boolean);
  const page = JSON.parse(lines.find((l) => (JSON.parse(l) as { kind: string }).kind === kind)!) as { url: string };
  return `${JSON.stringify({ ...page, url: `${page.url}?edition=next` })}\n`;
}

async function viewsOf(root: string): Promise<string[]> {
  return (await planS0SourceViews({ root })).views.map((v) => JSON.stringify(v));
}

describe('each S0 level\'s view of the sources', () => {
  it.each([
    { change: 'a new call-for-papers page (CVPR) appended to the shared page file', kind: 'cfp_topics', file: null, changed: [3] },
    { change: 'a research-area page appended to the shared page file', kind: 'research_areas', file: null, changed: [2] },
    { change: 'a page listing a school\'s units appended to the shared page file', kind: 'units', file: null, changed: [1] },
    { change: 'a department line appended to the unit list', kind: null, file: 'corpus/departments/institutions_departments.txt', changed: [1] },
  ])('changes only for the level that reads it: $change', async ({ kind, file, changed }) => {
    const root = await sampleWorkspace(`view-${kind ?? 'departments'}`);
    const before = await viewsOf(root);
    const page = kind === 'cfp_topics' ? await readFile(join(REPO, 'test/fixtures/incremental/cfp-page.jsonl'), 'utf8') : kind === null ? null : await newPageOfKind(root, kind);
    if (page !== null) await appendFile(join(root, 'corpus/pages/pages.jsonl'), page);
    else await appendFile(join(root, file!), await readFile(join(REPO, 'test/fixtures/incremental/department-line.txt'), 'utf8'));
    const after = await viewsOf(root);
    expect([0, 1, 2, 3].filter((l) => before[l] !== after[l])).toEqual(changed);
  });

  it('changes for every level that shares a file when a line of it cannot be read', async () => {
    const root = await sampleWorkspace('view-bad-line');
    const before = await viewsOf(root);
    await appendFile(join(root, 'corpus/pages/pages.jsonl'), '{"url": "https://neurips.cc/Conferences/2027/CallForPapers", "text": \n');
    const after = await viewsOf(root);
    expect([0, 1, 2, 3].filter((l) => before[l] !== after[l])).toEqual([1, 2, 3]);
  });
});

describe('runS0LevelTask', () => {
  it('writes, per level, exactly the records the all-level extraction writes for that level', async () => {
    const root = await sampleWorkspace('levels');
    await runS0Task({ root, outDir: 'artifacts/s0-all', overrides: QUIET });
    await writeS0SourceViews({ root });
    for (const level of [0, 1, 2, 3]) {
      await runS0LevelTask({ root, level, overrides: QUIET });
      const own = (await readdir(join(root, `artifacts/s0/level-${level}`))).filter((f) => f.startsWith('records-')).sort();
      const all = (await readdir(join(root, `artifacts/s0-all/level-${level}`))).sort();
      expect(own, `level ${level}`).toEqual(all);
      for (const f of own) {
        expect(await readFile(join(root, `artifacts/s0/level-${level}`, f), 'utf8'), `level ${level} ${f}`).toBe(await readFile(join(root, `artifacts/s0-all/level-${level}`, f), 'utf8'));
      }
    }
  });

  it('fails instead of caching records when a source changed after s0:sources described it', async () => {
    const root = await sampleWorkspace('edited');
    await writeS0SourceViews({ root });
    await appendFile(join(root, 'corpus/pages/pages.jsonl'), await newPageOfKind(root, 'cfp_topics'));
    await expect(runS0LevelTask({ root, level: 3, overrides: QUIET })).rejects.toMatchObject({
      code: 'INPUT_INVALID',
      message: expect.stringContaining('corpus/pages/pages.jsonl changed after s0:sources described the sources') as unknown,
    });
  });

  it('needs the views: ARTIFACT_MISSING before s0:sources ran', async () => {
    const root = await sampleWorkspace('no-views');
    await expect(runS0LevelTask({ root, level: 0, overrides: QUIET })).rejects.toMatchObject({ code: 'ARTIFACT_MISSING' });
  });
});

/**
 * Before, s0:sources read every file the manifest named before any path check: a manifest naming /dev/zero
 * (allow-listed or not) read for ever, and a FIFO blocked the build; the level tasks' refusal came too late.
 */
describe('s0:sources refuses a hostile source before reading it', () => {
  it.each([
    ['/dev/zero outside the workspace', '/dev/zero', [], /resolves to \/dev\/zero, outside the workspace/u],
    ['/dev/zero allow-listed', '/dev/zero', ['/dev'], /is a character device, not a regular file/u],
    ['a FIFO in the workspace', 'corpus/fifo.jsonl', [], /is a FIFO, not a regular file/u],
    ['a link to /etc/passwd', 'corpus/link.jsonl', [], /resolves to \/etc\/passwd, outside the workspace/u],
  ])('%s', async (name, path, allowed, message) => {
    const root = await sampleWorkspace(`hostile-${name.replace(/\W+/gu, '-')}`);
    const { execFileSync } = await import('node:child_process');
    const { symlink } = await import('node:fs/promises');
    if (path.endsWith('fifo.jsonl')) execFileSync('mkfifo', [join(root, path)]);
    if (path.endsWith('link.jsonl')) await symlink('/etc/passwd', join(root, path));
    await writeFile(join(root, 'corpus/hostile.json'), JSON.stringify({ allowed_roots: allowed, sources: [{ id: 'evil', level: 1, loader: 'source-records-jsonl', path }] }));
    await expect(planS0SourceViews({ root, overrides: [...QUIET, 's0.sources_manifest=corpus/hostile.json'] })).rejects.toMatchObject({ code: 'INPUT_INVALID', message: expect.stringMatching(message) });
  });
});
