/**
 * Timeline export in Chrome's trace-event format (opens in Perfetto and chrome://tracing): each
 * node is a process, each engine lane a thread, each operation a complete ('X') slice with its
 * stage as the name. Only operations overlapping the chosen window of simulated time are kept, at
 * most `eventCountMax` of them, streamed to a temporary file and renamed into place when finished.
 */
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

export const TIMELINE_EVENTS_MAX = 2_000_000;

export class TimelineWriter {
  private readonly temporary: string;
  private readonly fd: number;
  private readonly pids = new Map<string, number>();
  private readonly tids = new Map<string, number>();
  private buffered: string[] = [];
  private count = 0;
  private dropped = 0;

  constructor(
    readonly file: string,
    private readonly fromPs: number,
    private readonly toPs: number,
    private readonly eventCountMax = TIMELINE_EVENTS_MAX,
  ) {
    this.temporary = `${file}.${process.pid}.tmp`;
    this.fd = openSync(this.temporary, 'w');
    writeSync(this.fd, '{"displayTimeUnit":"ns","traceEvents":[\n');
  }

  get events(): number {
    return this.count;
  }

  /** One operation on `node`'s `track` (an engine lane) from `startPs` to `endPs`. */
  slice(node: string, track: string, startPs: number, endPs: number, name: string): void {
    if (endPs < this.fromPs || startPs > this.toPs) return;
    if (this.count >= this.eventCountMax) {
      this.dropped++;
      return;
    }
    const pid = this.pidOf(node);
    const tid = this.tidOf(node, track, pid);
    this.emit(
      `{"name":${JSON.stringify(name)},"ph":"X","pid":${pid},"tid":${tid},"ts":${(startPs / 1e6).toFixed(6)},"dur":${((endPs - startPs) / 1e6).toFixed(6)}}`,
    );
    this.count++;
  }

  finish(): { events: number; dropped: number } {
    this.emit(
      `{"name":"bpusim window","ph":"i","s":"g","pid":0,"tid":0,"ts":${(this.fromPs / 1e6).toFixed(6)},"args":{"fromUs":${this.fromPs / 1e6},"toUs":${this.toPs / 1e6},"dropped":${this.dropped}}}`,
      true,
    );
    this.flush();
    writeSync(this.fd, '\n]}\n');
    closeSync(this.fd);
    renameSync(this.temporary, this.file);
    return { events: this.count, dropped: this.dropped };
  }

  abort(): void {
    try {
      closeSync(this.fd);
    } finally {
      rmSync(this.temporary, { force: true });
    }
  }

  private pidOf(node: string): number {
    let pid = this.pids.get(node);
    if (pid === undefined) {
      pid = this.pids.size + 1;
      this.pids.set(node, pid);
      this.emit(`{"name":"process_name","ph":"M","pid":${pid},"tid":0,"args":{"name":${JSON.stringify(node)}}}`);
    }
    return pid;
  }

  private tidOf(node: string, track: string, pid: number): number {
    const key = `${node}\u0000${track}`;
    let tid = this.tids.get(key);
    if (tid === undefined) {
      tid = this.tids.size + 1;
      this.tids.set(key, tid);
      this.emit(`{"name":"thread_name","ph":"M","pid":${pid},"tid":${tid},"args":{"name":${JSON.stringify(track)}}}`);
    }
    return tid;
  }

  private first = true;
  private emit(line: string, last = false): void {
    this.buffered.push((this.first ? '' : ',\n') + line);
    this.first = false;
    if (this.buffered.length >= 4096 || last) this.flush();
  }

  private flush(): void {
    if (this.buffered.length === 0) return;
    writeSync(this.fd, this.buffered.join(''));
    this.buffered = [];
  }
}
