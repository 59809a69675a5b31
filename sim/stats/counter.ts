/** A monotone event counter (transactions committed, messages sent, ...). */
export class Counter {
  private total = 0;

  add(amount = 1): void {
    this.total += amount;
  }

  get value(): number {
    return this.total;
  }

  /** Events per second over `elapsedPs` of simulated time. */
  ratePerSec(elapsedPs: number): number {
    return elapsedPs > 0 ? (this.total * 1e12) / elapsedPs : 0;
  }
}
