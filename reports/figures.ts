/**
 * Report figures to six significant digits: readable, and byte-stable across platforms' float
 * printing; a non-finite value (an empty window's rate) reads as 0.
 */
export function sixFigures(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(6)) : 0;
}
