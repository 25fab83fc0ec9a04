import { TaxonomyError } from '@taxonomy/core';
import type { HistoryEntry, RunSnapshot, SnapshotConcept } from './snapshot.ts';

export interface DiffConcept {
  id: string;
  level: number;
  label: string;
  parent: string | null;
  parent_label: string | null;
}

export interface RunDiff {
  from: { seq: number; run_id: string; generated_at: string; total: number };
  to: { seq: number; run_id: string; generated_at: string; total: number };
  added: DiffConcept[];
  removed: DiffConcept[];
  /** Same concept (same id, or the only one of its level and label on each side) under another parent. */
  moved: Array<{ id: string; from_id: string; level: number; label: string; from_parent: string | null; from_parent_label: string | null; to_parent: string | null; to_parent_label: string | null }>;
  relabelled: Array<{ id: string; level: number; from: string; to: string }>;
  aliases: Array<{ id: string; label: string; added: string[]; removed: string[] }>;
  settings: Array<{ path: string; from: unknown; to: unknown }>;
  counters: Array<{ task: string; counter: string; from: number | null; to: number | null }>;
  curation: { added: RunSnapshot['curation']; removed: RunSnapshot['curation'] };
}

const order = (a: { level: number; id: string }, b: { level: number; id: string }) => a.level - b.level || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Flattens nested settings to dotted paths (arrays and scalars are leaves). */
export function flattenSettings(value: unknown, prefix = '', out: Map<string, unknown> = new Map()): Map<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flattenSettings(v, prefix === '' ? k : `${prefix}.${k}`, out);
  } else out.set(prefix, value);
  return out;
}

/**
 * What changed between two runs: concepts added and removed, moved (parent changed; a concept whose id
 * changed with its parent counts as moved when it is the only one of its level and label on both sides),
 * relabelled (same id, new label), alias changes, settings (dotted paths) and counters. By construction
 * `to.total − from.total = added − removed`.
 */
export function diffSnapshots(from: RunSnapshot, to: RunSnapshot, seqs: { from: number; to: number }): RunDiff {
  const asMap = (s: RunSnapshot) => new Map<string, SnapshotConcept>(s.concepts.map((c) => [c[0], c]));
  const a = asMap(from);
  const b = asMap(to);
  const labelIn = (m: Map<string, SnapshotConcept>, id: string | null) => (id === null ? null : (m.get(id)?.[2] ?? null));
  const view = (m: Map<string, SnapshotConcept>, c: SnapshotConcept): DiffConcept => ({ id: c[0], level: c[1], label: c[2], parent: c[3], parent_label: labelIn(m, c[3]) });
  let removed = from.concepts.filter((c) => !b.has(c[0]));
  let added = to.concepts.filter((c) => !a.has(c[0]));
  const moved: RunDiff['moved'] = [];
  const relabelled: RunDiff['relabelled'] = [];
  const aliases: RunDiff['aliases'] = [];
  for (const c of to.concepts) {
    const old = a.get(c[0]);
    if (old === undefined) continue;
    if (old[3] !== c[3]) moved.push({ id: c[0], from_id: c[0], level: c[1], label: c[2], from_parent: old[3], from_parent_label: labelIn(a, old[3]), to_parent: c[3], to_parent_label: labelIn(b, c[3]) });
    if (old[2] !== c[2]) relabelled.push({ id: c[0], level: c[1], from: old[2], to: c[2] });
    const gained = c[4].filter((x) => !old[4].includes(x));
    const lost = old[4].filter((x) => !c[4].includes(x));
    if (gained.length + lost.length > 0) aliases.push({ id: c[0], label: c[2], added: gained, removed: lost });
  }
  // Ids below L0 carry a hash of the parent id: a re-anchored concept comes back under a new id.
  const key = (c: SnapshotConcept) => `${c[1]}\u0000${c[2]}`;
  const count = (list: SnapshotConcept[]) => list.reduce((m, c) => m.set(key(c), (m.get(key(c)) ?? 0) + 1), new Map<string, number>());
  const removedCount = count(removed);
  const addedCount = count(added);
  const pairs = new Map<string, SnapshotConcept>();
  for (const c of removed) if (removedCount.get(key(c)) === 1 && addedCount.get(key(c)) === 1) pairs.set(key(c), c);
  if (pairs.size > 0) {
    for (const c of added) {
      const old = pairs.get(key(c));
      if (old === undefined) continue;
      moved.push({ id: c[0], from_id: old[0], level: c[1], label: c[2], from_parent: old[3], from_parent_label: labelIn(a, old[3]), to_parent: c[3], to_parent_label: labelIn(b, c[3]) });
    }
    removed = removed.filter((c) => !pairs.has(key(c)));
    added = added.filter((c) => !pairs.has(key(c)));
  }
  const settingsFrom = flattenSettings(from.config);
  const settingsTo = flattenSettings(to.config);
  const settings: RunDiff['settings'] = [];
  for (const path of [...new Set([...settingsFrom.keys(), ...settingsTo.keys()])].sort()) {
    const x = settingsFrom.get(path);
    const y = settingsTo.get(path);
    if (JSON.stringify(x) !== JSON.stringify(y)) settings.push({ path, from: x ?? null, to: y ?? null });
  }
  const counters: RunDiff['counters'] = [];
  for (const task of [...new Set([...Object.keys(from.counters), ...Object.keys(to.counters)])]) {
    const x = from.counters[task] ?? {};
    const y = to.counters[task] ?? {};
    for (const name of [...new Set([...Object.keys(x), ...Object.keys(y)])].sort()) {
      if (x[name] !== y[name]) counters.push({ task, counter: name, from: x[name] ?? null, to: y[name] ?? null });
    }
  }
  const decisionKey = (d: RunSnapshot['curation'][number]) => JSON.stringify([d.op, d.concept, d.detail, d.status, d.note]);
  const oldDecisions = new Set(from.curation.map(decisionKey));
  const newDecisions = new Set(to.curation.map(decisionKey));
  return {
    from: { seq: seqs.from, run_id: from.run_id, generated_at: from.generated_at ?? from.recorded_at, total: from.counts.total },
    to: { seq: seqs.to, run_id: to.run_id, generated_at: to.generated_at ?? to.recorded_at, total: to.counts.total },
    added: added.map((c) => view(b, c)).sort(order),
    removed: removed.map((c) => view(a, c)).sort(order),
    moved: moved.sort(order),
    relabelled: relabelled.sort(order),
    aliases,
    settings,
    counters,
    curation: { added: to.curation.filter((d) => !oldDecisions.has(decisionKey(d))), removed: from.curation.filter((d) => !newDecisions.has(decisionKey(d))) },
  };
}

/**
 * Resolves a run reference against the history: `latest`, `previous`, `#N` or `N` (history number; bare digits
 * that are no history number may start a run id),
 * `-N` (N runs before the latest), or a run id or a unique prefix of one (the newest entry of that run).
 */
export function resolveRunRef(ref: string, entries: ReadonlyArray<HistoryEntry>): HistoryEntry {
  if (entries.length === 0) throw new TaxonomyError('ARTIFACT_MISSING', 'no run history yet: build once (npx nx run taxonomy:finalize)');
  const text = ref.trim();
  const fromEnd = (n: number) => {
    const hit = entries[entries.length - 1 - n];
    if (hit === undefined) throw new TaxonomyError('USAGE', `run "${ref}": the history holds only ${entries.length} run(s)`);
    return hit;
  };
  if (text === 'latest') return fromEnd(0);
  if (text === 'previous') return fromEnd(1);
  if (/^-\d+$/u.test(text)) return fromEnd(Number(text.slice(1)));
  if (/^#?\d+$/u.test(text)) {
    const seq = Number(text.replace('#', ''));
    const hit = entries.find((e) => e.seq === seq);
    if (hit !== undefined) return hit;
    // Bare digits may also start a run id; "#N" is always a history number.
    if (text.startsWith('#') || !entries.some((e) => e.run_id.replace(/^run-/u, '').startsWith(text))) {
      throw new TaxonomyError('USAGE', `run "${ref}": no history entry #${seq} (kept: #${entries[0]!.seq}…#${entries.at(-1)!.seq})`);
    }
  }
  const matches = entries.filter((e) => e.run_id === text || e.run_id.startsWith(text) || e.run_id.replace(/^run-/u, '').startsWith(text));
  const ids = new Set(matches.map((e) => e.run_id));
  if (ids.size === 0) throw new TaxonomyError('USAGE', `run "${ref}": no such run in the history (see taxonomy history)`);
  if (ids.size > 1) throw new TaxonomyError('USAGE', `run "${ref}" is ambiguous: ${[...ids].slice(0, 5).join(', ')}`);
  return matches.at(-1)!;
}

const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? 'null');
const where = (label: string | null, id: string | null) => (id === null ? '(top level)' : `${label ?? '?'} (${id})`);

/** The diff as text, like `dvc params diff` plus the taxonomy changes. */
export function formatDiff(d: RunDiff): string {
  const lines: string[] = [
    `taxonomy diff #${d.from.seq} ${d.from.run_id} (${d.from.generated_at}, ${d.from.total} concepts) → #${d.to.seq} ${d.to.run_id} (${d.to.generated_at}, ${d.to.total} concepts)`,
    `concepts: ${d.added.length} added, ${d.removed.length} removed, ${d.moved.length} moved, ${d.relabelled.length} relabelled, ${d.aliases.length} with alias changes (${d.from.total} → ${d.to.total}: ${d.to.total - d.from.total >= 0 ? '+' : ''}${d.to.total - d.from.total} = +${d.added.length} − ${d.removed.length})`,
  ];
  const section = (title: string, items: string[]) => {
    if (items.length === 0) return;
    lines.push('', `${title} (${items.length}):`, ...items.map((i) => `  ${i}`));
  };
  const width = Math.max(0, ...d.settings.map((s) => s.path.length));
  section('settings changed', d.settings.map((s) => `${s.path.padEnd(width)}  ${show(s.from)} → ${show(s.to)}`));
  section('curation decisions added', d.curation.added.map((c) => `#${c.index + 1} ${c.op} ${c.concept}: ${c.status}, ${c.detail}`));
  section('curation decisions removed', d.curation.removed.map((c) => `#${c.index + 1} ${c.op} ${c.concept}`));
  section('added', d.added.map((c) => `L${c.level} ${c.label} [${c.id}] under ${where(c.parent_label, c.parent)}`));
  section('removed', d.removed.map((c) => `L${c.level} ${c.label} [${c.id}] was under ${where(c.parent_label, c.parent)}`));
  section('moved', d.moved.map((m) => `L${m.level} ${m.label} [${m.from_id === m.id ? m.id : `${m.from_id} → ${m.id}`}]: ${where(m.from_parent_label, m.from_parent)} → ${where(m.to_parent_label, m.to_parent)}`));
  section('relabelled', d.relabelled.map((r) => `${r.id}: "${r.from}" → "${r.to}"`));
  section('aliases changed', d.aliases.map((x) => `${x.id} (${x.label}): ${[...x.added.map((s) => `+"${s}"`), ...x.removed.map((s) => `−"${s}"`)].join(' ')}`));
  section('counters changed', d.counters.map((c) => `${c.task} ${c.counter}: ${c.from ?? '-'} → ${c.to ?? '-'}`));
  if (d.settings.length === 0 && d.added.length + d.removed.length + d.moved.length + d.relabelled.length + d.aliases.length === 0) lines.push('', 'no change in settings or concepts');
  return `${lines.join('\n')}\n`;
}
