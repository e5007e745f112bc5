#!/usr/bin/env bash
# Brings each library's .publicApi/PublicAPI.Unshipped.txt up to date with its public API:
# adds new members (RS0016, through `dotnet format`) and deletes the lines of members that are gone (RS0017).
# Review the diff afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
for project in src/Monitor/Monitor.csproj src/Trainers/Trainers.csproj src/Regularizer/Regularizer.csproj; do
  dotnet format analyzers "$project" --diagnostics RS0016 --severity info >/dev/null 2>&1 || true
  unshipped="$(dirname "$project")/.publicApi/PublicAPI.Unshipped.txt"
  # RS0017 lines name the file and line of each stale entry.
  lines=$(dotnet build "$project" -c Release --no-incremental 2>&1 | grep -E "PublicAPI\.Unshipped\.txt\([0-9]+,[0-9]+\): error RS0017" | sed -E 's/.*Unshipped\.txt\(([0-9]+),.*/\1/' | sort -un -r || true)
  for line in $lines; do
    sed -i "${line}d" "$unshipped"
  done
done
