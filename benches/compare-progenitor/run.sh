#!/usr/bin/env bash
# Build cost of auth-sdk's spec macros against progenitor, side by side in one run.
#
# Builds (debug profile, plain `cargo build`, the same toolchain and jobs) with separate target
# directories:
#   sdk  = `cargo build -p auth-specs` of the main workspace: auth-macros expanding the 15
#          calls of the five providers (and everything they depend on);
#   prog = this folder's crate: progenitor::generate_api! on openapi.json, the same 15
#          operations (reqwest with the same rustls/http2 features as auth-sdk).
# and prints, for each, the clean build, the generator + generated code alone (its macro crates
# and the generated crate rebuilt over built dependencies), the generated crate alone from
# scratch, and the incremental rebuild after touching one spec (median of 3), with the ratio
# sdk / prog. Target: <= 0.5.
#
#   benches/compare-progenitor/run.sh            # OUT=<dir> keeps the target dirs and logs
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=${OUT:-$(mktemp -d /tmp/compare-progenitor.XXXXXX)}
JOBS=${JOBS:-$(nproc)}
SPEC=${SPEC:-$ROOT/specs/src/coopfin/create_token.rs}
mkdir -p "$OUT"

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
# build <label> <manifest> <target-dir> [cargo args...]: prints the wall time in seconds.
build() {
    local label=$1 manifest=$2 target=$3; shift 3
    local start; start=$(now)
    if ! CARGO_TARGET_DIR=$target cargo build --manifest-path "$manifest" -j "$JOBS" "$@" \
        >"$OUT/$label.log" 2>&1; then
        tail -40 "$OUT/$label.log" >&2
        exit 1
    fi
    elapsed "$start"
}
median3() { printf '%s\n' "$@" | sort -g | sed -n 2p; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

SDK_MANIFEST=$ROOT/Cargo.toml
PROG_MANIFEST=$HERE/Cargo.toml
SDK_TARGET=$OUT/target-sdk
PROG_TARGET=$OUT/target-prog

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "rustc: $(rustc --version); jobs: $JOBS; out: $OUT"
# Downloads are not timed.
cargo fetch --manifest-path "$SDK_MANIFEST" >/dev/null 2>&1
cargo fetch --manifest-path "$PROG_MANIFEST" >/dev/null 2>&1

rm -rf "$SDK_TARGET" "$PROG_TARGET"
sdk_clean=$(build sdk-clean "$SDK_MANIFEST" "$SDK_TARGET" -p auth-specs)
prog_clean=$(build prog-clean "$PROG_MANIFEST" "$PROG_TARGET")

# The generator and the generated code alone, over built dependencies.
CARGO_TARGET_DIR=$SDK_TARGET cargo clean --manifest-path "$SDK_MANIFEST" -p auth-macros -p auth-specs >/dev/null 2>&1
sdk_gen=$(build sdk-gen "$SDK_MANIFEST" "$SDK_TARGET" -p auth-specs)
CARGO_TARGET_DIR=$PROG_TARGET cargo clean --manifest-path "$PROG_MANIFEST" \
    -p progenitor -p progenitor-macro -p progenitor-impl -p typify -p typify-impl -p typify-macro \
    -p openapiv3 -p compare-progenitor >/dev/null 2>&1
prog_gen=$(build prog-gen "$PROG_MANIFEST" "$PROG_TARGET")

# The generated crate alone, from scratch (generator and dependencies built).
CARGO_TARGET_DIR=$SDK_TARGET cargo clean --manifest-path "$SDK_MANIFEST" -p auth-specs >/dev/null 2>&1
sdk_crate=$(build sdk-crate "$SDK_MANIFEST" "$SDK_TARGET" -p auth-specs)
CARGO_TARGET_DIR=$PROG_TARGET cargo clean --manifest-path "$PROG_MANIFEST" -p compare-progenitor >/dev/null 2>&1
prog_crate=$(build prog-crate "$PROG_MANIFEST" "$PROG_TARGET")

# Incremental: touch one spec (one provider call's file; for progenitor the OpenAPI document
# and the crate that expands it), rebuild; three times each, alternating.
s=() p=()
for _ in 1 2 3; do
    touch "$SPEC"
    s+=("$(build sdk-incr "$SDK_MANIFEST" "$SDK_TARGET" -p auth-specs)")
    touch "$HERE/openapi.json" "$HERE/src/lib.rs"
    p+=("$(build prog-incr "$PROG_MANIFEST" "$PROG_TARGET")")
done
sdk_incr=$(median3 "${s[@]}")
prog_incr=$(median3 "${p[@]}")

echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| build (debug, -j $JOBS)                        | auth-specs | progenitor | ratio |"
echo "|------------------------------------------------|-----------:|-----------:|------:|"
printf "| clean build, all dependencies                  | %8ss | %8ss | %5s |\n" "$sdk_clean" "$prog_clean" "$(ratio "$sdk_clean" "$prog_clean")"
printf "| generator + generated crate (deps built)       | %8ss | %8ss | %5s |\n" "$sdk_gen" "$prog_gen" "$(ratio "$sdk_gen" "$prog_gen")"
printf "| generated crate alone, from scratch            | %8ss | %8ss | %5s |\n" "$sdk_crate" "$prog_crate" "$(ratio "$sdk_crate" "$prog_crate")"
printf "| incremental, one spec touched (median of 3)    | %8ss | %8ss | %5s |\n" "$sdk_incr" "$prog_incr" "$(ratio "$sdk_incr" "$prog_incr")"
echo
echo "incremental runs: auth-specs ${s[*]} s; progenitor ${p[*]} s"
