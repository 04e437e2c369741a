#!/usr/bin/env bash
# Whole-crate generation, the previous release against this one, in one run:
#   bench/generate.sh [PREVIOUS_REF] [ROUNDS]
# builds `odata-codegen` (release) at PREVIOUS_REF (default: the latest tag, else
# HEAD~1) and at the work tree, then runs `generate --all --root-features` on the Graph
# beta metadata ROUNDS times (default 8), alternating the two, and prints each run's
# wall time and peak memory and the medians. The corpus is ../shared/graph-beta-2021-07
# or $ODATA_CODEGEN_CORPUS.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
corpus=${ODATA_CODEGEN_CORPUS:-$root/../shared/graph-beta-2021-07}
previous=${1:-$(git -C "$root" describe --tags --abbrev=0 2>/dev/null || echo HEAD~1)}
rounds=${2:-8}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

git -C "$root" worktree add --detach "$work/previous" "$previous" >/dev/null
trap 'git -C "$root" worktree remove --force "$work/previous"; rm -rf "$work"' EXIT
echo "building $previous and the work tree" >&2
(cd "$work/previous" && cargo build --release --locked -q -p odata-codegen --bin odata-codegen)
(cd "$root" && cargo build --release --locked -q -p odata-codegen --bin odata-codegen)
cp "$work/previous/target/release/odata-codegen" "$work/previous-bin"
cp "$root/target/release/odata-codegen" "$work/current-bin"

run() { # release name, output dir: prints "seconds peak-KiB"
  /usr/bin/time -f '%e %M' -o "$work/time" "$work/$1-bin" generate \
    --metadata "$corpus/metadata.xml" --all --root-features --out "$work/out-$1" \
    --runtime-path "$root/codegen/runtime" >/dev/null 2>&1
  cat "$work/time"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

: >"$work/previous.txt"; : >"$work/current.txt"
for round in $(seq "$rounds"); do
  for release in previous current; do
    result=$(run $release)
    echo "$result" >>"$work/$release.txt"
    echo "round $round $release: ${result% *} s, $(( ${result#* } / 1024 )) MiB"
  done
done
diff -r "$work/out-previous" "$work/out-current" >/dev/null && same=identical || same=DIFFERENT
for release in previous current; do
  wall=$(cut -d' ' -f1 "$work/$release.txt" | median)
  peak=$(cut -d' ' -f2 "$work/$release.txt" | median)
  echo "$release: median wall ${wall} s, median peak $(( ${peak%.*} / 1024 )) MiB over $rounds runs"
done
echo "output of the two releases: $same"
