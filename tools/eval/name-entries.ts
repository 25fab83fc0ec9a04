import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findWorkspaceRoot, normalizeLabel } from '@taxonomy/core';
import { runMain } from '@taxonomy/observability';
import { curatedNameTables } from '@taxonomy/lexicon';

/**
 * Counts the entries of the lexicon's curated name tables (brands, donors, institutions, campuses) that occur as a
 * word or phrase in the sample corpus's unit and department names: entries that name a sample institution's donor,
 * brand or campus, i.e. rules that work where they were written. Usage: node --import tsx tools/eval/name-entries.ts [--list]
 */

function sampleNames(root: string): string[] {
  const units = readFileSync(join(root, 'corpus', 'units', 'source_records.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { text: string }).text);
  const departments = readFileSync(join(root, 'corpus', 'departments', 'institutions_departments.txt'), 'utf8')
    .split('\n')
    .filter((l) => l.includes('||'))
    .map((l) => l.split('||')[1] ?? '');
  return [...units, ...departments].map((t) => ` ${normalizeLabel(t)} `);
}

await runMain(async () => {
  const list = process.argv.includes('--list');
  const names = sampleNames(findWorkspaceRoot());
  const rows = curatedNameTables().map(({ table, kind, entries }) => {
    const inSample = entries.filter((e) => {
      const needle = ` ${normalizeLabel(e)} `;
      return names.some((n) => n.includes(needle));
    });
    return { table, kind, entries: entries.length, inSample };
  });
  const out = ['table                  kind     entries  in sample names'];
  for (const r of rows) {
    out.push(`${r.table.padEnd(22)} ${r.kind.padEnd(8)}${String(r.entries).padStart(8)}${String(r.inSample.length).padStart(11)}${list && r.inSample.length ? `  ${r.inSample.join(', ')}` : ''}`);
  }
  const nameRows = rows.filter((r) => r.kind === 'names');
  const total = nameRows.reduce((n, r) => n + r.entries, 0);
  const inSample = nameRows.reduce((n, r) => n + r.inSample.length, 0);
  out.push(`name tables: ${total} entries, ${inSample} occur in the sample's unit names (${total === 0 ? 0 : Math.round((inSample / total) * 100)}%); grammar tables (titles, particles) name nobody`);
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
});
