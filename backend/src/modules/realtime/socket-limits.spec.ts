import { describe, expect, it } from 'vitest';
import { FirmScheduler, TokenBucket } from './socket-limits.js';

describe('TokenBucket', () => {
  it('lets a burst through, then one event per refill, and says how long to wait', () => {
    const bucket = new TokenBucket({ perSecond: 2, burst: 3 }, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([0, 0, 0]);
    expect(bucket.take(0)).toBe(500);
    expect(bucket.take(250)).toBe(250);
    expect(bucket.take(500)).toBe(0);
    expect(bucket.full(500)).toBe(false);
    expect(bucket.full(2000)).toBe(true);
  });
});

describe('FirmScheduler', () => {
  const gate = () => {
    let open!: () => void;
    const opened = new Promise<void>((r) => (open = r));
    return { open, opened };
  };

  it('runs at most `concurrency` of a firm at once, the rest in arrival order, and refuses past the queue', async () => {
    const scheduler = new FirmScheduler(2, 2);
    const order: string[] = [];
    const gates = Array.from({ length: 4 }, gate);
    const runs = gates.map((g, i) =>
      scheduler.run('a', async () => {
        order.push(`start ${i}`);
        await g.opened;
        return i;
      }),
    );
    expect(scheduler.run('a', async () => 99)).toBeNull();
    // Another firm is not held up by the first one's queue.
    expect(await scheduler.run('b', async () => 'b')).toBe('b');
    await Promise.resolve();
    expect(order).toEqual(['start 0', 'start 1']);
    gates[1].open();
    await runs[1];
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['start 0', 'start 1', 'start 2']);
    gates.forEach((g) => g.open());
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
    expect(order).toEqual(['start 0', 'start 1', 'start 2', 'start 3']);
    // Idle again: the whole queue is free.
    expect(await scheduler.run('a', async () => 'again')).toBe('again');
  });

  it('frees the slot when a handler throws', async () => {
    const scheduler = new FirmScheduler(1, 1);
    await expect(scheduler.run('a', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await scheduler.run('a', async () => 'next')).toBe('next');
  });
});
