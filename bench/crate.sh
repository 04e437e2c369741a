#!/usr/bin/env bash
# The whole Graph beta crate as the previous release and this one generate it, side by
# side in one run:
#   bench/crate.sh [PREVIOUS_REF]
# builds `odata-codegen` (release) at PREVIOUS_REF (default: the latest tag, else HEAD~1)
# and at the work tree, generates `--all --root-features` from the beta metadata with each
# (against its own runtime), and prints for each crate its lines, files and largest file,
# then the wall time and peak memory of `cargo check --all-features` and of
# `cargo check --no-default-features --features deviceAppManagement`, and of the release
# build of that feature alone, each in a fresh
# target directory (so each time includes checking the dependencies, the same for both). The corpus is
# ../shared/graph-beta-2021-07 or $ODATA_CODEGEN_CORPUS.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
corpus=${ODATA_CODEGEN_CORPUS:-$root/../shared/graph-beta-2021-07}
previous=${1:-$(git -C "$root" describe --tags --abbrev=0 2>/dev/null || echo HEAD~1)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

git -C "$root" worktree add --detach "$work/previous" "$previous" >/dev/null
trap 'git -C "$root" worktree remove --force "$work/previous"; rm -rf "$work"' EXIT
echo "building $previous and the work tree" >&2
(cd "$work/previous" && cargo build --release --locked -q -p odata-codegen --bin odata-codegen)
(cd "$root" && cargo build --release --locked -q -p odata-codegen --bin odata-codegen)

for release in previous current; do
  tree=$([ $release = previous ] && echo "$work/previous" || echo "$root")
  "$tree/target/release/odata-codegen" generate --metadata "$corpus/metadata.xml" \
    --all --root-features --out "$work/crate-$release" --runtime-path "$tree/codegen/runtime" \
    >/dev/null 2>&1
  lines=$(find "$work/crate-$release/src" -name '*.rs' -print0 | xargs -0 cat | wc -l)
  files=$(find "$work/crate-$release/src" -name '*.rs' | wc -l)
  largest=$(find "$work/crate-$release/src" -name '*.rs' -print0 | xargs -0 wc -l | grep -v ' total$' \
    | sort -n | tail -1 | awk '{print $1}')
  echo "$release: $lines lines in $files files, the largest $largest lines"
done

cargo_timed() { # command, release, features...: prints "seconds, peak GB"
  local command=$1 release=$2; shift 2
  export CARGO_TARGET_DIR="$work/target-$command-$release-${#@}"
  (cd "$work/crate-$release" && /usr/bin/time -f '%e %M' -o "$work/time" cargo "$command" -q "$@")
  awk '{printf "%s s, %.2f GB\n", $1, $2 / 1048576}' "$work/time"
}
for features in "--all-features" "--no-default-features --features deviceAppManagement"; do
  for release in previous current; do
    # shellcheck disable=SC2086
    echo "cargo check $features, $release: $(cargo_timed check $release $features)"
  done
done
# What a user's release build of one area pays.
for release in previous current; do
  echo "cargo build --release --no-default-features --features deviceAppManagement, $release:" \
    "$(cargo_timed build $release --release --no-default-features --features deviceAppManagement)"
done
