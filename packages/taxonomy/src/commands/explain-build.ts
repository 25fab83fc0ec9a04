import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import {
  ARTIFACT_DIRS,
  CandidateSchema,
  ConceptSchema,
  MergeOpSchema,
  TaxonomyError,
  listJsonlFiles,
  normalizeLabel,
  readJsonl,
  type Candidate,
  type Concept,
  type MergeOp,
} from '@taxonomy/core';

/** What `explain place` prints for one label of the last build. */
export interface PlaceExplanation {
  label: string;
  level: number;
  found: boolean;
  id: string | null;
  parent: string | null;
  parent_label: string | null;
  method: string | null;
  confidence: number | null;
  alternatives: Array<{ parent: string; label: string; votes: number; institutions: string[]; methods: string[] }>;
  reasons: string[];
  /** Set when the label was asked at one level and lives at another. */
  lives_at_level?: number;
}

/** What `explain drop` prints: whether the label is in the last build and, if not, which phase and gate removed it. */
export interface DropExplanation {
  label: string;
  level: number;
  dropped: boolean;
  phase: string | null;
  gate: string | null;
  /** The gate's own words, with its figures ("frequency: dropped, 1 institution(s) < 2"). */
  reasons: string[];
  detail: string;
}

const OrphanSchema = z.object({ label: z.string(), level: z.number().int(), reason: z.string(), detail: z.string().nullable().default(null), concept: ConceptSchema });
const RecordLogSchema = z.object({
  record_id: z.string(),
  institution: z.string(),
  text: z.string(),
  dropped: z.array(z.object({ label: z.string(), reason: z.string(), detail: z.string() })).optional(),
});

const key = (label: string) => normalizeLabel(label);

/**
 * The artifacts of the last build, read lazily and once (a batch of explains reads each file once): the
 * final concepts, placement's output, hierarchy orphans, post-processing merges, and S1–S3 per level.
 */
export class BuildArtifacts {
  readonly #root: string;
  #final: Concept[] | null = null;
  #placed: Concept[] | null = null;
  #orphans: Array<z.infer<typeof OrphanSchema>> | null = null;
  #merges: MergeOp[] | null = null;
  readonly #s2 = new Map<number, Candidate[]>();
  readonly #s3 = new Map<number, Candidate[]>();
  readonly #s1 = new Map<number, Array<z.infer<typeof RecordLogSchema>>>();

  constructor(root: string) {
    this.#root = root;
  }

  async #read<T>(dir: string, prefix: string, schema: z.ZodType<T>): Promise<T[]> {
    const path = join(this.#root, dir);
    if (!existsSync(path)) return [];
    const out: T[] = [];
    for (const file of await listJsonlFiles(path, prefix)) for await (const { value } of readJsonl(file, { schema, onBad: () => undefined })) out.push(value);
    return out;
  }

  async finalConcepts(): Promise<Concept[]> {
    if (this.#final === null) {
      if (!existsSync(join(this.#root, ARTIFACT_DIRS.taxonomy, 'concepts.jsonl'))) {
        throw new TaxonomyError('ARTIFACT_MISSING', `no ${ARTIFACT_DIRS.taxonomy}/concepts.jsonl: build first (npx nx run taxonomy:finalize)`);
      }
      this.#final = await this.#read(ARTIFACT_DIRS.taxonomy, 'concepts', ConceptSchema.loose());
    }
    return this.#final;
  }

  async placed(): Promise<Concept[]> {
    return (this.#placed ??= await this.#read(ARTIFACT_DIRS.placement, 'concepts', ConceptSchema));
  }

  async orphans(): Promise<Array<z.infer<typeof OrphanSchema>>> {
    return (this.#orphans ??= await this.#read(ARTIFACT_DIRS.hierarchy, 'orphans', OrphanSchema));
  }

  async merges(): Promise<MergeOp[]> {
    return (this.#merges ??= await this.#read(ARTIFACT_DIRS.postprocess, 'merge-ops', MergeOpSchema));
  }

  async s2Dropped(level: number): Promise<Candidate[]> {
    if (!this.#s2.has(level)) this.#s2.set(level, await this.#read(ARTIFACT_DIRS.s2(level), 'dropped', CandidateSchema));
    return this.#s2.get(level)!;
  }

  async s3Failed(level: number): Promise<Candidate[]> {
    if (!this.#s3.has(level)) this.#s3.set(level, await this.#read(ARTIFACT_DIRS.s3(level), 'failed', CandidateSchema));
    return this.#s3.get(level)!;
  }

  async s1Log(level: number): Promise<Array<z.infer<typeof RecordLogSchema>>> {
    if (!this.#s1.has(level)) this.#s1.set(level, await this.#read(ARTIFACT_DIRS.s1(level), 'record-log', RecordLogSchema));
    return this.#s1.get(level)!;
  }
}

function matches(c: Pick<Concept, 'label' | 'aliases'>, wanted: string): boolean {
  return key(c.label) === wanted || c.aliases.some((a) => key(a) === wanted);
}

function placeOf(c: Concept, byId: ReadonlyMap<string, Concept>, asked: { label: string; level: number }): PlaceExplanation {
  const p = c.placement;
  return {
    label: c.label,
    level: asked.level,
    found: true,
    id: c.id,
    parent: c.parent,
    parent_label: c.parent === null ? null : (byId.get(c.parent)?.label ?? null),
    method: p?.method ?? c.anchor?.method ?? null,
    confidence: p?.confidence ?? null,
    alternatives: (p?.alternatives ?? []).map((a) => ({ parent: a.parent, label: a.label, votes: a.votes, institutions: a.institutions, methods: a.methods })),
    reasons: p?.reasons ?? c.reasons.filter((r) => r.startsWith('placement:')),
    ...(c.level === asked.level ? {} : { lives_at_level: c.level }),
  };
}

/** Where a label of the last build sits and why: the concept's placement (method, confidence, alternatives with votes, reasons). */
export async function explainPlace(build: BuildArtifacts, asked: { label: string; level: number }): Promise<PlaceExplanation> {
  const wanted = key(asked.label);
  const final = await build.finalConcepts();
  const byId = new Map(final.map((c) => [c.id, c]));
  const here = final.filter((c) => c.level === asked.level && matches(c, wanted));
  const hit = here.find((c) => key(c.label) === wanted) ?? here[0] ?? final.find((c) => matches(c, wanted));
  if (hit !== undefined) return placeOf(hit, byId, asked);
  const orphan = (await build.orphans()).find((o) => matches(o.concept, wanted));
  if (orphan !== undefined) {
    const out = placeOf(orphan.concept, byId, asked);
    return { ...out, parent_label: null, reasons: [...out.reasons, `hierarchy: ${orphan.reason}${orphan.detail === null ? '' : ` (${orphan.detail})`}`] };
  }
  return {
    label: asked.label,
    level: asked.level,
    found: false,
    id: null,
    parent: null,
    parent_label: null,
    method: null,
    confidence: null,
    alternatives: [],
    reasons: [`"${asked.label}" is not a concept of the last build; \`taxonomy explain drop --level ${asked.level} "${asked.label}"\` says where it was lost`],
  };
}

/** Which phase and gate removed a label from the last build, with the gate's figures; or that it is in the build. */
export async function explainDrop(build: BuildArtifacts, asked: { label: string; level: number }): Promise<DropExplanation> {
  const wanted = key(asked.label);
  const base = { label: asked.label, level: asked.level };
  const final = await build.finalConcepts();
  const kept = final.find((c) => matches(c, wanted));
  if (kept !== undefined) {
    const how = key(kept.label) === wanted ? `"${kept.label}"` : `"${kept.label}" (an alias of it)`;
    const where = kept.level === asked.level ? '' : `; it lives at L${kept.level}: ${(kept.placement?.reasons ?? []).find((r) => r.includes('moved from')) ?? 'one label, one level'}`;
    return { ...base, dropped: false, phase: null, gate: null, reasons: [], detail: `kept as ${kept.id} ${how}${where}` };
  }
  const orphan = (await build.orphans()).find((o) => matches(o.concept, wanted));
  if (orphan !== undefined) {
    const reasons = orphan.concept.placement?.reasons ?? [];
    const unplaced = orphan.concept.placement?.method === 'unplaced';
    return {
      ...base,
      dropped: true,
      phase: unplaced ? 'placement' : 'hierarchy',
      gate: unplaced ? 'placement confidence' : `orphan (${orphan.reason})`,
      reasons: unplaced ? reasons.slice(-1) : [`${orphan.reason}${orphan.detail === null ? '' : `: ${orphan.detail}`}`],
      detail: `${orphan.concept.id} is in ${ARTIFACT_DIRS.hierarchy}/orphans.jsonl, not in the tree`,
    };
  }
  for (const op of await build.merges()) {
    const loser = op.before
      .map((b) => ConceptSchema.safeParse(b))
      .flatMap((r) => (r.success ? [r.data] : []))
      .find((c) => op.losers.includes(c.id) && c.level === asked.level && matches(c, wanted));
    if (loser !== undefined) {
      return { ...base, dropped: true, phase: 'postprocess', gate: 'deduplication', reasons: [`${loser.id} merged into ${op.winner} (${op.rule})`], detail: `merge op ${op.operation_id}` };
    }
  }
  const failed = (await build.s3Failed(asked.level)).find((c) => key(c.normalized) === wanted || key(c.label) === wanted);
  if (failed !== undefined) {
    return { ...base, dropped: true, phase: 'S3', gate: 'token_verification', reasons: failed.reasons.filter((r) => r.startsWith('token_verification:')), detail: `in ${ARTIFACT_DIRS.s3(asked.level)}/failed-*.jsonl` };
  }
  const dropped = (await build.s2Dropped(asked.level)).find((c) => key(c.normalized) === wanted || key(c.label) === wanted);
  if (dropped !== undefined) {
    return {
      ...base,
      dropped: true,
      phase: 'S2',
      gate: 'frequency',
      reasons: dropped.reasons.filter((r) => r.startsWith('frequency:') && !r.startsWith('frequency: institutions:')),
      detail: `in ${ARTIFACT_DIRS.s2(asked.level)}/dropped-*.jsonl; institutions: ${dropped.institutions.join('; ')}`,
    };
  }
  for (const entry of await build.s1Log(asked.level)) {
    const d = entry.dropped?.find((x) => key(x.label) === wanted);
    if (d !== undefined) {
      return { ...base, dropped: true, phase: 'S1', gate: `normalization (${d.reason})`, reasons: [d.detail], detail: `record ${entry.record_id} of ${entry.institution}: "${entry.text}"` };
    }
  }
  return { ...base, dropped: true, phase: null, gate: null, reasons: [], detail: `no phase of the last build extracted "${asked.label}" at level ${asked.level}` };
}
