/**
 * Busy lane-time so far, the counter a utilisation over any interval is a difference of: for a
 * `Pipeline`, the issue-slot time its operations have used up to now (each holds one II from its
 * entry; queued operations have used none), checked against the entries the tracer reports; for a
 * `Server`, the lane-time its jobs have been in service, checked against a hand-computed schedule.
 * Random arrivals in bursts (a block's signature checks enter at once) from a seeded stream.
 */
import { describe, expect, it } from 'vitest';
import { Environment, Pipeline, RandomStreams, Server } from '../../sim/index.js';

describe('busy lane-time', () => {
  it('a pipeline has used exactly the issue slots that have started, at any moment', () => {
    const env = new Environment();
    const iiPs = 1_000;
    const pipeline = new Pipeline(env, { lanes: 3, latencyPs: 7_500, initiationIntervalPs: iiPs });
    const entries: number[] = [];
    pipeline.tracer = (_lane, entryPs) => entries.push(entryPs);
    const rng = new RandomStreams(7).stream('bursts');
    // Bursts of up to 40 operations every ~20 ns: queues build up and drain.
    let atPs = 0;
    for (let burst = 0; burst < 200; burst++) {
      atPs += Math.round(rng.random() * 40_000);
      const count = 1 + rng.int(40);
      env.scheduleAt(atPs, () => pipeline.submitMany(count, null));
    }
    const checks: [number, number][] = [];
    for (let t = 0; t < atPs + 100_000; t += 3_377)
      env.scheduleAt(t, () => checks.push([env.nowPs, pipeline.busyLanePs()]));
    env.run();
    expect(checks.length).toBeGreaterThan(1_000);
    for (const [nowPs, busyPs] of checks) {
      const expected = entries.reduce((sum, entryPs) => sum + Math.min(iiPs, Math.max(0, nowPs - entryPs)), 0);
      expect(busyPs).toBe(expected);
    }
    // Over the whole run every reserved slot has been used.
    expect(pipeline.busyLanePs()).toBe(entries.length * iiPs);
  });

  it('a server has been in service for exactly its jobs’ elapsed service time, at any moment', () => {
    const env = new Environment();
    const server = new Server(env, { lanes: 2 });
    // Three jobs at 0: two start at once, the third when the first ends (10 ns).
    env.scheduleAt(0, () => {
      server.submit(10_000, null);
      server.submit(30_000, null);
      server.submit(5_000, null);
    });
    const measured: Record<number, number> = {};
    for (const t of [0, 5_000, 10_000, 12_000, 15_000, 20_000, 30_000, 40_000])
      env.scheduleAt(t, () => {
        measured[t] = server.busyLanePs();
      });
    env.run();
    const expected: Record<number, number> = {
      0: 0,
      5000: 10_000,
      10000: 20_000,
      12000: 10_000 + 12_000 + 2_000,
      15000: 10_000 + 15_000 + 5_000,
      20000: 10_000 + 20_000 + 5_000,
      30000: 10_000 + 30_000 + 5_000,
      40000: 10_000 + 30_000 + 5_000,
    };
    expect(measured).toEqual(expected);
  });
});
