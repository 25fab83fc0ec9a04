import { describe, expect, it } from 'vitest';
import { HostScheduler } from './host-scheduler.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const A = 'https://www.cs.duke.edu';
const B = 'https://neurips.cc';

/** Runs `n` requests of `holdMs` each on `origin`, returning their start and end times. */
async function run(s: HostScheduler, origin: string, n: number, holdMs: number, log: Array<{ origin: string; start: number; end: number }>) {
  await Promise.all(
    Array.from({ length: n }, async () => {
      const release = await s.acquire(origin);
      const start = performance.now();
      await sleep(holdMs);
      const end = performance.now();
      release();
      log.push({ origin, start, end });
    }),
  );
}

describe('HostScheduler', () => {
  it('spaces request starts on one host by the rate-limit gap', async () => {
    const s = new HostScheduler({ concurrency: 8, perHostConcurrency: 4, minGapMs: 25 });
    const grants = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const release = await s.acquire(A);
        await sleep(1);
        release();
        return release.grantedAt;
      }),
    );
    grants.sort((a, b) => a - b);
    for (let i = 1; i < grants.length; i += 1) expect(grants[i]! - grants[i - 1]!).toBeGreaterThanOrEqual(25);
  });

  it('holds per-host and global concurrency', async () => {
    const s = new HostScheduler({ concurrency: 3, perHostConcurrency: 2, minGapMs: 0 });
    let inA = 0;
    let maxA = 0;
    let total = 0;
    let maxTotal = 0;
    const job = async (origin: string) => {
      const release = await s.acquire(origin);
      total += 1;
      if (origin === A) inA += 1;
      maxA = Math.max(maxA, inA);
      maxTotal = Math.max(maxTotal, total);
      await sleep(15);
      total -= 1;
      if (origin === A) inA -= 1;
      release();
    };
    await Promise.all([...Array.from({ length: 6 }, () => job(A)), ...Array.from({ length: 6 }, () => job(B))]);
    expect(maxA).toBe(2);
    expect(maxTotal).toBe(3);
  });

  it('with a Crawl-delay, runs one request at a time and starts each the delay after the previous one ended', async () => {
    const s = new HostScheduler({ concurrency: 8, perHostConcurrency: 4, minGapMs: 0 });
    s.setCrawlDelay(A, 30);
    const log: Array<{ origin: string; start: number; end: number }> = [];
    await Promise.all([run(s, A, 4, 10, log), run(s, B, 4, 10, log)]);
    const onA = log.filter((l) => l.origin === A).sort((a, b) => a.start - b.start);
    for (let i = 1; i < onA.length; i += 1) expect(onA[i]!.start - onA[i - 1]!.end).toBeGreaterThanOrEqual(29.5);
    // The other host is not slowed down: its four requests overlap.
    const onB = log.filter((l) => l.origin === B);
    expect(Math.max(...onB.map((l) => l.start)) - Math.min(...onB.map((l) => l.start))).toBeLessThan(30);
    expect(s.gapMs(A)).toBe(30);
  });

  it('gives up on a slot at the deadline instead of waiting behind other requests', async () => {
    const s = new HostScheduler({ concurrency: 8, perHostConcurrency: 1, minGapMs: 0 });
    const busy = await s.acquire(A);
    const t0 = performance.now();
    const late = await s.acquire(A, t0 + 30);
    expect(late).toBeNull();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(29);
    busy();
    // The expired waiter took no slot: the next one is served at once.
    const next = await s.acquire(A, performance.now() + 1000);
    expect(next).not.toBeNull();
    next!();
  });

  it('pauses a host that asked to slow down', async () => {
    const s = new HostScheduler({ concurrency: 8, perHostConcurrency: 4, minGapMs: 0 });
    const t0 = performance.now();
    s.pause(A, 40);
    const release = await s.acquire(A);
    release();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(39);
  });
});
