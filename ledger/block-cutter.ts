/**
 * Fabric's block cutter (orderer/common/blockcutter), function for function. `ordered` returns the
 * batches a new envelope causes to be cut; `cut` empties the pending batch. The batch timeout is the
 * simulator's business: when its timer fires it calls `cut` (through `Orderer.cutNow`).
 *
 * Rules, as in Fabric: an envelope larger than PreferredMaxBytes is cut into a batch of its own
 * (after cutting whatever was pending); an envelope that would make the pending batch exceed
 * PreferredMaxBytes first cuts the pending batch; a batch reaching MaxMessageCount is cut.
 * AbsoluteMaxBytes is enforced at broadcast (the orderer refuses larger envelopes).
 */
import type { BatchConfig } from './channel-config.js';

export class BlockCutter {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;

  constructor(private readonly batch: BatchConfig) {}

  ordered(envelope: Uint8Array): Uint8Array[][] {
    const batches: Uint8Array[][] = [];
    const sizeBytes = envelope.length;
    if (sizeBytes > this.batch.preferredMaxBytes) {
      if (this.pending.length > 0) batches.push(this.cut());
      batches.push([envelope]);
      return batches;
    }
    if (this.pendingBytes + sizeBytes > this.batch.preferredMaxBytes && this.pending.length > 0)
      batches.push(this.cut());
    this.pending.push(envelope);
    this.pendingBytes += sizeBytes;
    if (this.pending.length >= this.batch.maxMessageCount) batches.push(this.cut());
    return batches;
  }

  cut(): Uint8Array[] {
    const batch = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    return batch;
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  get pendingSizeBytes(): number {
    return this.pendingBytes;
  }
}
