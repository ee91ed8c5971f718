#!/usr/bin/env bash
# Every GPU check of the final task, in one run (< 3 minutes on one GPU). Run on a machine
# with an NVIDIA GPU from the repository root, after `make setup` and `make data`.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
"$PY" -c "import torch; assert torch.cuda.is_available(), 'no CUDA device'; print(torch.__version__, torch.cuda.get_device_name(0))"
# Time to each tier with the reference on cuda (3 seeds, 10 epochs each): the real MNIST first.
"$PY" scripts/measure_final.py --dataset mnist --device cuda --seeds 3
"$PY" scripts/measure_final.py --dataset fashion-mnist --device cuda --seeds 3
# The real grading path on cuda: worker process, no address-space cap, the budget calibrated
# on this GPU, tiers judged on the grader's side.
"$PY" -m torchcamp.cli grade solutions --lesson 08 --dataset mnist --device cuda --open-track --json gpu-grade.json
"$PY" -c "import json; f = json.load(open('gpu-grade.json'))['final']; print({k: f[k] for k in ('accuracy', 'interval', 'seconds', 'budget_s', 'calibration', 'open_track')})"
