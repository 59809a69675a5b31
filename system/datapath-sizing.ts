/**
 * Sizing a crypto pipeline given by its datapath (issue 19): besides how many engines, how many
 * modular multipliers each. For every multiplier count tried, the derived latency sets the engines
 * the demand needs (busy time scales with the latency), and the datapath's `area` figures price
 * them; the variant with the least total area is chosen, and an area budget says whether it fits.
 */
import {
  type DatapathConfig,
  derivePipeline,
  engineArea,
  MULTIPLIER_CHOICES,
  withMultipliers,
} from '../engines/datapath-pipeline.js';

export interface DatapathVariant {
  multipliers: number;
  latencyUs: number;
  lanes: number;
  engineArea: number;
  totalArea: number;
}

export interface DatapathChoice {
  engine: string;
  variants: DatapathVariant[];
  chosen: DatapathVariant;
  datapath: DatapathConfig;
}

/**
 * `busyLanesPerTx`: lane-seconds per transaction measured on the base datapath; `lanesFor` turns
 * lane-seconds per transaction into the lanes the target needs.
 */
export function chooseDatapath(
  engine: string,
  base: DatapathConfig,
  busyLanesPerTx: number,
  lanesFor: (busyLanesPerTx: number) => number,
): DatapathChoice {
  const [, op, scheme] = engine.split('.') as [string, 'sign' | 'verify', 'p256' | 'ed25519' | 'bls'];
  const baseLatencyNs = derivePipeline(scheme, op, base).latencyNs;
  const options = MULTIPLIER_CHOICES.map((multipliers) => {
    const datapath = withMultipliers(base, multipliers);
    const latencyNs = derivePipeline(scheme, op, datapath).latencyNs;
    const lanes = lanesFor((busyLanesPerTx * latencyNs) / baseLatencyNs);
    const area = engineArea(datapath);
    const variant: DatapathVariant = {
      multipliers,
      latencyUs: Math.round(latencyNs) / 1000,
      lanes,
      engineArea: area,
      totalArea: lanes * area,
    };
    return { variant, datapath };
  });
  const best = options.reduce((a, b) =>
    b.variant.totalArea < a.variant.totalArea ||
    (b.variant.totalArea === a.variant.totalArea && b.variant.lanes < a.variant.lanes)
      ? b
      : a,
  );
  return { engine, variants: options.map((o) => o.variant), chosen: best.variant, datapath: best.datapath };
}
