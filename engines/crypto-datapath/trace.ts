/**
 * The sequence of point operations a controller issues for one sign or verify: the walk of the
 * chains column by column. The stepped simulation runs this trace; the analytical counts never
 * look at it.
 */
import { addDigitOps, initDigitOps } from './digit-ops.js';
import { type CryptoScalars, type PlanOptions, planScalarMul } from './plan.js';
import type { PointOpKind } from './point-ops.js';

export function pointOpTrace(scalars: CryptoScalars, options: PlanOptions): PointOpKind[] {
  const plan = planScalarMul(scalars, options);
  const trace: PointOpKind[] = [...plan.builds];
  let results = 0;
  for (const chain of plan.chains) {
    let started = false;
    const length = chain.streams[0]?.digits.length ?? 0;
    for (let c = 0; c < length; c++) {
      if (started) trace.push('double');
      for (const stream of chain.streams) {
        const digit = stream.digits[c]!;
        if (digit === 0) continue;
        trace.push(...(started ? addDigitOps(stream.table, digit) : initDigitOps(stream.table, digit, options.curve)));
        started = true;
      }
    }
    if (started) results++;
    // The second and later results are added into the first.
    if (started && results > 1) trace.push('add');
  }
  trace.push('normalise');
  return trace;
}
