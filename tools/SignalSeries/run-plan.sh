#!/bin/sh
# Runs the series of the evidence study one after another (one training at a time), skipping
# runs already complete in OUT. Usage: tools/SignalSeries/run-plan.sh OUT [cnn|extra|all]
# Build first: dotnet build tools/SignalSeries -c Release
# Environment: THREADS (torch threads, default 1: on a shared 2-core machine two threads thrash),
# CNN_NOISY_EPOCHS, CNN_CLEAN_EPOCHS (default 30), MLP_EPOCHS, VGG_EPOCHS, RESNET_EPOCHS (default 20).
set -u
out=${1:?usage: run-plan.sh OUT [cnn|extra|all]}
part=${2:-all}
here=$(dirname "$0")
tool="dotnet $here/bin/Release/net10.0/signal-series.dll"
mkdir -p "$out"
run() {
  echo "=== $(date '+%F %T') signal-series $*"
  start=$(date +%s)
  $tool "$@" --threads "${THREADS:-1}" --out "$out" || echo "=== FAILED (exit $?): $*"
  echo "=== $(date '+%F %T') wall $(( $(date +%s) - start )) s: $*"
}
if [ "$part" = cnn ] || [ "$part" = all ]; then
  for seed in 0 1 2; do run --model cnn --train 3000 --noise 0.1 --seed $seed --epochs "${CNN_NOISY_EPOCHS:-30}"; done
  for seed in 0 1; do run --model cnn --train 1000 --noise 0 --seed $seed --epochs "${CNN_CLEAN_EPOCHS:-30}"; done
fi
if [ "$part" = extra ] || [ "$part" = all ]; then
  run --model mlp --train 3000 --noise 0.1 --seed 0 --epochs "${MLP_EPOCHS:-20}" --feature-map none
  run --model vgg11 --width 0.25 --train 3000 --noise 0.1 --seed 0 --epochs "${VGG_EPOCHS:-20}"
  run --model resnet20 --train 3000 --noise 0.1 --seed 0 --epochs "${RESNET_EPOCHS:-20}"
fi
echo "=== $(date '+%F %T') plan '$part' finished"
