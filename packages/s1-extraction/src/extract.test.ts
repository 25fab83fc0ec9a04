import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { TaxonomyError, conceptId, type SourceRecord } from '@taxonomy/core';
import { defaultConfig } from '@taxonomy/config';
import { createLlmClient, type LlmCallResult, type LlmClient, type PromptKey, type PromptOutput, type PromptVariables } from '@taxonomy/llm';
import { createLogger } from '@taxonomy/observability';
import { CandidateAggregator, accountRecords, aggregateCandidates, buildRecordLog } from './aggregate.ts';
import { ParentIndex } from './anchor.ts';
import { explainExtraction } from './explain.ts';
import { extractRecords, type IdentifiedRecord } from './extract.ts';

const config = defaultConfig().s1;
const log = createLogger({ level: 'silent', pretty: false });

async function offlineClient(): Promise<LlmClient> {
  return createLlmClient({ config: { ...defaultConfig().llm, provider: 'offline' }, root: tmpdir(), log, phase: 'S1' });
}

type ExtractAnswer = PromptOutput<'taxonomy.extract'>['candidates'];

/**
 * A provider that answers `taxonomy.extract` from a script keyed by source text (as a real model
 * might: echoing unit names, adding parents), fails for scripted texts, and records how many calls
 * were in flight at once.
 */
class ScriptedClient implements LlmClient {
  readonly provider = 'openai' as const;
  readonly model = 'scripted';
  inFlight = 0;
  maxInFlight = 0;
  calls = 0;
  constructor(
    private readonly answers: ReadonlyMap<string, ExtractAnswer | 'fail' | 'down'>,
    private readonly fallback: LlmClient,
  ) {}

  async run<K extends PromptKey>(key: K, variables: PromptVariables<K>): Promise<LlmCallResult<PromptOutput<K>>> {
    this.calls += 1;
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((r) => setTimeout(r, 1));
    this.inFlight -= 1;
    const answer = key === 'taxonomy.extract' ? this.answers.get((variables as PromptVariables<'taxonomy.extract'>).source_text) : undefined;
    if (answer === 'down') throw new TaxonomyError('PROVIDER_UNAVAILABLE', 'connection refused: http://127.0.0.1:9/v1');
    if (answer === 'fail') return { ok: false, reason: 'schema_invalid', error: 'candidates.0.label: expected string' };
    if (answer !== undefined) return { ok: true, value: { candidates: answer } as PromptOutput<K>, cached: false, repaired: false };
    return this.fallback.run(key, variables);
  }

  usage() {
    return this.fallback.usage();
  }

  async close(): Promise<void> {
    await this.fallback.close();
  }
}

function record(id: string, text: string, institution: string, extra: Partial<SourceRecord> = {}): IdentifiedRecord {
  return {
    id,
    level: extra.level ?? 0,
    text,
    provenance: { institution, url: extra.provenance?.url ?? null, section: extra.provenance?.section ?? null, fetched_at: null },
    meta: { language: 'en', charset: 'utf-8', hints: extra.meta?.hints ?? {} },
    parent_anchor: extra.parent_anchor ?? null,
  };
}

/** Level-0 unit records of the sample corpus (units/source_records.jsonl). */
const UNITS: IdentifiedRecord[] = [
  record('r-01', 'UNIVERSITY OF PENNSYLVANIA - the Wharton School', 'UNIVERSITY OF PENNSYLVANIA'),
  record('r-02', 'UNIVERSITY OF PENNSYLVANIA - School of Engineering and Applied Science', 'UNIVERSITY OF PENNSYLVANIA'),
  record('r-03', 'UNIVERSITY OF CHICAGO - Physics, Department of', 'UNIVERSITY OF CHICAGO'),
  record('r-04', 'YALE UNIVERSITY - Physics', 'YALE UNIVERSITY'),
  record('r-05', 'CORNELL UNIVERSITY - Cornell Graduate School', 'CORNELL UNIVERSITY'),
  record('r-06', 'DUKE UNIVERISTY - Duke-nus Medical School', 'DUKE UNIVERISTY'),
  record('r-07', 'CORNELL UNIVERSITY - College of Engineering', 'CORNELL UNIVERSITY'),
];

describe('extractRecords with the offline client', () => {
  it('labels, empties and accounts for every unit record', async () => {
    const client = await offlineClient();
    const extractions = await extractRecords(UNITS, { level: 0, client, config, window: 3 });
    const log = buildRecordLog(extractions);
    expect(log.map((l) => [l.record_id, l.outcome, l.labels])).toEqual([
      ['r-01', 'labelled', ['business']],
      ['r-02', 'labelled', ['applied science', 'engineering']],
      ['r-03', 'labelled', ['physics']],
      ['r-04', 'labelled', ['physics']],
      ['r-05', 'empty', []],
      ['r-06', 'labelled', ['medicine']],
      ['r-07', 'labelled', ['engineering']],
    ]);
    expect(accountRecords(UNITS.length, log)).toEqual({ records_in: 7, records_labelled: 6, records_empty: 1, records_quarantined: 0 });
    expect(client.usage().calls).toBe(7);
  });
});

describe('extractRecords with a scripted provider', () => {
  it('issues calls concurrently, quarantines failed calls and keeps going', async () => {
    const answers = new Map<string, ExtractAnswer | 'fail'>([[UNITS[2]!.text, 'fail']]);
    const client = new ScriptedClient(answers, await offlineClient());
    const extractions = await extractRecords(UNITS, { level: 0, client, config, window: 4 });
    expect(client.maxInFlight).toBeGreaterThan(1);
    expect(client.calls).toBe(UNITS.length);
    const quarantined = extractions.filter((e) => e.outcome === 'quarantined');
    expect(quarantined.map((e) => [e.record.id, e.reason])).toEqual([['r-03', 'llm schema_invalid: candidates.0.label: expected string']]);
    expect(accountRecords(UNITS.length, buildRecordLog(extractions))).toEqual({ records_in: 7, records_labelled: 5, records_empty: 1, records_quarantined: 1 });
  });

  it('lets PROVIDER_UNAVAILABLE stop the extraction instead of quarantining every record', async () => {
    const client = new ScriptedClient(new Map([[UNITS[4]!.text, 'down']]), await offlineClient());
    await expect(extractRecords(UNITS, { level: 0, client, config })).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
  });

  it('drops out-of-bounds labels with their reason and counts the record empty when nothing is left', async () => {
    const text = 'General Machine Learning (active learning, clustering, online learning, ranking, reinforcement learning)';
    const answers = new Map<string, ExtractAnswer | 'fail'>([
      [text, [{ label: 'A', normalized: 'a', aliases: [], parents: [] }, { label: text, normalized: text.toLowerCase(), aliases: [], parents: [] }]],
    ]);
    const client = new ScriptedClient(answers, await offlineClient());
    const [e] = await extractRecords([record('r-10', text, 'ICML', { level: 3 })], { level: 3, client, config });
    expect(e?.outcome).toBe('empty');
    expect(e?.dropped.map((d) => d.reason)).toEqual(['too_short', 'too_long']);
    expect(buildRecordLog([e!])[0]).toMatchObject({ record_id: 'r-10', outcome: 'empty', labels: [], dropped: [{ label: 'A', reason: 'too_short' }, { reason: 'too_long' }] });
  });
});

describe('accountRecords', () => {
  it('throws INVARIANT_VIOLATED when a record is missing from the log', () => {
    expect(() => accountRecords(3, [{ outcome: 'labelled' }, { outcome: 'empty' }])).toThrowError(/records_in 3 ≠ labelled 1 \+ empty 1 \+ quarantined 0/u);
  });
});

describe('aggregateCandidates', () => {
  const engineering = { id: conceptId(0, 'engineering', null), label: 'engineering', aliases: ['College of Engineering'], institutions: ['example university'] };
  const index = new ParentIndex([engineering], { parentLevel: 0, config });

  it('merges one label from two records under one parent (SPEC O-03)', async () => {
    const cs = { label: 'Department of Computer Science (CS)', normalized: 'computer science', aliases: ['CS'], parents: ['College of Engineering'] };
    const answers = new Map<string, ExtractAnswer | 'fail'>([
      ['Department of Computer Science (CS)', [cs]],
      ['Department of Computer Science', [{ ...cs, label: 'Department of Computer Science' }]],
    ]);
    const client = new ScriptedClient(answers, await offlineClient());
    const url = { provenance: { institution: 'Example University', url: 'https://example.edu/departments', section: null, fetched_at: null }, level: 1 };
    // S0 tags every record with its source's policy; the candidate carries the sources of its records.
    const trusted = { ...url, meta: { language: 'en', charset: 'utf-8', hints: { source_id: 'our-list', source_trust: 'authoritative' } } };
    const plain = { ...url, meta: { language: 'en', charset: 'utf-8', hints: { source_id: 'departments', source_min_institutions: '1' } } };
    const records = [record('r-b', 'Department of Computer Science', 'Example University', plain), record('r-a', 'Department of Computer Science (CS)', 'Example University', trusted)];
    const extractions = await extractRecords(records, { level: 1, client, config });
    const { candidates, raw } = aggregateCandidates(extractions, { level: 1, index });
    expect(raw).toBe(2);
    expect(candidates).toEqual([
      {
        level: 1,
        label: 'Department of Computer Science (CS)',
        normalized: 'computer science',
        parent: engineering.id,
        anchor: { method: 'declared', anchor: 'College of Engineering', detail: 'declared "College of Engineering" matches "college of engineering"' },
        aliases: ['CS', 'Department of Computer Science', 'Department of Computer Science (CS)'],
        institutions: ['Example University'],
        record_ids: ['r-a', 'r-b'],
        support: { records: 2, institutions: 1, count: 2 },
        gates: {},
        reasons: [],
        sources: [
          { id: 'departments', trust: 'default', min_institutions: 1, min_records: null },
          { id: 'our-list', trust: 'authoritative', min_institutions: null, min_records: null },
        ],
      },
    ]);
  });

  it('keeps popular candidates without a parent under a scoped fallback id (SPEC §6.3-12)', async () => {
    const client = await offlineClient();
    const records = [
      record('r-1', 'computer science', 'cornell university', { level: 1 }),
      record('r-2', 'computer science', 'stanford university', { level: 1 }),
      record('r-3', 'department of linguistics', 'yale university', { level: 1 }),
    ];
    const extractions = await extractRecords(records, { level: 1, client, config });
    const { candidates } = aggregateCandidates(extractions, { level: 1, index: new ParentIndex([], { parentLevel: 0, config }) });
    expect(candidates.map((c) => [c.normalized, c.parent, c.support.institutions])).toEqual([
      ['computer science', 'unresolved:L0:unknown', 2],
      ['linguistics', 'unresolved:L0:unknown', 1],
    ]);
  });

  it('splits one label by parent and sorts by normalized then parent', async () => {
    const physics = { id: conceptId(0, 'physics', null), label: 'physics', aliases: [], institutions: ['yale university'] };
    const both = new ParentIndex([engineering, physics], { parentLevel: 0, config });
    const client = await offlineClient();
    const records = [
      record('r-1', 'applied physics', 'yale university', { level: 1, parent_anchor: 'College of Engineering' }),
      record('r-2', 'applied physics', 'yale university', { level: 1, parent_anchor: 'Physics' }),
    ];
    const { candidates } = aggregateCandidates(await extractRecords(records, { level: 1, client, config }), { level: 1, index: both });
    expect(candidates.map((c) => [c.normalized, c.parent, c.record_ids])).toEqual([
      ['applied physics', engineering.id, ['r-1']],
      ['applied physics', physics.id, ['r-2']],
    ]);
  });
});

describe('CandidateAggregator', () => {
  it('gives the candidates of record-id order whatever order the extractions come in', async () => {
    const client = await offlineClient();
    const physics = { id: conceptId(0, 'physics', null), label: 'physics', aliases: [], institutions: ['yale university'] };
    const engineering = { id: conceptId(0, 'engineering', null), label: 'engineering', aliases: ['College of Engineering'], institutions: ['cornell university'] };
    const index = new ParentIndex([physics, engineering], { parentLevel: 0, config });
    const hints = (id: string) => ({ meta: { language: 'en', charset: 'utf-8', hints: { source_id: id } }, level: 1 });
    // One label in several spellings, parents reached by different methods, two sources.
    const records = [
      record('r-3', 'Applied Physics', 'yale university', { ...hints('departments'), parent_anchor: 'Physics' }),
      record('r-1', 'applied physics', 'yale university', hints('units')),
      record('r-2', 'Department of Applied Physics', 'cornell university', { ...hints('departments'), parent_anchor: 'College of Engineering' }),
      record('r-4', 'APPLIED PHYSICS', 'stanford university', hints('units')),
      record('r-0', 'physics, department of', 'yale university', hints('departments')),
    ];
    const extractions = await extractRecords(records, { level: 1, client, config });
    const expected = aggregateCandidates([...extractions].sort((a, b) => (a.record.id < b.record.id ? -1 : 1)), { level: 1, index });
    for (const order of [[0, 1, 2, 3, 4], [4, 3, 2, 1, 0], [2, 0, 4, 1, 3]]) {
      const aggregator = new CandidateAggregator({ level: 1, index });
      for (const i of order) aggregator.add(extractions[i]!);
      expect(aggregator.finish()).toEqual(expected);
    }
    expect(expected.candidates.map((c) => [c.normalized, c.label, c.record_ids])).toContainEqual(['applied physics', 'applied physics', ['r-1', 'r-3', 'r-4']]);
  });
});

describe('explainExtraction', () => {
  it('shows the model answer, each step and the final labels', async () => {
    const client = await offlineClient();
    const result = await explainExtraction({ text: 'CORNELL UNIVERSITY - School of Industrial and Labor Relations (ilr)', level: 0, institution: 'CORNELL UNIVERSITY', client, config });
    expect(result.labels).toEqual(['industrial relations', 'labor relations']);
    expect(result.steps[0]?.step).toBe('input');
    expect(result.steps[1]).toMatchObject({ step: 'model' });
    expect(result.steps.at(-1)).toEqual({ step: 'labels', detail: 'industrial relations, labor relations' });
  });

  it('reports a failed call as a step', async () => {
    const text = 'NeurIPS 2024';
    const client = new ScriptedClient(new Map([[text, 'fail']]), await offlineClient());
    const result = await explainExtraction({ text, level: 3, institution: 'NeurIPS', client, config });
    expect(result).toEqual({
      labels: [],
      steps: [
        { step: 'input', detail: 'level 3, institution "NeurIPS": "NeurIPS 2024"' },
        { step: 'model', detail: 'no usable answer (schema_invalid): candidates.0.label: expected string' },
      ],
    });
  });
});
