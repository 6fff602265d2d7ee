#!/usr/bin/env bash
# Question 3: tokens per second of the same LoRA step in this framework (the pipeline's step and the hand-written
# TorchSharp loop, from the overhead benchmark) and in PyTorch eager (peer.py), at both sizes, on 1 and 2 threads.
# Usage: bash bench/TrainingStep/peer.sh [OUT_DIR] [extra options for both, e.g. --rounds 15 --steps 4]
#        bash bench/TrainingStep/peer.sh --profile [OUT_DIR] [extra options for both]
# With --profile it runs the `profile` subcommand and `peer.py --profile` instead (every kind of operation of the step
# timed alone) and prints, per size and thread count, both frameworks' milliseconds per step per component and per
# projection part (frozen product, LoRA delta).
# Needs Debian's python3-torch and libopenblas0-pthread (apt-get install -y python3-torch libopenblas0-pthread).
# Run it on an otherwise idle machine: every run prints `uptime` and refuses to publish when the load is 1 or more.
set -euo pipefail
cd "$(dirname "$0")/../.."
profile=false
if [ "${1:-}" = "--profile" ]; then profile=true; shift; fi
out=${1:-bench-results}; shift || true
python=/usr/bin/python3.11
dotnet build -c Release bench/TrainingStep -v q -nologo >/dev/null
bench=bench/TrainingStep/bin/Release/net10.0/TrainingStep.dll
# Before each run: waits (at most 5 minutes) until the 1-minute load is below 0.8, so that the load a run reports is
# not the previous run's own.
wait_for_idle() { for _ in $(seq 60); do awk '{ exit !($1 < 0.8) }' /proc/loadavg && return; sleep 5; done; }
if $profile; then
  for size in quickstart bench; do
    for threads in 1 2; do
      wait_for_idle; dotnet "$bench" profile --size "$size" --threads "$threads" --out "$out" "$@"
      wait_for_idle; OMP_NUM_THREADS="$threads" "$python" bench/TrainingStep/peer.py --profile --size "$size" --threads "$threads" --out "$out" "$@"
    done
  done
  # Per size and thread count, the components and the projection parts joined by name.
  "$python" - "$out" <<'PY'
import json, os, sys
out = sys.argv[1]
load = lambda line: line.split("load average:")[-1].split(",")[0].strip()
for size in ("quickstart", "bench"):
    for threads in (1, 2):
        ours = json.load(open(os.path.join(out, f"profile-{size}-t{threads}.json")))
        peer = json.load(open(os.path.join(out, f"peer-profile-{size}-t{threads}.json")))
        theirs = {row["component"]: row for row in peer["rows"]}
        print(f"\n{size}, {threads} thread(s); load {load(ours['uptime_start'])} -> {load(ours['uptime_end'])} (ours), "
              f"{load(peer['uptime_start'])} -> {load(peer['uptime_end'])} (PyTorch); publishable: {'yes' if ours['publishable'] and peer['publishable'] else 'NO'}")
        print("| component | ours ms/step | PyTorch ms/step | ratio |")
        print("| --- | ---: | ---: | ---: |")
        for row in ours["rows"]:
            other = theirs.get(row["component"])
            pytorch = f"{other['ms_per_step']:.1f}" if other else "-"
            ratio = f"{row['ms_per_step'] / other['ms_per_step']:.2f}x" if other and other["ms_per_step"] > 0 else "-"
            print(f"| {row['component']} | {row['ms_per_step']:.1f} | {pytorch} | {ratio} |")
        for name in theirs.keys() - {row["component"] for row in ours["rows"]}:
            print(f"| {name} | - | {theirs[name]['ms_per_step']:.1f} | - |")
        ours_sum, peer_sum = ours["details"]["sum_ms_per_step"], peer["details"]["sum_ms_per_step"]
        ours_step, peer_step = ours["details"]["hand_written_ms_per_step"], peer["details"]["step_ms_per_step"]
        print(f"| **sum of components** | {ours_sum:.1f} | {peer_sum:.1f} | {ours_sum / peer_sum:.2f}x |")
        print(f"| **step, same process** | {ours_step:.1f} | {peer_step:.1f} | {ours_step / peer_step:.2f}x |")
        theirs_parts = {row["component"]: row for row in peer["details"]["projection_parts"]}
        print("\n| projection part (not in the sum) | ours ms/step | PyTorch ms/step | ratio |")
        print("| --- | ---: | ---: | ---: |")
        for row in ours["details"]["projection_parts"]:
            other = theirs_parts.get(row["component"])
            pytorch = f"{other['ms_per_step']:.1f}" if other else "-"
            ratio = f"{row['ms_per_step'] / other['ms_per_step']:.2f}x" if other and other["ms_per_step"] > 0 else "-"
            print(f"| {row['component']} | {row['ms_per_step']:.1f} | {pytorch} | {ratio} |")
PY
  exit 0
fi
for size in quickstart bench; do
  for threads in 1 2; do
    wait_for_idle; dotnet "$bench" overhead --size "$size" --threads "$threads" --out "$out" "$@"
    wait_for_idle; OMP_NUM_THREADS="$threads" "$python" bench/TrainingStep/peer.py --size "$size" --threads "$threads" --out "$out" "$@"
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
