/**
 * `bpusim validate --published`: the model's predictions of published systems it was not fitted to
 * (system/published.ts), printed as a table or one JSON object. Wiring only.
 */
import { PUBLISHED_CASES, type PublishedPrediction, predictPublished } from '../system/index.js';

export interface PublishedFlags {
  duration: string;
  blocks: number;
  seed: number;
  json?: boolean;
}

export function runPublished(flags: PublishedFlags, log: (line: string) => void): void {
  const predictions: PublishedPrediction[] = [];
  for (const c of PUBLISHED_CASES) {
    log(`${c.id}: predicting with ${c.preset} (${c.measures})`);
    predictions.push(
      predictPublished(c, { duration: flags.duration, validatorBlocks: flags.blocks, seed: flags.seed, log }),
    );
  }
  if (flags.json === true) {
    process.stdout.write(`${JSON.stringify({ duration: flags.duration, blocks: flags.blocks, predictions })}\n`);
    return;
  }
  const lines = [
    '| system | preset | measures | published TPS | predicted TPS | error % | bottleneck (model) | figure from | scenario |',
    '|:--|:--|:--|--:|--:|--:|:--|:--|:--|',
    ...predictions.map(({ case: c, predictedTps, errorPct, bottleneck }) =>
      [
        c.system,
        c.preset,
        c.measures,
        c.publishedTps,
        predictedTps,
        errorPct,
        bottleneck,
        `${c.figureSource} (${c.figureProvenance})`,
        `${c.scenarioNote} (${c.scenarioProvenance})`,
      ].join(' | '),
    ),
  ].map((row) => (row.startsWith('|') ? row : `| ${row} |`));
  process.stdout.write(`${lines.join('\n')}\n`);
}
