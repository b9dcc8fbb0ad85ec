#!/usr/bin/env sh
# Re-create the bundled model (finlocal/models/default/) from FPB's training portion and the
# ECTSum earnings calls in ../shared/data:
#
#   sh scripts/recreate-default-model.sh [OUT_DIR]      # default OUT_DIR: finlocal/models/default
#
# Needs `pip install -e '.[train,export,weights]'`. Every step resumes: a data file or teacher file
# that exists is kept, and `finlocal train cv` reuses finished fold runs and restarts an
# interrupted one after its last epoch. On two CPU cores the whole script takes about 2.5 hours
# (the student's fold runs go two at a time); docs/student.md explains every step, and
# bench/ladder.py measures what each data source and teacher adds (the MPNet-base teacher too,
# which the shipped recipe does not use).
set -eu
out="${1:-finlocal/models/default}"
data="${FINLOCAL_DATA:-../shared/data}"
fpb="$data/fpb/train.jsonl"
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"

step() { printf '\n== %s\n' "$*" >&2; }
have() { [ -s "$1" ]; }

step "direction data: generated statements and counterfactual edits of FPB"
have runs/data/direction.jsonl || python -m finlocal.train.statements --n 3000 --out runs/data/direction.jsonl
have runs/data/direction-1500.jsonl || python -m finlocal.train.statements --n 1500 --out runs/data/direction-1500.jsonl
have runs/data/counterfactual.jsonl || python -m finlocal.train.counterfactual "$fpb" --out runs/data/counterfactual.jsonl

step "earnings-call sentences for the parity gate (disjoint from the ladder's transfer sample)"
have runs/data/ectsum-10k.jsonl || python -m finlocal.train.corpora ectsum "$data/ectsum/calls" --n 10000 --out runs/data/ectsum-10k.jsonl
have runs/data/parity.jsonl || python -m finlocal.train.corpora ectsum "$data/ectsum/calls" --n 1000 --seed 7 \
    --exclude runs/data/ectsum-10k.jsonl --out runs/data/parity.jsonl

step "the MiniLM-L6 teacher, cross-validated (5 folds) and trained on every row"
finlocal train cv configs/teacher-minilm.toml --folds 5 --final --out runs/cv/teacher-minilm

step "per-fold evidence targets: saliency of the teacher's fold models"
have runs/teachers/saliency-minilm.jsonl || python -m finlocal.train.saliency runs/cv/teacher-minilm --out runs/teachers/saliency-minilm.jsonl

step "the student: cross-validated, then trained on every row"
finlocal train cv configs/student.toml --folds 5 --final --workers 2 --out runs/cv/student-direction

step "int8 export with the parity gate -> $out"
finlocal export runs/cv/student-direction/all/final --out "$out" --cv runs/cv/student-direction \
    --parity-data runs/data/parity.jsonl --direction tests/fixtures/direction/challenge.jsonl --direction tests/fixtures/direction/holdout.jsonl \
    --report bench/results/quantization.json
