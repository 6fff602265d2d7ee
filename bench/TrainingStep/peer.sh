#!/usr/bin/env bash
# Question 3: tokens per second of the same LoRA step in this framework (the pipeline's step and the hand-written
# TorchSharp loop, from the overhead benchmark) and in PyTorch eager (peer.py), at both sizes, on 1 and 2 threads.
# Usage: bash bench/TrainingStep/peer.sh [OUT_DIR] [extra options for both, e.g. --rounds 15 --steps 4]
# Needs Debian's python3-torch and libopenblas0-pthread (apt-get install -y python3-torch libopenblas0-pthread).
# Run it on an otherwise idle machine: every run prints `uptime` and refuses to publish when the load is 1 or more.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-bench-results}; shift || true
python=/usr/bin/python3.11
dotnet build -c Release bench/TrainingStep -v q -nologo >/dev/null
bench=bench/TrainingStep/bin/Release/net10.0/TrainingStep.dll
for size in quickstart bench; do
  for threads in 1 2; do
    dotnet "$bench" overhead --size "$size" --threads "$threads" --out "$out" "$@"
    OMP_NUM_THREADS="$threads" "$python" bench/TrainingStep/peer.py --size "$size" --threads "$threads" --out "$out" "$@"
  done
done
# One table from the JSON results.
"$python" - "$out" <<'PY'
import json, os, sys
out = sys.argv[1]
print("| size | threads | pipeline tokens/s | hand-written TorchSharp tokens/s | PyTorch eager tokens/s | pipeline / PyTorch | load start -> end | publishable |")
print("| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |")
for size in ("quickstart", "bench"):
    for threads in (1, 2):
        ours = json.load(open(os.path.join(out, f"overhead-{size}-t{threads}.json")))
        peer = json.load(open(os.path.join(out, f"peer-{size}-t{threads}.json")))
        row, prow = ours["rows"][0], peer["rows"][0]
        load = lambda line: line.split("load average:")[-1].split(",")[0].strip()
        loads = f"{load(ours['uptime_start'])} -> {load(ours['uptime_end'])}; {load(peer['uptime_start'])} -> {load(peer['uptime_end'])}"
        print(f"| {size} | {threads} | {row['pipeline_tokens_per_second']:.0f} | {row['hand_written_tokens_per_second']:.0f} | "
              f"{prow['tokens_per_second']:.0f} | {row['pipeline_tokens_per_second'] / prow['tokens_per_second']:.2f}x | {loads} | "
              f"{'yes' if ours['publishable'] and peer['publishable'] else 'NO'} |")
PY
