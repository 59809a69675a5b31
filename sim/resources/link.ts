/**
 * `Link`: one direction of a network link. A message occupies the sender's side for its per-message
 * overhead plus size / bandwidth (serialisation), messages go out FIFO, and each arrives after the
 * propagation latency on top — so back-to-back messages queue, but propagation overlaps.
 * Delivery of a message sent on an idle link: now + overhead + size / bandwidth + latency.
 * `DuplexLink` pairs two independent directions.
 */
import { SimInputError } from '../errors.js';
import type { Environment } from '../environment.js';
import type { EventHandler } from '../event-queue.js';

export interface LinkOptions {
  name?: string;
  latencyPs: number;
  /** Bits per second on the wire. */
  bandwidthBitsPerSec: number;
  /** Fixed cost per message (framing, interrupt, header processing), in ps. */
  overheadPsPerMessage?: number;
  /** Header bytes added to each message on the wire. */
  overheadBytesPerMessage?: number;
}

export interface LinkStats {
  name: string;
  messages: number;
  bytes: number;
  utilisation: number;
  meanQueueDelayPs: number;
}

export class Link {
  readonly name: string;
  private readonly env: Environment;
  private readonly latencyPs: number;
  private readonly psPerByte: number;
  private readonly overheadPs: number;
  private readonly overheadBytes: number;
  private readonly createdPs: number;
  private busyUntilPs: number;
  private busySumPs = 0;
  private queueDelaySumPs = 0;
  private countMessages = 0;
  private countBytes = 0;

  constructor(env: Environment, options: LinkOptions) {
    const where = `link ${options.name ?? ''}`.trim();
    if (!(options.latencyPs >= 0) || !Number.isInteger(options.latencyPs))
      throw new SimInputError(`${where}: latencyPs must be an integer ≥ 0, got ${options.latencyPs}`);
    if (!(options.bandwidthBitsPerSec > 0) || !Number.isFinite(options.bandwidthBitsPerSec)) {
      throw new SimInputError(
        `${where}: bandwidthBitsPerSec must be a finite number > 0, got ${options.bandwidthBitsPerSec}`,
      );
    }
    this.env = env;
    this.name = options.name ?? 'link';
    this.latencyPs = options.latencyPs;
    this.psPerByte = (8 * 1e12) / options.bandwidthBitsPerSec;
    this.overheadPs = options.overheadPsPerMessage ?? 0;
    this.overheadBytes = options.overheadBytesPerMessage ?? 0;
    this.createdPs = env.nowPs;
    this.busyUntilPs = env.nowPs;
  }

  /** Time the link's sender side needs for a message of `sizeBytes`, in ps. */
  transmitPs(sizeBytes: number): number {
    return this.overheadPs + Math.ceil((sizeBytes + this.overheadBytes) * this.psPerByte);
  }

  /** Sends a message; `onDeliver(arg)` runs when it arrives. Returns the delivery time in ps. */
  send(sizeBytes: number, onDeliver: EventHandler | null, arg: unknown = null): number {
    const nowPs = this.env.nowPs;
    const startPs = Math.max(nowPs, this.busyUntilPs);
    const transmitPs = this.transmitPs(sizeBytes);
    this.busyUntilPs = startPs + transmitPs;
    this.busySumPs += transmitPs;
    this.queueDelaySumPs += startPs - nowPs;
    this.countMessages++;
    this.countBytes += sizeBytes;
    const deliverPs = this.busyUntilPs + this.latencyPs;
    if (onDeliver !== null) this.env.schedule(deliverPs - nowPs, onDeliver, arg);
    return deliverPs;
  }

  stats(): LinkStats {
    const elapsedPs = this.env.nowPs - this.createdPs;
    return {
      name: this.name,
      messages: this.countMessages,
      bytes: this.countBytes,
      utilisation: elapsedPs > 0 ? Math.min(1, this.busySumPs / elapsedPs) : 0,
      meanQueueDelayPs: this.countMessages > 0 ? this.queueDelaySumPs / this.countMessages : 0,
    };
  }
}

export class DuplexLink {
  readonly forward: Link;
  readonly backward: Link;
  constructor(env: Environment, options: LinkOptions) {
    const name = options.name ?? 'link';
    this.forward = new Link(env, { ...options, name: `${name}>` });
    this.backward = new Link(env, { ...options, name: `${name}<` });
  }
}
