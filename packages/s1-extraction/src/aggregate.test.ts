import { describe, expect, it } from 'vitest';
import { stableStringify } from '@taxonomy/core';
import { recordLogEntry, recordLogLine } from './aggregate.ts';
import type { RecordExtraction } from './extract.ts';

/** A record of the sample corpus with what extraction made of it. */
function extraction(text: string, institution: string, e: Pick<RecordExtraction, 'outcome' | 'reason' | 'labels' | 'dropped'>): RecordExtraction {
  return {
    record: {
      id: `r-${text.length.toString(16).padStart(16, '0')}`,
      text,
      provenance: { institution, url: 'file:data/Faculty Extraction Report.xlsx', section: '<default>', fetched_at: null },
      meta: { language: 'en', charset: 'utf-8', hints: { source: 'excel', level: 'S0' } },
      parent_anchor: null,
    },
    raw: e.labels.length + e.dropped.length,
    ...e,
  };
}

const label = (normalized: string) => ({ label: normalized, normalized, aliases: [], parents: [] });

describe('recordLogLine', () => {
  it.each([
    ['labelled', extraction('UNIVERSITY OF PENNSYLVANIA - School of Engineering and Applied Science', 'UNIVERSITY OF PENNSYLVANIA', { outcome: 'labelled', reason: null, labels: [label('engineering'), label('applied science')], dropped: [] })],
    ['empty, no field', extraction('CORNELL UNIVERSITY - Cornell Graduate School', 'CORNELL UNIVERSITY', { outcome: 'empty', reason: 'the model named no field', labels: [], dropped: [] })],
    [
      'empty, labels dropped',
      extraction('DUKE UNIVERISTY - Duke-nus Medical School', 'DUKE UNIVERISTY', {
        outcome: 'empty',
        reason: 'every label dropped: too_short (“m” has 1 < 2 characters)',
        labels: [],
        dropped: [{ label: 'M', reason: 'too_short', detail: '"m" has 1 < 2 characters' }],
      }),
    ],
    ['quarantined', extraction('YALE UNIVERSITY - Physics', 'YALE UNIVERSITY', { outcome: 'quarantined', reason: 'llm timeout: no answer in 30000 ms', labels: [], dropped: [] })],
    ['non-ASCII', extraction('Université de Montréal - Département de sciences économiques', 'Université de Montréal', { outcome: 'labelled', reason: null, labels: [label('sciences economiques')], dropped: [] })],
  ])('%s: the bytes of stableStringify', (_name, e) => {
    const entry = recordLogEntry(e);
    expect(recordLogLine(entry)).toBe(stableStringify(entry));
  });
});
