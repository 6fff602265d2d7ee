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
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-10s %-14s %-12s %s\n' samples peak_rss_mb wall_s "data check"
for n in "${sizes[@]}"; do
  dir="$work/$n"
  dotnet bench/DataScale/bin/Release/net10.0/DataScale.dll "$dir" "$n" >/dev/null
  /usr/bin/time -f '%M %e' -o "$dir/time.txt" "$host" train "$dir/pipeline.yaml" --plain >"$dir/log.txt" 2>&1 || { cat "$dir/log.txt"; exit 1; }
  read -r rss wall < "$dir/time.txt"
  printf '%-10s %-14s %-12s %s\n' "$n" "$((rss / 1024))" "$wall" "$(grep -m1 -o 'checked .* in [0-9.]* s' "$dir/log.txt" || true)"
done
