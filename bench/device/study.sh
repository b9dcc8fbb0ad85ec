#!/usr/bin/env bash
# How bench/results/study.json was made on a lent GPU machine (see docs/student.md). That machine
# has PyTorch + CUDA but no network and a different transformers, so wheels (.whl/) and weights
# (.dev/: MiniLM-L6 in fp16, the SmolLM2 GGUF in two halves, FPB train + evidence + Gemma teacher
# files) travel in ignored folders, in three calls because each transfer is capped at 64 MiB:
#   bench/device/study.sh 1   carry .whl .dev/ga           install wheels + finlocal, check
#   bench/device/study.sh 2   carry .dev/gb .dev/data      assemble the GGUF
#   bench/device/study.sh 3   carry .dev/minilm            the study, then pack results into $OUT
set -euo pipefail
stash=/tmp/stash
export PYTHONPATH=/tmp/fl:/tmp/site OMP_WAIT_POLICY=PASSIVE PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1
mkdir -p "$stash"
case "$1" in
1)
  cp .dev/ga/smol.part0 "$stash/"
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl
  python3 -m pip install -q --no-index --no-deps --no-build-isolation --no-compile --target /tmp/fl .
  (cd /tmp && python3 -c "import torch, transformers, accelerate, gguf, finlocal.train.fit, finlocal.train.crossfit; print('torch', torch.__version__, 'cuda', torch.cuda.is_available(), torch.cuda.get_device_name(0), 'transformers', transformers.__version__)")
  (cd /tmp && python3 -m finlocal train crossfit --help | head -3)
  nproc; lscpu | grep -iE "model name|flags" | grep -oE "Model name.*|avx512_vnni|avx_vnni|amx_int8" | sort -u
  ;;
2)
  cp .dev/gb/smol.part1 "$stash/"
  cp -r .dev/data "$stash/"
  cat "$stash/smol.part0" "$stash/smol.part1" > "$stash/smol.gguf"
  rm "$stash/smol.part0" "$stash/smol.part1"
  sha256sum "$stash/smol.gguf"
  ;;
3)
  [ -d "$stash/minilm" ] || cp -r .dev/minilm "$stash/"
  cp train/*.py /tmp/fl/finlocal/train/  # the tree may be newer than the install of step 1
  rc=0
  python3 bench/study.py --out "$OUT/study.json" --runs-dir /tmp/runs --workers "${WORKERS:-12}" \
    --minilm "$stash/minilm" --smollm2 "$stash/smol.gguf" --fpb "$stash/data/train.jsonl" \
    --saliency "$stash/data/saliency.jsonl" --gemma-teacher "$stash/data/gemma3.jsonl" \
    2> "$stash/study.log" || rc=$?
  tail -5 "$stash/study.log"
  # The smallest cross-fitted student that averages >= 0.86 (else the 4-layer one): its best
  # seed's checkpoint in fp16, split in 15 MB chunks (a returned file is capped at 16 MB).
  python3 - "$OUT" <<'PY'
import json, sys, tarfile
from pathlib import Path
import torch
from safetensors.torch import load_file, save_file
out = Path(sys.argv[1]); d = json.loads((out / "study.json").read_text())
groups = d.get("groups", {})
pick = next((g for g in ("minilm-l3-kd-rationale", "minilm-l4-kd-rationale")
             if groups.get(g, {}).get("f1_weighted", {}).get("mean", 0) >= 0.86), "minilm-l4-kd-rationale")
runs = [r for r in d["runs"] if r["group"] == pick]
best = max(runs, key=lambda r: r["val"]["f1_weighted"])
ck = Path(best["dir"]) / "best"
sd = load_file(ck / "model.safetensors")
save_file({k: v.half().contiguous() for k, v in sd.items()}, "/tmp/stash/ckpt-fp16.safetensors")
with tarfile.open(out / "bundle.tgz", "w:gz") as tar:
    for f in ck.iterdir():
        if f.name != "model.safetensors":
            tar.add(f, arcname=f"ckpt/{f.name}")
    for f in Path("/tmp/runs/teachers").glob("*-oof.jsonl"):
        tar.add(f, arcname=f"teachers/{f.name}")
    tar.add("/tmp/stash/study.log", arcname="study.log")
print("packed", pick, "seed", best["seed"], best["val"])
PY
  split -b 15000000 -d /tmp/stash/ckpt-fp16.safetensors "$OUT/ckpt.part"
  ls -la "$OUT"
  exit $rc
  ;;
esac
