#!/bin/bash
# A bpusim sweep as a Slurm job array: task i of n runs shard i/n; a dependent job merges them.
# Usage: sbatch slurm-array.sh grid.yaml   (then the merge job runs when every task succeeded)
#SBATCH --job-name=bpusim-sweep
#SBATCH --array=0-15
#SBATCH --cpus-per-task=2
#SBATCH --mem=4G
#SBATCH --output=bpusim-sweep-%A_%a.log
set -euo pipefail
GRID=${1:-grid.yaml}
SHARDS=16
OUT=${BPUSIM_OUT:-$PWD/sweep}
mkdir -p "$OUT"
npx bpusim sweep "$GRID" --workers "$SLURM_CPUS_PER_TASK" --shard "${SLURM_ARRAY_TASK_ID}/${SHARDS}" --out "$OUT/shard-${SLURM_ARRAY_TASK_ID}.json"
# The last task to finish is not known here; submit the merge as a dependent job once:
if [ "${SLURM_ARRAY_TASK_ID}" = "0" ]; then
  sbatch --dependency=afterok:"${SLURM_ARRAY_JOB_ID}" --job-name=bpusim-merge --wrap "npx bpusim merge $OUT/shard-*.json --out $OUT/sweep.json"
fi
