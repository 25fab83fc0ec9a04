import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findWorkspaceRoot } from '@taxonomy/core';
import { runMain } from '@taxonomy/observability';
import { extractLabels, isKnownField, verifyLabel, type Level } from '@taxonomy/lexicon';

/**
 * Runs extractLabels over the whole sample (L0 unit records and L1 department lines) and lists the
 * labels by how many distinct institutions produce them, flagging any label that still carries an
 * institution, donor or campus name or a unit word. Usage: node --import tsx tools/eval/label-frequency.ts [--top N] [--json]
 */

/** Unit words; a label holding one is flagged unless the whole label is a field ("laboratory medicine"). */
const UNIT_WORDS = /\b(?:schools?|colleges?|departments?|university|institutes?|division|labs?|laborator(?:y|ies)|cent(?:er|re)s?|programs?|programmes?|office|academy|committee|initiative)\b/u;

interface Row {
  label: string;
  institutions: number;
  records: number;
}

function countLabels(inputs: ReadonlyArray<{ institution: string; text: string }>, level: Level): Row[] {
  const byLabel = new Map<string, { institutions: Set<string>; records: number }>();
  for (const input of inputs) {
    for (const label of extractLabels({ text: input.text, institution: input.institution, level }).labels) {
      const row = byLabel.get(label.normalized) ?? { institutions: new Set<string>(), records: 0 };
      row.institutions.add(input.institution.toLowerCase());
      row.records += 1;
      byLabel.set(label.normalized, row);
    }
  }
  return [...byLabel]
    .map(([label, r]) => ({ label, institutions: r.institutions.size, records: r.records }))
    .sort((a, b) => b.institutions - a.institutions || b.records - a.records || a.label.localeCompare(b.label));
}

await runMain(async () => {
  const argv = process.argv.slice(2);
  const topIndex = argv.indexOf('--top');
  const top = topIndex >= 0 ? Number.parseInt(argv[topIndex + 1] ?? '30', 10) : 30;
  const root = findWorkspaceRoot();
  const units = readFileSync(join(root, 'corpus', 'units', 'source_records.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { text: string; provenance: { institution: string } })
    .map((r) => ({ institution: r.provenance.institution, text: r.text }));
  const departments = readFileSync(join(root, 'corpus', 'departments', 'institutions_departments.txt'), 'utf8')
    .split('\n')
    .filter((l) => l.includes('||'))
    .map((l) => {
      const [institution, text] = l.split('||');
      return { institution: institution!.trim(), text: text!.trim() };
    });
  const result = { L0: countLabels(units, 0), L1: countLabels(departments, 1) };
  const flagged = [...result.L0, ...result.L1]
    .filter((r) => (UNIT_WORDS.test(r.label) && !isKnownField(r.label)) || !verifyLabel({ label: r.label, level: 1 }).pass)
    .map((r) => r.label);
  if (argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify({ L0: result.L0.slice(0, top), L1: result.L1.slice(0, top), distinct: { L0: result.L0.length, L1: result.L1.length }, flagged }, null, 2)}\n`);
    return 0;
  }
  const lines: string[] = [];
  for (const level of ['L0', 'L1'] as const) {
    lines.push(`${level}: ${result[level].length} distinct labels; top ${top} by institution count (institutions / records)`);
    for (const r of result[level].slice(0, top)) lines.push(`  ${String(r.institutions).padStart(3)} ${String(r.records).padStart(4)}  ${r.label}`);
    lines.push('');
  }
  lines.push(`labels with an institution, donor or campus name or a unit word: ${flagged.length === 0 ? 'none' : flagged.join(', ')}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
});
