import { describe, expect, it } from 'vitest';
import { RecordTable } from './records.ts';
import type { PlacementRecord } from './types.ts';

// Records of the sample corpus as S0 writes them (ids are S0's content hashes' shape).
const PENN_MED: PlacementRecord = { id: 'r-41628a0d45b66494', level: 0, institution: 'University of Pennsylvania', text: 'UNIVERSITY OF PENNSYLVANIA - Perelman School of Medicine', declared: null, section: null };
const DUKE_DEPT: PlacementRecord = { id: 'r-0000274f34991532', level: 1, institution: 'Duke University', text: 'department of biostatistics and bioinformatics', declared: null, section: null };
const CMU_LTI: PlacementRecord = { id: 'r-4c12856d0ef8e863', level: 1, institution: 'Carnegie Mellon University', text: 'Language Technologies Institute', declared: null, section: 'School of Computer Science' };
const TORONTO_CS: PlacementRecord = { id: 'r-f6e7d0e5840d783c', level: 1, institution: 'University of Toronto', text: 'Department of Computer Science', declared: 'Faculty of Arts & Science', section: null };

describe('RecordTable', () => {
  it.each([
    // record, level, institution, declared, section, text (kept for level-0 units only)
    [PENN_MED, 0, 'University of Pennsylvania', null, null, 'UNIVERSITY OF PENNSYLVANIA - Perelman School of Medicine'],
    [DUKE_DEPT, 1, 'Duke University', null, null, null],
    [CMU_LTI, 1, 'Carnegie Mellon University', null, 'School of Computer Science', null],
    [TORONTO_CS, 1, 'University of Toronto', 'Faculty of Arts & Science', null, null],
  ])('keeps what placement reads of %o', (record, level, institution, declared, section, text) => {
    const table = RecordTable.of([record]);
    const at = table.find(record.id);
    expect(at).not.toBe(-1);
    expect([table.id(at), table.level(at), table.institution(at), table.declared(at), table.section(at), table.text(at)]).toEqual([record.id, level, institution, declared, section, text]);
  });

  it('keeps only cited records, counts the cited ones S0 never gave, and lets the last read win', () => {
    const table = new RecordTable();
    table.cite(PENN_MED.id);
    table.cite(CMU_LTI.id);
    expect(table.set(DUKE_DEPT)).toBe(false);
    expect(table.set(CMU_LTI)).toBe(true);
    expect(table.set({ ...CMU_LTI, section: null, declared: 'School of Computer Science' })).toBe(true);
    expect([table.cited, table.read]).toEqual([2, 1]);
    expect(table.find(DUKE_DEPT.id)).toBe(-1);
    // Cited, but S0 has no such record: no slot to read.
    expect(table.find(PENN_MED.id)).toBe(-1);
    const at = table.find(CMU_LTI.id);
    expect([table.declared(at), table.section(at)]).toEqual(['School of Computer Science', null]);
  });

  it('gives a record cited by several concepts one slot', () => {
    const table = new RecordTable();
    // Two concepts citing the record each parse their own copy of the id.
    for (const id of [PENN_MED.id, `r-41628a0d${'45b66494'}`, CMU_LTI.id]) table.cite(id);
    table.set(PENN_MED);
    expect([table.cited, table.read]).toEqual([2, 1]);
    expect(table.institution(table.find(PENN_MED.id))).toBe('University of Pennsylvania');
  });
});
