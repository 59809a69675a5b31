/**
 * The solo orderer: Fabric's block cutter runs in the ledger (`network.orderer`); this node adds
 * what takes time — the envelope's trip from the proxy, the orderer's engines, and the batch timer.
 * The timer follows Fabric's solo chain: started when a batch becomes non-empty, stopped only when
 * nothing is pending, and on expiry it cuts whatever is pending.
 */
import type { NodeUsage } from '../engines/energy.js';
import type { EngineBusy, EngineStats } from '../engines/node-engines.js';
import { msToPs } from '../sim/index.js';
import type { BlockDelivery } from './block-delivery.js';
import type { TxRecord } from './run-metrics.js';
import { NOTIFY_BYTES, type Ordering, type OutcomeSink } from './ordering.js';
import { ORDERER, PROXY, type SimNetwork } from './sim-network.js';

export class SoloOrderer implements Ordering {
  private readonly timeoutPs: number;
  private timerRunning = false;
  private timerGeneration = 0;

  constructor(
    private readonly net: SimNetwork,
    private readonly delivery: BlockDelivery,
    private readonly inFlight: Map<Uint8Array, TxRecord>,
    batchTimeoutMs: number,
  ) {
    this.timeoutPs = msToPs(batchTimeoutMs);
  }

  submit(envelope: Uint8Array, tx: TxRecord, outcome: OutcomeSink): void {
    this.net.send(PROXY, ORDERER, envelope.length, () => {
      const broadcast = this.net.ledger.orderer.broadcast(envelope);
      if (!broadcast.accepted) {
        this.delivery.charge(broadcast.receipt, []);
        this.net.send(ORDERER, PROXY, NOTIFY_BYTES, () => outcome(tx, 'ORDERER_REJECTED'));
        return;
      }
      this.inFlight.set(envelope, tx);
      this.delivery.charge(broadcast.receipt, broadcast.blocks);
      this.updateTimer();
    });
  }

  engineStats(): EngineStats[] {
    return [];
  }

  engineBusy(): EngineBusy[] {
    return [];
  }

  engineUsage(): NodeUsage[] {
    return [];
  }

  private updateTimer(): void {
    const pending = this.net.ledger.orderer.pendingCount > 0;
    if (this.timerRunning && !pending) {
      this.timerRunning = false;
      this.timerGeneration++;
    } else if (!this.timerRunning && pending) {
      this.timerRunning = true;
      this.net.env.schedule(this.timeoutPs, (generation) => this.onBatchTimer(generation), this.timerGeneration);
    }
  }

  private onBatchTimer(generation: unknown): void {
    if (!this.timerRunning || generation !== this.timerGeneration) return;
    this.timerRunning = false;
    this.timerGeneration++;
    const cut = this.net.ledger.orderer.cutNow();
    this.delivery.charge(cut.receipt, cut.block === null ? [] : [cut.block]);
  }
}
