/**
 * Clients' time-outs in constant space per transaction in flight. Every attempt gets the same
 * patience, so deadlines expire in submission order: an insertion-ordered map of the attempts
 * still waiting, and a single timer for the oldest. A transaction that finishes is simply removed;
 * a timer that finds its transaction gone re-arms for the new oldest. (A timer event per
 * transaction would leave one event per transaction in the kernel's queue for the whole timeout,
 * growing with the offered load.)
 */
import type { Environment } from '../sim/index.js';
import type { TxRecord } from './run-metrics.js';

export class ClientTimeouts {
  private readonly waiting = new Map<TxRecord, number>();
  private armed = false;

  constructor(
    private readonly env: Environment,
    private readonly timeoutPs: number,
    /** The attempt's deadline passed without an outcome. */
    private readonly expire: (tx: TxRecord) => void,
  ) {}

  /** The attempt has been submitted now. */
  start(tx: TxRecord): void {
    this.waiting.set(tx, this.env.nowPs + this.timeoutPs);
    if (!this.armed) this.arm();
  }

  /** The attempt has its outcome. */
  forget(tx: TxRecord): void {
    this.waiting.delete(tx);
  }

  get size(): number {
    return this.waiting.size;
  }

  private arm(): void {
    const oldest = this.waiting.values().next();
    this.armed = !oldest.done;
    if (!oldest.done) this.env.scheduleAt(oldest.value, this.fire);
  }

  private readonly fire = (): void => {
    const nowPs = this.env.nowPs;
    for (const [tx, deadlinePs] of this.waiting) {
      if (deadlinePs > nowPs) break;
      this.waiting.delete(tx);
      this.expire(tx);
    }
    this.arm();
  };
}
