/**
 * The orderer's side of block delivery: blocks are handed out in the order they were cut, each
 * once the orderer's engines have finished the work that produced it (so a block cut by a later,
 * cheaper step never overtakes an earlier one), then sent to every live peer. Each send is charged
 * to the orderer's NIC (or kernel TCP on CPU cores), which is what limits how many peers one
 * orderer can feed. Shared by the solo orderer and a consensus cluster.
 */
import type { Block, WorkReceipt } from '../ledger/index.js';
import { emptyReceipt } from '../ledger/index.js';
import type { PeerNode } from './peer-node.js';
import { ORDERER, type SimNetwork } from './sim-network.js';

/** Wire size of a block: its envelopes plus a header and metadata allowance. */
export function blockBytes(block: Block): number {
  let bytes = 256;
  for (const envelope of block.data) bytes += envelope.length;
  return bytes;
}

export class BlockDelivery {
  private readonly queue: { block: Block; ready: boolean }[] = [];
  /** Peers the orderer delivers to (a joined peer is added once it has caught up). */
  readonly peers: PeerNode[] = [];

  constructor(
    private readonly net: SimNetwork,
    /** Every block cut, genesis first: what a joining peer replays (kept only when one joins). */
    readonly chain: Block[] | null,
  ) {}

  /** Charges the orderer's `work`; once done, `blocks` (cut by it) go out in cut order. */
  charge(work: WorkReceipt, blocks: readonly Block[]): void {
    const entries = blocks.map((block) => ({ block, ready: false }));
    this.queue.push(...entries);
    this.net.ordererEngines.charge(work, () => {
      for (const entry of entries) entry.ready = true;
      this.deliverReady();
    });
  }

  private deliverReady(): void {
    while (this.queue.length > 0 && (this.queue[0] as { ready: boolean }).ready) {
      const { block } = this.queue.shift() as { block: Block };
      const bytes = blockBytes(block);
      if (this.chain !== null) this.chain.push(block);
      for (const node of this.peers) {
        this.net.ordererEngines.charge({ ...emptyReceipt(), messageBytes: bytes }, () =>
          this.net.send(ORDERER, node.peer.name, bytes, () => node.deliver(block)),
        );
      }
    }
  }
}
