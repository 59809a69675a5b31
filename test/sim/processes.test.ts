/**
 * Generator processes (SimPy style): timeouts, waiting on events and on other processes, failures
 * thrown into the waiting process, and an unhandled failure surfacing from run() instead of being
 * silently ignored. Also SimPy's gas-station shape: processes sharing a Server through events.
 */
import { describe, expect, it } from 'vitest';
import { Environment, SimEvent, Store, allOf, startProcess, timeout, type ProcessGenerator } from '../../sim/index.js';

describe('processes', () => {
  it('yielding a number waits that many picoseconds; return values reach waiting processes', () => {
    const env = new Environment();
    const log: string[] = [];
    function* child(): ProcessGenerator<number> {
      yield 100;
      log.push(`child@${env.nowPs}`);
      return 7;
    }
    function* parent(): ProcessGenerator {
      const value = yield startProcess(env, child());
      log.push(`parent got ${String(value)}@${env.nowPs}`);
      yield timeout(env, 50);
      log.push(`parent done@${env.nowPs}`);
    }
    startProcess(env, parent());
    env.run();
    expect(log).toEqual(['child@100', 'parent got 7@100', 'parent done@150']);
  });

  it('a failed event is thrown into the process that waits for it', () => {
    const env = new Environment();
    const gate = new SimEvent<number>(env);
    let caught = '';
    startProcess(
      env,
      (function* (): ProcessGenerator {
        try {
          yield gate;
        } catch (error) {
          caught = (error as Error).message;
        }
      })(),
    );
    env.schedule(10, () => gate.fail(new Error('link down')));
    env.run();
    expect(caught).toBe('link down');
  });

  it('an unhandled failure is not ignored: run() throws it', () => {
    const env = new Environment();
    startProcess(
      env,
      (function* (): ProcessGenerator {
        yield 5;
        throw new Error('peer crashed');
      })(),
    );
    expect(() => env.run()).toThrow('peer crashed');
  });

  it('allOf waits for every event; a Store connects a producer and a consumer process', () => {
    const env = new Environment();
    const mailbox = new Store<string>(env);
    const received: string[] = [];
    startProcess(
      env,
      (function* (): ProcessGenerator {
        for (const message of ['proposal', 'endorsement', 'envelope']) {
          yield 10;
          mailbox.put(message);
        }
      })(),
    );
    startProcess(
      env,
      (function* (): ProcessGenerator {
        for (;;) {
          const message = (yield mailbox.get()) as string;
          received.push(`${message}@${env.nowPs}`);
          if (message === 'envelope') return;
        }
      })(),
    );
    const all = allOf(env, [timeout(env, 5, 'a'), timeout(env, 25, 'b')]);
    let allAtPs = -1;
    all.then(() => (allAtPs = env.nowPs));
    env.run();
    expect(received).toEqual(['proposal@10', 'endorsement@20', 'envelope@30']);
    expect(allAtPs).toBe(25);
    expect(all.value).toEqual(['a', 'b']);
  });
});
