import { existsSync, type Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  ConceptSchema,
  SourceRecordSchema,
  TaxonomyError,
  describeFile,
  listJsonlFiles,
  readJsonl,
  type ArtifactRef,
  type BadLine,
  type Concept,
} from '@taxonomy/core';
import { EvidenceIndex } from './evidence-index.ts';

export interface LoadedConcepts {
  concepts: Concept[];
  inputs: ArtifactRef[];
  duplicates: number;
}

/**
 * Reads concept JSONL files (bad lines go to `onBad`). A concept id seen twice keeps its first
 * occurrence and the repeat is reported as a bad line, so nothing disappears silently.
 */
export async function readConcepts(files: ReadonlyArray<string>, onBad: (bad: BadLine) => void, relativeTo?: string): Promise<LoadedConcepts> {
  const byId = new Map<string, Concept>();
  const inputs: ArtifactRef[] = [];
  let duplicates = 0;
  for (const file of files) {
    for await (const { value, line } of readJsonl(file, { schema: ConceptSchema, onBad })) {
      if (byId.has(value.id)) {
        duplicates += 1;
        onBad({ file, line, reason: `duplicate concept id ${value.id} (first occurrence kept)`, raw: value.id });
        continue;
      }
      byId.set(value.id, value);
    }
    inputs.push(await describeFile(file, relativeTo));
  }
  return { concepts: [...byId.values()], inputs, duplicates };
}

/** The concept shards of the four S3 levels under `artifactsDir`; a missing level is an error. */
export async function s3ConceptFiles(artifactsDir: string): Promise<string[]> {
  const files: string[] = [];
  for (let level = 0; level <= 3; level += 1) {
    const dir = join(artifactsDir, 's3', `level-${level}`);
    if (!existsSync(dir)) throw new TaxonomyError('ARTIFACT_MISSING', `S3 output for level ${level} not found at ${dir}; run s3:level-${level} first`);
    files.push(...(await listJsonlFiles(dir, 'concepts-')));
  }
  return files;
}

export interface LoadedEvidence {
  index: EvidenceIndex;
  inputs: ArtifactRef[];
  records: number;
}

/** A folder entry that is (or links to) a directory / a file, as a glob that follows symbolic links counts it. */
async function entryIs(kind: 'dir' | 'file', dir: string, entry: Dirent): Promise<boolean> {
  if (entry.isSymbolicLink()) {
    const info = await stat(join(dir, entry.name)).catch(() => null);
    return info !== null && (kind === 'dir' ? info.isDirectory() : info.isFile());
  }
  return kind === 'dir' ? entry.isDirectory() : entry.isFile();
}

/**
 * The `records-*.jsonl` files of the `s0/level-*` folders under `artifactsDir`, absolute and sorted: two folder listings (fast-glob,
 * which this was, cost the task ≈ 40 ms to import for one fixed pattern).
 */
export async function s0RecordFiles(artifactsDir: string): Promise<string[]> {
  const s0 = resolve(artifactsDir, 's0');
  const levels = await readdir(s0, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return [];
    throw err;
  });
  const files: string[] = [];
  for (const level of levels) {
    if (!level.name.startsWith('level-') || !(await entryIs('dir', s0, level))) continue;
    const dir = join(s0, level.name);
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const { name } = entry;
      if (name.length >= 'records-.jsonl'.length && name.startsWith('records-') && name.endsWith('.jsonl') && (await entryIs('file', dir, entry))) files.push(join(dir, name));
    }
  }
  return files.sort();
}

/**
 * Builds the evidence index once: every S0 record under `artifactsDir/s0/level-*` plus the
 * authoritative titles. Without S0 output the index holds only the titles (records votes unknown).
 */
export async function loadEvidence(artifactsDir: string, titles: ReadonlyArray<string>, onBad: (bad: BadLine) => void, relativeTo?: string): Promise<LoadedEvidence> {
  // Records go into the index as they are read: it keeps a compact form of each, never the parsed records.
  const index = new EvidenceIndex();
  const inputs: ArtifactRef[] = [];
  let records = 0;
  const files = await s0RecordFiles(artifactsDir);
  for (const file of files) {
    const levelMatch = /level-(\d)/u.exec(file);
    for await (const { value } of readJsonl(file, { schema: SourceRecordSchema, onBad })) {
      index.add({
        text: value.text,
        url: value.provenance.url,
        institution: value.provenance.institution,
        level: value.level ?? (levelMatch === null ? null : Number(levelMatch[1])),
        record_id: value.id ?? null,
        source: 'record',
      });
      records += 1;
    }
    inputs.push(await describeFile(file, relativeTo));
  }
  for (const title of titles) index.add({ text: title, url: null, institution: null, level: null, record_id: null, source: 'cip' });
  return { index, inputs, records };
}
