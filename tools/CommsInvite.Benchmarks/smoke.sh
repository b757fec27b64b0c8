#!/usr/bin/env bash
# Smoke check for the benchmark program (no xunit): builds it, runs it with --quick against its emulators (a child
# process for the per-invite figures, in-process for the rest), and checks that it exits 0 and writes a JSON report with every section. Timing targets are
# printed, never asserted: a noisy CI machine must not fail on speed.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$(mktemp -d)/bench-quick.json"
dotnet run -c Release --project "$repo/tools/CommsInvite.Benchmarks" -- --quick --out "$out"
for section in '"perInvite"' '"bulk"' '"waiting"' '"pollingCost"' '"targets"'; do
  if ! grep -q "$section" "$out"; then
    echo "benchmark smoke: $section missing from $out" >&2
    exit 1
  fi
done
echo "benchmark smoke: passed ($out)"
