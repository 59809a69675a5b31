/**
 * Pipeline, Link and Batcher against their definitions: a saturated pipeline completes
 * lanes / II per unit time and each op takes its latency; a message on an idle link arrives after
 * latency + overhead + size / bandwidth and messages queue FIFO; the batcher cuts by count, by
 * bytes (preferred and absolute max) and by timeout exactly as Fabric's block cutter does.
 */
import { describe, expect, it } from 'vitest';
import {
  Batcher,
  type CutReason,
  Environment,
  Link,
  Pipeline,
  SimInputError,
  Store,
  nsToPs,
  usToPs,
} from '../../sim/index.js';

describe('Pipeline', () => {
  it('an idle pipeline completes one op after exactly latencyPs', () => {
    const env = new Environment();
    const pipeline = new Pipeline(env, { lanes: 2, latencyPs: usToPs(370), initiationIntervalPs: usToPs(10) });
    let doneAtPs = -1;
    pipeline.submit(() => {
      doneAtPs = env.nowPs;
    });
    env.run();
    expect(doneAtPs).toBe(usToPs(370));
  });

  it('saturated, throughput = lanes / II and the last op leaves at (n/lanes − 1)·II + latency', () => {
    for (const [lanes, latencyNs, iiNs] of [
      [1, 100, 10],
      [4, 370_000, 370_000],
      [16, 5_000, 1_250],
    ] as const) {
      const env = new Environment();
      const pipeline = new Pipeline(env, { lanes, latencyPs: nsToPs(latencyNs), initiationIntervalPs: nsToPs(iiNs) });
      const ops = lanes * 1000;
      let completed = 0;
      let lastPs = 0;
      for (let i = 0; i < ops; i++) {
        pipeline.submit(() => {
          completed++;
          lastPs = env.nowPs;
        });
      }
      env.run();
      expect(completed).toBe(ops);
      expect(lastPs).toBe((ops / lanes - 1) * nsToPs(iiNs) + nsToPs(latencyNs));
      const throughputPerPs = ops / lastPs;
      // As n grows, ops / makespan → lanes / II.
      expect(throughputPerPs / (lanes / nsToPs(iiNs))).toBeGreaterThan(0.95);
      expect(throughputPerPs / (lanes / nsToPs(iiNs))).toBeLessThanOrEqual(1);
    }
  });

  it('a depth smaller than latency / II limits throughput to depth / latency per lane', () => {
    const env = new Environment();
    const pipeline = new Pipeline(env, { lanes: 1, latencyPs: 1000, initiationIntervalPs: 100, depth: 2 });
    let lastPs = 0;
    for (let i = 0; i < 100; i++) pipeline.submit(() => (lastPs = env.nowPs));
    env.run();
    // Two ops in flight per 1000 ps: op k enters at floor(k/2)·1000 (+100 for odd k).
    expect(lastPs).toBe(49 * 1000 + 100 + 1000);
  });

  it('refuses a zero initiation interval with a clear message', () => {
    const env = new Environment();
    expect(() => new Pipeline(env, { name: 'verify', lanes: 1, latencyPs: 10, initiationIntervalPs: 0 })).toThrow(
      SimInputError,
    );
    expect(() => new Pipeline(env, { name: 'verify', lanes: 1, latencyPs: 10, initiationIntervalPs: 0 })).toThrow(
      /pipeline verify: initiationIntervalPs/,
    );
  });
});

describe('Link', () => {
  it('delivers after latency + overhead + size / bandwidth on an idle link', () => {
    const env = new Environment();
    // 10 Gbit/s: 0.8 ps per bit... 800 ps per byte.
    const link = new Link(env, { latencyPs: usToPs(250), bandwidthBitsPerSec: 10e9, overheadPsPerMessage: nsToPs(2) });
    let atPs = -1;
    const predicted = link.send(1500, () => (atPs = env.nowPs));
    env.run();
    expect(atPs).toBe(usToPs(250) + nsToPs(2) + 1500 * 800);
    expect(predicted).toBe(atPs);
  });

  it('queues back-to-back messages FIFO while propagation overlaps', () => {
    const env = new Environment();
    const link = new Link(env, { latencyPs: 1_000_000, bandwidthBitsPerSec: 8e12 }); // 1 ps per byte
    const arrivals: number[] = [];
    for (let i = 0; i < 3; i++) link.send(1000, (index) => arrivals.push(index as number, env.nowPs), i);
    env.run();
    expect(arrivals).toEqual([0, 1_001_000, 1, 1_002_000, 2, 1_003_000]);
    expect(link.stats().messages).toBe(3);
  });
});

describe('Batcher (Fabric block cutter semantics)', () => {
  type Cut = { items: string[]; reason: CutReason; atPs: number };
  function makeBatcher(env: Environment, cuts: Cut[], timeoutPs = 1_000) {
    return new Batcher<string>(
      env,
      { maxCount: 3, preferredMaxBytes: 100, absoluteMaxBytes: 200, timeoutPs },
      (items, reason) => cuts.push({ items, reason, atPs: env.nowPs }),
    );
  }

  it('cuts at maxCount', () => {
    const env = new Environment();
    const cuts: Cut[] = [];
    const batcher = makeBatcher(env, cuts);
    for (const id of ['a', 'b', 'c', 'd']) batcher.add(id, 10);
    expect(cuts).toEqual([{ items: ['a', 'b', 'c'], reason: 'count', atPs: 0 }]);
    expect(batcher.pendingCount).toBe(1);
  });

  it('cuts the pending batch before an item that would pass preferredMaxBytes', () => {
    const env = new Environment();
    const cuts: Cut[] = [];
    const batcher = makeBatcher(env, cuts);
    batcher.add('a', 60);
    batcher.add('b', 50);
    expect(cuts).toEqual([{ items: ['a'], reason: 'bytes', atPs: 0 }]);
    expect(batcher.pendingSizeBytes).toBe(50);
  });

  it('sends an item above preferredMaxBytes alone, after cutting what is pending; refuses one above absoluteMaxBytes', () => {
    const env = new Environment();
    const cuts: Cut[] = [];
    const batcher = makeBatcher(env, cuts);
    batcher.add('a', 10);
    expect(batcher.add('big', 150)).toBe(true);
    expect(batcher.add('huge', 201)).toBe(false);
    expect(cuts.map((c) => [c.items, c.reason])).toEqual([
      [['a'], 'bytes'],
      [['big'], 'oversized'],
    ]);
  });

  it('cuts on timeout, measured from the item that made the batch non-empty; the timer is not restarted by a cut that leaves items pending', () => {
    const env = new Environment();
    const cuts: Cut[] = [];
    const batcher = makeBatcher(env, cuts, 1_000);
    env.schedule(100, () => batcher.add('a', 10));
    env.schedule(200, () => batcher.add('b', 10));
    // At 1,100 the timer of the batch started at 100 fires.
    env.schedule(1_500, () => batcher.add('c', 10));
    env.schedule(1_600, () => {
      batcher.add('d', 10);
      batcher.add('e', 10); // count cut [c, d, e] at 1,600: nothing pending, timer stopped
    });
    env.schedule(1_700, () => batcher.add('f', 10)); // new timer: fires at 2,700
    env.run();
    expect(cuts).toEqual([
      { items: ['a', 'b'], reason: 'timeout', atPs: 1_100 },
      { items: ['c', 'd', 'e'], reason: 'count', atPs: 1_600 },
      { items: ['f'], reason: 'timeout', atPs: 2_700 },
    ]);
  });

  it('keeps the running timer when a bytes cut leaves an item pending (Fabric solo/etcdraft behaviour)', () => {
    const env = new Environment();
    const cuts: Cut[] = [];
    const batcher = makeBatcher(env, cuts, 1_000);
    env.schedule(0, () => batcher.add('a', 60));
    env.schedule(500, () => batcher.add('b', 60)); // cuts [a]; b pending under the timer started at 0
    env.run();
    expect(cuts).toEqual([
      { items: ['a'], reason: 'bytes', atPs: 500 },
      { items: ['b'], reason: 'timeout', atPs: 1_000 },
    ]);
  });
});

describe('Store', () => {
  it('hands items to waiting processes in order and refuses puts when full', () => {
    const env = new Environment();
    const store = new Store<number>(env, 2);
    const got: number[] = [];
    const first = store.get();
    first.then((event) => got.push(event.value));
    expect(store.put(1)).toBe(true);
    expect(store.put(2)).toBe(true);
    expect(store.put(3)).toBe(true);
    expect(store.put(4)).toBe(false);
    env.run();
    expect(got).toEqual([1]);
    expect(store.tryGet()).toBe(2);
    expect(store.tryGet()).toBe(3);
    expect(store.tryGet()).toBeUndefined();
  });
});
