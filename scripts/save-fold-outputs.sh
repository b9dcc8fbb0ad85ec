#!/usr/bin/env sh
# Commit-sized outputs of finished fold runs, so compute accumulates across sessions and machines:
# for every finished fold run under runs/cv/STEP/r0-fK, its fit.json (config, rows, held-out
# metrics, seconds) and its held-out predictions without the sentence text (FPB id, gold, fold,
# logits, probabilities; the fold files' rows too, by id and source), under
# bench/results/folds/STEP/. Re-running it only adds what is new.
#
#   sh scripts/save-fold-outputs.sh [runs/cv]
set -eu
runs="${1:-runs/cv}"
for fit in "$runs"/*/r*-f*/final/fit.json; do
    [ -e "$fit" ] || continue
    run_dir=$(dirname "$(dirname "$fit")")
    step=$(basename "$(dirname "$run_dir")")
    fold=$(basename "$run_dir")
    dest="bench/results/folds/$step"
    mkdir -p "$dest"
    cp "$fit" "$dest/$fold.fit.json"
    for held in heldout heldout-extra; do  # heldout-extra: the fold files' rows (tweets, headlines)
        if [ -s "$run_dir/$held.jsonl" ]; then
            python3 -c 'import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    row = json.loads(line)
    row.pop("text", None)
    print(json.dumps(row))' "$run_dir/$held.jsonl" > "$dest/$fold.$held.jsonl"
        fi
    done
done
for cache in "$runs"/*/direction-*.json "$runs"/*/cv.json; do
    [ -e "$cache" ] || continue
    step=$(basename "$(dirname "$cache")")
    mkdir -p "bench/results/folds/$step"
    cp "$cache" "bench/results/folds/$step/"
done
ls bench/results/folds/*/ >&2
