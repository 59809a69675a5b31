/**
 * The field operations a crypto datapath executes, and counts of them. Every class is one issue on
 * one functional unit: mul/sqr/mulConst on a modular multiplier (sqr on a squarer if the datapath
 * has one), add/sub on a modular adder, inv on an inverter, load on the table memory.
 */
export const FIELD_OP_CLASSES = ['mul', 'sqr', 'mulConst', 'add', 'sub', 'inv', 'load'] as const;
export type FieldOpClass = (typeof FIELD_OP_CLASSES)[number];

/** How many operations of each class; fractional when averaged over a sample of scalars. */
export type FieldOpCounts = Record<FieldOpClass, number>;

export function zeroFieldOpCounts(): FieldOpCounts {
  return { mul: 0, sqr: 0, mulConst: 0, add: 0, sub: 0, inv: 0, load: 0 };
}

/** `into += times × counts`, class by class (returns `into`). */
export function addFieldOpCounts(into: FieldOpCounts, counts: FieldOpCounts, times = 1): FieldOpCounts {
  for (const op of FIELD_OP_CLASSES) into[op] += counts[op] * times;
  return into;
}
