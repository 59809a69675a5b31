/**
 * The one rounding rule for figures: a fixed number of significant digits, readable and
 * byte-stable across platforms' float printing; a non-finite value (an empty window's rate) reads
 * as 0. Report figures use six (`sixFigures`); host measurements (bench, calibration) use four.
 */
export function significantFigures(value: number, digits: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(digits)) : 0;
}

/** Report figures: six significant digits. */
export function sixFigures(value: number): number {
  return significantFigures(value, 6);
}

/** Peer names collapsed (every peer is alike): `peer0.Org2MSP.validator` → `peer.validator`. */
export function peerAsOne(engine: string): string {
  return engine.replace(/^peer\d+\.Org\d+MSP\./, 'peer.');
}
