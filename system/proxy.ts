/**
 * The proxy (the paper's proxy; Fabric's gateway): it takes a client's signed proposal, sends it
 * to the endorsers the policy needs, waits for every proposal response, assembles and signs the
 * envelope on the client's behalf (the paper's proxy hides the network from clients, so that work
 * is charged to the proxy), and hands it to ordering. Outcomes it learns first (an endorsement
 * failure, the orderer's refusal) go back to the client from here.
 */
import type { Network, Peer, Proposal, ProposalResponse } from '../ledger/index.js';
import { NOTIFY_BYTES, type Ordering } from './ordering.js';
import { RESOURCE_EXHAUSTED, type RunMetrics, type TxRecord } from './run-metrics.js';
import { CLIENTS, PROXY, type SimNetwork } from './sim-network.js';
import { admissionLimit } from './topology.js';

type LedgerClient = Network['clients'][number];
export type SignedProposal = Parameters<Peer['endorse']>[0];

export class ProxyNode {
  /** Transactions admitted whose outcome has not passed back yet. */
  private admitted = 0;
  private readonly concurrencyLimit: number;

  constructor(
    private readonly net: SimNetwork,
    private readonly metrics: RunMetrics,
    private readonly ordering: Ordering,
    /** The client has its outcome (called at the client, after the last hop). */
    private readonly finish: (tx: TxRecord, codeName: string) => void,
  ) {
    this.concurrencyLimit = admissionLimit(net.topology, net.arch);
  }

  /**
   * A proposal has arrived from client `clientIndex`: refused at once when the proxy holds its
   * concurrency limit (Fabric's gateway answers RESOURCE_EXHAUSTED), else endorsed at the policy's
   * endorsers. Admission bounds the work in flight, so memory stays flat under any offered load.
   */
  receive(clientIndex: number, proposal: Proposal, signed: SignedProposal, proposalBytes: number, tx: TxRecord): void {
    tx.atProxyPs = this.net.env.nowPs;
    if (this.admitted >= this.concurrencyLimit) {
      this.metrics.rejectedAtAdmission++;
      this.notifyClient(tx, RESOURCE_EXHAUSTED);
      return;
    }
    tx.admitted = true;
    this.admitted++;
    if (this.admitted > this.metrics.peakAdmitted) this.metrics.peakAdmitted = this.admitted;
    const ledger = this.net.ledger;
    const ledgerClient = ledger.clients[clientIndex % ledger.clients.length];
    if (ledgerClient === undefined) throw new Error('no ledger client');
    const endorsers = ledger.gateway.chooseEndorsers(proposal.chaincode);
    const responses: ProposalResponse[] = new Array<ProposalResponse>(endorsers.length);
    let remaining = endorsers.length;
    endorsers.forEach((peer, index) => {
      const node = this.net.endorserOf(peer.name);
      this.net.send(PROXY, node, proposalBytes, () => {
        const { response, receipt } = peer.endorse(signed);
        this.metrics.recordExecution();
        this.net.enginesOf(node).charge(receipt, () => {
          this.net.send(node, PROXY, receipt.messageBytes, () => {
            responses[index] = response;
            remaining--;
            if (remaining === 0) this.assembleAndSubmit(ledgerClient, proposal, responses, tx);
          });
        });
      });
    });
  }

  /** An outcome has reached the proxy (its own, or a commit's): the slot is free; one hop to the client. */
  readonly notifyClient = (tx: TxRecord, codeName: string): void => {
    if (tx.admitted) {
      tx.admitted = false;
      this.admitted--;
    }
    this.net.send(PROXY, CLIENTS, NOTIFY_BYTES, () => this.finish(tx, codeName));
  };

  private assembleAndSubmit(
    ledgerClient: LedgerClient,
    proposal: Proposal,
    responses: ProposalResponse[],
    tx: TxRecord,
  ): void {
    tx.endorsedPs = this.net.env.nowPs;
    const assembled = ledgerClient.assemble(proposal, responses);
    this.net.proxyEngines.charge(assembled.receipt, () => {
      if (!assembled.result.ok) {
        this.metrics.rejectedAtEndorsement++;
        this.notifyClient(tx, 'ENDORSEMENT_REJECTED');
        return;
      }
      tx.sentToOrdererPs = this.net.env.nowPs;
      this.ordering.submit(assembled.result.envelope, tx, this.notifyClient);
    });
  }
}
