import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConceptSchema, TaxonomyError, listJsonlFiles, normalizeLabel, readJsonl } from '@taxonomy/core';
import {
  CURATION_FILE,
  CURATION_INPUT_DIR,
  CurationDecisionSchema,
  DEFAULT_CURATION_COMMENT,
  describeDecision,
  levelOfId,
  loadCurationFile,
  writeCurationFile,
  type CurationDecision,
} from '@taxonomy/curation';
import { HELP_OPTION, type CommandContext, type CommandDef } from './context.ts';
import { didYouMean, optionalString, usageError, type OptionSpecs, type ParsedArgs } from './usage.ts';

/** The concepts a decision can name: what curation:apply reads (id, level, label, parent). */
export interface CuratableConcept {
  id: string;
  level: number;
  label: string;
  parent: string | null;
}

/** Reads the concepts curation:apply will see; null when no build has produced them yet. */
export async function readCuratableConcepts(root: string): Promise<CuratableConcept[] | null> {
  const dir = join(root, CURATION_INPUT_DIR);
  if (!existsSync(dir)) return null;
  const files = await listJsonlFiles(dir, 'concepts').catch(() => [] as string[]);
  if (files.length === 0) return null;
  const out: CuratableConcept[] = [];
  for (const file of files) {
    for await (const { value } of readJsonl(file, { schema: ConceptSchema, onBad: () => undefined })) out.push({ id: value.id, level: value.level, label: value.label, parent: value.parent });
  }
  return out;
}

/**
 * Turns what a person typed into a concept id: an id as is (checked against the build), or a label
 * (optionally at one level) that names exactly one concept. Errors list the candidates or the nearest label.
 */
export function resolveConceptRef(text: string, concepts: ReadonlyArray<CuratableConcept> | null, options: { level?: number; role: string; force: boolean }): string {
  const ref = text.trim();
  const isId = levelOfId(ref) !== null;
  if (concepts === null) {
    if (isId && options.force) return ref;
    throw new TaxonomyError('ARTIFACT_MISSING', `${options.role} "${ref}": no concepts to check it against in ${CURATION_INPUT_DIR} (build first, or pass a concept id with --force)`);
  }
  if (isId) {
    if (concepts.some((c) => c.id === ref) || options.force) return ref;
    const base = ref.split('~')[0];
    const same = concepts.filter((c) => c.id.split('~')[0] === base).map((c) => c.id);
    throw usageError(`${options.role} "${ref}" is not in the current build${same.length > 0 ? `; did you mean ${same.slice(0, 5).join(', ')}?` : ''} (--force writes it anyway)`);
  }
  const label = normalizeLabel(ref);
  const hits = concepts.filter((c) => c.label === label && (options.level === undefined || c.level === options.level));
  if (hits.length === 1) return hits[0]!.id;
  if (hits.length === 0) {
    const labels = [...new Set(concepts.filter((c) => options.level === undefined || c.level === options.level).map((c) => c.label))];
    throw usageError(`${options.role} "${ref}": no concept${options.level === undefined ? '' : ` at level ${options.level}`} is labelled "${label}"${didYouMean(label, labels)}`);
  }
  const byId = new Map(concepts.map((c) => [c.id, c]));
  const listed = hits.slice(0, 8).map((c) => `${c.id} (L${c.level}${c.parent === null ? '' : ` under ${byId.get(c.parent)?.label ?? c.parent}`})`);
  throw usageError(`${options.role} "${ref}" names ${hits.length} concepts: ${listed.join(', ')}${hits.length > 8 ? ', …' : ''}; pass the id (or --level)`);
}

const CURATE_OPTIONS = {
  note: { type: 'string', value: 'TEXT', description: 'Why (kept with the decision, shown in the manifest and the report)' },
  level: { type: 'string', value: 'N', description: 'Resolve a label argument at this level only' },
  force: { type: 'boolean', description: 'Write a decision whose concept ids are not in the current build' },
  ...HELP_OPTION,
} as const satisfies OptionSpecs;

function parseLevelOption(args: ParsedArgs): number | undefined {
  const text = optionalString(args.values, 'level');
  if (text === undefined) return undefined;
  if (!/^[0-3]$/u.test(text)) throw usageError(`--level: expected 0, 1, 2 or 3, got "${text}"`);
  return Number(text);
}

/** Appends one decision to config/curation.json (validated by the file's schema before it is written). */
async function appendDecision(ctx: CommandContext, raw: Record<string, unknown>): Promise<void> {
  const parsed = CurationDecisionSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw usageError(`curate ${String(raw['op'])}: ${issue.path.join('.') || 'decision'}: ${issue.message}`);
  }
  const loaded = await loadCurationFile(ctx.root);
  const decisions: CurationDecision[] = [...loaded.file.decisions, parsed.data];
  await writeCurationFile(ctx.root, { $comment: loaded.file.$comment ?? DEFAULT_CURATION_COMMENT, decisions });
  ctx.out(`${CURATION_FILE}: added decision ${describeDecision(decisions.length - 1, parsed.data)}${'parent' in parsed.data ? ` → ${parsed.data.parent}` : ''}${'into' in parsed.data ? ` → ${parsed.data.into}` : ''}${'label' in parsed.data ? ` → "${parsed.data.label}"` : ''}${'alias' in parsed.data ? ` + "${parsed.data.alias}"` : ''} (${decisions.length} in the file)\n`);
  ctx.note('Rebuild with `npx nx run taxonomy:finalize`: only curation:apply, hierarchy:assemble and taxonomy:finalize re-run.\n');
}

function curateCommand(op: CurationDecision['op'], args_: string, summary: string, build: (pos: string[], concepts: CuratableConcept[] | null, opts: { level?: number; force: boolean }) => Record<string, unknown>): CommandDef {
  return {
    path: ['curate', op],
    summary,
    args: args_,
    options: CURATE_OPTIONS,
    details: 'CONCEPT may be an id (L2:machine-learning~3fa2c1) or a label that names one concept of the current build.',
    async run(args, ctx) {
      const expected = args_.split(' ').length;
      if (args.positionals.length !== expected) throw usageError(`curate ${op}: expected ${args_}, got ${args.positionals.length} argument(s); see taxonomy curate ${op} --help`);
      const level = parseLevelOption(args);
      const concepts = await readCuratableConcepts(ctx.root);
      const note = optionalString(args.values, 'note');
      const decision = build(args.positionals, concepts, { ...(level === undefined ? {} : { level }), force: args.values['force'] === true });
      await appendDecision(ctx, { op, ...decision, ...(note === undefined ? {} : { note }) });
    },
  };
}

const levelOf = (id: string) => levelOfId(id) ?? undefined;

export const curateCommands: ReadonlyArray<CommandDef> = [
  curateCommand('pin', 'CONCEPT PARENT', 'Pin a concept under a parent one level up', ([c, p], concepts, o) => {
    const concept = resolveConceptRef(c!, concepts, { ...o, role: 'concept' });
    const level = levelOf(concept);
    return { concept, parent: resolveConceptRef(p!, concepts, { force: o.force, role: 'parent', ...(level === undefined || level === 0 ? {} : { level: level - 1 }) }) };
  }),
  curateCommand('rename', 'CONCEPT LABEL', 'Give a concept a new label (the old one stays as an alias)', ([c, label], concepts, o) => ({ concept: resolveConceptRef(c!, concepts, { ...o, role: 'concept' }), label })),
  curateCommand('merge', 'CONCEPT INTO', 'Merge a concept into another of the same level', ([c, into], concepts, o) => {
    const concept = resolveConceptRef(c!, concepts, { ...o, role: 'concept' });
    const level = levelOf(concept);
    return { concept, into: resolveConceptRef(into!, concepts, { force: o.force, role: 'merge target', ...(level === undefined ? {} : { level }) }) };
  }),
  curateCommand('drop', 'CONCEPT', 'Drop a concept and its subtree', ([c], concepts, o) => ({ concept: resolveConceptRef(c!, concepts, { ...o, role: 'concept' }) })),
  curateCommand('alias', 'CONCEPT ALIAS', 'Add an alternative label to a concept', ([c, alias], concepts, o) => ({ concept: resolveConceptRef(c!, concepts, { ...o, role: 'concept' }), alias })),
  {
    path: ['curate', 'list'],
    summary: 'List the decisions of config/curation.json with their last outcome',
    options: { json: { type: 'boolean', description: 'Print the decisions as JSON' }, ...HELP_OPTION },
    async run(args, ctx) {
      const loaded = await loadCurationFile(ctx.root);
      if (args.values['json'] === true) {
        ctx.out(`${JSON.stringify(loaded.file.decisions, null, 2)}\n`);
        return;
      }
      if (loaded.file.decisions.length === 0) {
        ctx.out(`${CURATION_FILE}: ${loaded.present ? 'no decision' : 'absent'}\n`);
        return;
      }
      for (const [i, d] of loaded.file.decisions.entries()) {
        const target = 'parent' in d ? ` → ${d.parent}` : 'into' in d ? ` → ${d.into}` : 'label' in d ? ` → "${d.label}"` : 'alias' in d ? ` + "${d.alias}"` : '';
        ctx.out(`${describeDecision(i, d)}${target}${d.note === undefined ? '' : `  (${d.note})`}\n`);
      }
    },
  },
  {
    path: ['curate', 'remove'],
    summary: 'Remove decision #N from config/curation.json',
    args: 'N',
    options: HELP_OPTION,
    async run(args, ctx) {
      const n = Number(args.positionals[0]);
      const loaded = await loadCurationFile(ctx.root);
      if (!Number.isInteger(n) || n < 1 || n > loaded.file.decisions.length) throw usageError(`curate remove: expected a decision number 1…${loaded.file.decisions.length}, got "${args.positionals[0] ?? ''}"`);
      const removed = loaded.file.decisions[n - 1]!;
      await writeCurationFile(ctx.root, { ...loaded.file, decisions: loaded.file.decisions.filter((_, i) => i !== n - 1) });
      ctx.out(`${CURATION_FILE}: removed ${describeDecision(n - 1, removed)}\n`);
    },
  },
];
