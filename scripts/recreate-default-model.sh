#!/usr/bin/env sh
# Re-create the bundled model (finlocal/models/default/) from FPB's training portion and the
# ECTSum earnings calls in ../shared/data:
#
#   sh scripts/recreate-default-model.sh [OUT_DIR]      # default OUT_DIR: finlocal/models/default
#
# Needs `pip install -e '.[train,export,weights]'` and a git checkout (the evidence targets come
# from the model bundled before this recipe, read from git history). Every step resumes: a data or
# evidence file that exists is kept, and `finlocal train cv` reuses finished fold runs and restarts
# an interrupted one after its last epoch. On two CPU cores the whole script takes about an hour
# and a half (the cross-validation's fold runs go two at a time, 8-10 minutes each on an idle Xeon); docs/student.md explains every step, and
# `python -m bench.ladder` measures what each data source, the reader's hint and depth add.
set -eu
out="${1:-finlocal/models/default}"
data="${FINLOCAL_DATA:-../shared/data}"
fpb="$data/fpb/train.jsonl"
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
# The bundled model before the reader's hint (commit of 2026-12-06): its evidence head marks the
# evidence targets of the run on every row.
previous_commit=0542ec4
previous=runs/models/previous-default

step() { printf '\n== %s\n' "$*" >&2; }
have() { [ -s "$1" ]; }

step "direction data: generated statements, counterfactual edits of FPB, natural wording"
have runs/data/direction.jsonl || python -m finlocal.train.statements --n 3000 --out runs/data/direction.jsonl
have runs/data/counterfactual.jsonl || python -m finlocal.train.counterfactual "$fpb" --out runs/data/counterfactual.jsonl
have runs/data/natural.jsonl || python -m finlocal.train.natural --n 1500 --seed 7 --out runs/data/natural.jsonl

step "earnings-call sentences for the parity gate"
have runs/data/ectsum-10k.jsonl || python -m finlocal.train.corpora ectsum "$data/ectsum/calls" --n 10000 --out runs/data/ectsum-10k.jsonl
have runs/data/parity.jsonl || python -m finlocal.train.corpora ectsum "$data/ectsum/calls" --n 1000 --seed 7 \
    --exclude runs/data/ectsum-10k.jsonl --out runs/data/parity.jsonl

step "the recipe (configs/student-reader-l4.toml), cross-validated (5 folds, two at a time): the reader's hint on half the rows, no evidence targets"
finlocal train cv configs/student-reader-l4.toml --folds 5 --workers 2 --quiet --out runs/cv/student-hint-l4

step "evidence targets for the run on every row: the previous bundled model's evidence head"
if ! have "$previous/model.onnx"; then
    mkdir -p "$previous"
    git archive "$previous_commit" finlocal/models/default | tar -x -C "$previous" --strip-components=3
fi
have runs/teachers/evidence-default.jsonl || python -m finlocal.train.model_evidence --model "$previous" \
    "$fpb" runs/data/direction.jsonl runs/data/counterfactual.jsonl runs/data/natural.jsonl \
    --out runs/teachers/evidence-default.jsonl

step "the model on every row, with the evidence head"
finlocal train fit configs/student-reader-l4.toml evidence=file evidence_file=runs/teachers/evidence-default.jsonl \
    evidence_weight=0.5 output_dir=runs/final/student-hint-l4 --quiet

step "int8 export with the parity gate -> $out"
finlocal export runs/final/student-hint-l4/final --out "$out" --cv runs/cv/student-hint-l4 \
    --cv-allow evidence --cv-allow evidence_file --cv-allow evidence_weight \
    --parity-data runs/data/parity.jsonl \
    --direction tests/fixtures/direction/challenge.jsonl --direction tests/fixtures/direction/holdout.jsonl \
    --comparison tests/fixtures/comparison/comparison.jsonl \
    --blind tests/fixtures/blind/mixed.jsonl --blind tests/fixtures/blind/negation.jsonl \
    --blind tests/fixtures/blind/neutral_figures.jsonl \
    --report bench/results/quantization.json
