#!/usr/bin/env sh
# Re-create the bundled model (finlocal/models/default/) from ../shared/data/fpb/train.jsonl:
#
#   sh scripts/recreate-default-model.sh [OUT_DIR]      # default OUT_DIR: finlocal/models/default
#
# Needs `pip install -e '.[train,export,weights]'`. Each step is skipped when its output exists,
# so an interrupted run resumes. On one GPU the whole script takes minutes; on two CPU cores about
# a day, nearly all of it the SmolLM2-135M cross-fit. docs/student.md explains every step.
set -eu
out="${1:-finlocal/models/default}"
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"

step() { printf '\n== %s\n' "$*" >&2; }

[ -f runs/default/best/fit.json ] || { step "label-only MiniLM-L6"; finlocal train fit configs/default.toml; }
[ -f runs/saliency.jsonl ] || { step "evidence targets (saliency)"; python -m finlocal.train.saliency runs/default/best runs/saliency.jsonl; }
[ -f runs/study/teachers/smollm2-oof.jsonl ] || { step "SmolLM2-135M teacher, 5-fold cross-fit"; finlocal train crossfit configs/teacher-smollm2.toml --folds 5 --out runs/study/teachers/smollm2-oof.jsonl; }
[ -f runs/study/teachers/minilm-oof.jsonl ] || { step "MiniLM-L6 teacher, 5-fold cross-fit"; finlocal train crossfit configs/default.toml --folds 5 --out runs/study/teachers/minilm-oof.jsonl; }
[ -f runs/distilled/best/fit.json ] || { step "the 3-layer student"; finlocal train fit configs/distilled.toml; }
step "int8 export with the parity gate -> $out"
finlocal export runs/distilled/best --out "$out" --report bench/results/quantization.json
