import { mkdtemp, readFile, readdir, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PhaseMetricsSchema, PhaseTimingSchema, writeJsonl } from '@taxonomy/core';
import { Counters } from './counters.ts';
import { createLogger } from './logger.ts';
import { runPhaseTask } from './phase-task.ts';
import { Quarantine } from './quarantine.ts';

function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('logger', () => {
  it.each([
    [{ api_key: 'sk-live-123' }],
    [{ headers: { authorization: 'Bearer sk-live-123' } }],
    [{ request: { headers: { authorization: 'Bearer sk-live-123' } } }],
    [{ config: { llm: { api_key: 'sk-live-123' } } }],
  ])('redacts secrets in %j', (payload) => {
    const out = capture();
    createLogger({ pretty: false, destination: out.stream }).info(payload, 'call');
    expect(out.text()).not.toContain('sk-live-123');
    expect(out.text()).toContain('[redacted]');
  });
});

describe('counters and quarantine', () => {
  it('reads counters back sorted, declared ones at zero', () => {
    const c = new Counters();
    c.increment('records_in', 3);
    c.declare('records_empty', 'records_in');
    c.increment('candidates_out');
    expect(JSON.stringify(c)).toBe('{"candidates_out":1,"records_empty":0,"records_in":3}');
  });

  it('writes quarantine sorted by file and line, raw truncated', async () => {
    const q = new Quarantine('S0');
    q.addBadLine({ file: 'b.jsonl', line: 2, reason: 'malformed JSON: x', raw: 'y'.repeat(2000) });
    q.add({ file: 'a.jsonl', line: 10, reason: 'schema: text: must not be empty' });
    q.add({ file: 'a.jsonl', line: 9, reason: 'schema: text: must not be empty' });
    const dir = await mkdtemp(join(tmpdir(), 'q-'));
    await q.write(dir);
    const lines = (await readFile(join(dir, 'quarantine.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { file: string; line: number; raw: string | null });
    expect(lines.map((l) => `${l.file}:${l.line}`)).toEqual(['a.jsonl:9', 'a.jsonl:10', 'b.jsonl:2']);
    expect(lines[2]!.raw).toHaveLength(160);
    expect(q.countsByReason()).toEqual({ 'malformed JSON': 1, schema: 2 });
  });
});

describe('runPhaseTask', () => {
  it('replaces the folder, writes data, quarantine, deterministic metrics and an outside timing file', async () => {
    const root = await mkdtemp(join(tmpdir(), 'phase-'));
    await writeFile(join(root, 'nx.json'), '{}');
    const out = capture();
    let shardSize = 1;
    const run = () =>
      runPhaseTask({
        task: 'demo:level-1',
        phase: 'S2',
        level: 1,
        slices: ['s2'],
        outDir: 'artifacts/demo',
        root,
        log: createLogger({ pretty: false, destination: out.stream }),
        run: async (ctx) => {
          ctx.counters.increment('kept', 2);
          ctx.quarantine.add({ reason: 'bad item', item_id: 'x' });
          const outputs = await writeJsonl({ dir: ctx.outDir, name: 'kept', items: [{ a: 1 }, { a: 2 }], sortKey: (i) => String(i.a), shardSize, relativeTo: ctx.root });
          return { inputs: [], outputs };
        },
      });
    await run();
    expect((await readdir(join(root, 'artifacts/demo'))).sort()).toEqual(['kept-00001.jsonl', 'kept-00002.jsonl', 'metrics.json', 'quarantine.jsonl']);
    shardSize = 50_000;
    const first = await run();
    const metricsText = await readFile(join(root, 'artifacts/demo/metrics.json'), 'utf8');
    await run();
    expect(await readFile(join(root, 'artifacts/demo/metrics.json'), 'utf8')).toBe(metricsText);
    expect(PhaseMetricsSchema.parse(first).counters).toEqual({ kept: 2, quarantined: 1 });
    expect((await readdir(join(root, 'artifacts/demo'))).sort()).toEqual(['kept-00001.jsonl', 'metrics.json', 'quarantine.jsonl']);
    expect(first.outputs.map((o) => o.path)).toEqual(['artifacts/demo/kept-00001.jsonl', 'artifacts/demo/quarantine.jsonl']);
    const timing = PhaseTimingSchema.parse(JSON.parse(await readFile(join(root, 'artifacts/.runs/timings/demo.level-1.json'), 'utf8')));
    expect(timing.task).toBe('demo:level-1');
    expect(timing.committed_ms).toBeUndefined();
    expect(out.text()).toContain('1 item(s) quarantined');
  });

  it('runs `finish` on the folder in place, counts it in duration_ms and keeps the time to the folder in committed_ms', async () => {
    const root = await mkdtemp(join(tmpdir(), 'phase-'));
    await writeFile(join(root, 'nx.json'), '{}');
    const task = (finish: () => Promise<void>) =>
      runPhaseTask({
        task: 'demo:finalize',
        phase: 'finalize',
        level: null,
        slices: [],
        outDir: 'artifacts/demo',
        root,
        alsoWrites: ['manifest.json'],
        log: createLogger({ pretty: false, destination: capture().stream }),
        run: async (ctx) => ({ inputs: [], outputs: await writeJsonl({ dir: ctx.outDir, name: 'concepts', items: [{ a: 1 }], sortKey: () => 'a', shardSize: 0, relativeTo: ctx.root }) }),
        finish,
      });
    let seen: string[] = [];
    await task(async () => {
      seen = (await readdir(join(root, 'artifacts/demo'))).sort();
      await new Promise((r) => setTimeout(r, 60));
      await writeFile(join(root, 'artifacts/demo/manifest.json'), '{}\n');
    });
    // The folder was in place, metrics.json included, when finish ran; what it wrote stays.
    expect(seen).toEqual(['concepts.jsonl', 'metrics.json', 'quarantine.jsonl']);
    expect((await readdir(join(root, 'artifacts/demo'))).sort()).toEqual(['concepts.jsonl', 'manifest.json', 'metrics.json', 'quarantine.jsonl']);
    const timingFile = join(root, 'artifacts/.runs/timings/demo.finalize.json');
    const timing = PhaseTimingSchema.parse(JSON.parse(await readFile(timingFile, 'utf8')));
    expect(timing.duration_ms - timing.committed_ms!).toBeGreaterThanOrEqual(55);
    // A failing finish fails the task and records no timing for it.
    const before = await readFile(timingFile, 'utf8');
    await expect(task(async () => Promise.reject(new Error('report: disk full')))).rejects.toThrow('report: disk full');
    expect(await readFile(timingFile, 'utf8')).toBe(before);
  });
});
