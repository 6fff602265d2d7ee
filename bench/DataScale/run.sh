#!/usr/bin/env bash
# Peak resident memory and wall time of `pipeline train` on LLaVA-style data sets of growing size (docs/DATA.md).
# Usage: bash bench/DataScale/run.sh [SAMPLES ...]   (default: 1000 100000). Run it on an otherwise idle machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(1000 100000)
dotnet build src/Host -c Release -v q -nologo >/dev/null
dotnet build bench/DataScale -c Release -v q -nologo >/dev/null
host=src/Host/bin/Release/net10.0/pipeline
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Each case starts once the one-minute load average is below 1 (at most 3 minutes of waiting); its load is printed.
quiet() { for _ in $(seq 36); do awk '{exit !($1 < 1.0)}' /proc/loadavg && return; sleep 5; done; }
printf '%-10s %-14s %-10s %-10s %-10s %s\n' samples peak_rss_mb wall_s read_s check_s load
for n in "${sizes[@]}"; do
  dir="$work/$n"
  dotnet bench/DataScale/bin/Release/net10.0/DataScale.dll "$dir" "$n" >/dev/null
  quiet
  load=$(cut -d' ' -f1 /proc/loadavg)
  /usr/bin/time -f '%M %e' -o "$dir/time.txt" "$host" train "$dir/pipeline.yaml" --plain >"$dir/log.txt" 2>&1 || { cat "$dir/log.txt"; exit 1; }
  read -r rss wall < "$dir/time.txt"
  read_s=$(sed -n 's/^data: read .* samples in \([0-9.]*\) s$/\1/p' "$dir/log.txt")
  check_s=$(sed -n 's/^data: checked and tokenised .* samples in \([0-9.]*\) s.*$/\1/p' "$dir/log.txt")
  printf '%-10s %-14s %-10s %-10s %-10s %s\n' "$n" "$((rss / 1024))" "$wall" "${read_s:--}" "${check_s:--}" "$load"
done
