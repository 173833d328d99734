#!/usr/bin/env bash
# Compile-time cost of the derive: builds a generated crate of N five-field events with
# `#[derive(TelemetryEvent)]` and the same crate with `#[derive(serde::Serialize)]`, and reports the ratio.
#
#   scripts/compile-time.sh [N=300] [RUNS=10]
#
# Dependencies are built once first; each timed run touches the generated crate and compiles only it, in full
# (debug profile, incremental compilation off).
set -euo pipefail
N=${1:-300}
RUNS=${2:-10}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

gen_crate() { # $1 = crate name, $2 = derive line, $3 = uses
    local dir="$WORK/$1"
    mkdir -p "$dir/src"
    {
        echo "$3"
        for i in $(seq 1 "$N"); do
            cat <<RS
/// Event number $i, sent when something happens.
#[derive($2)]
pub struct Event$i {
    /// Whether it worked.
    pub ok: bool,
    /// How many retries.
    pub retries: u8,
    /// How many files.
    pub files: u16,
    /// How many pages.
    pub pages: u32,
    /// How many bytes.
    pub bytes: u64,
}
RS
        done
    } >"$dir/src/lib.rs"
}

cat >"$WORK/Cargo.toml" <<TOML
[workspace]
resolver = "3"
members = ["gen_telemetry", "gen_serde"]

[workspace.package]
edition = "2024"
TOML
cat >>"$WORK/Cargo.toml" <<TOML

[workspace.dependencies]
telemetry-schema = { path = "$ROOT/telemetry-schema" }
serde = { version = "1", features = ["derive"] }
TOML
for c in gen_telemetry gen_serde; do
    mkdir -p "$WORK/$c"
    dep=$([ $c = gen_telemetry ] && echo "telemetry-schema" || echo "serde")
    printf '[package]\nname = "%s"\nversion = "0.0.0"\nedition.workspace = true\n\n[dependencies]\n%s.workspace = true\n' \
        "$c" "$dep" >"$WORK/$c/Cargo.toml"
done
gen_crate gen_telemetry "telemetry_schema::TelemetryEvent" ""
gen_crate gen_serde "serde::Serialize" ""
cp "$ROOT/Cargo.lock" "$WORK/Cargo.lock" 2>/dev/null || true

export CARGO_TARGET_DIR="$WORK/target"
# Without incremental compilation, every timed build compiles the generated crate in full: what the derive's
# output costs, rather than what the incremental cache happens to keep.
export CARGO_INCREMENTAL=0
cd "$WORK"
cargo build -q -p gen_telemetry -p gen_serde

# CPU time (user + sys) of the rebuild, summed over RUNS: steadier than wall time on a shared machine. The two
# crates alternate so that background load hits both alike.
cpu_ms() { # $1 = crate
    touch "$WORK/$1/src/lib.rs"
    local before after
    read -r -a before </proc/$BASHPID/stat # fields 13-16: utime stime cutime cstime, in clock ticks
    cargo build -q -p "$1"
    read -r -a after </proc/$BASHPID/stat
    local ticks=$((after[13] + after[14] + after[15] + after[16] - before[13] - before[14] - before[15] - before[16]))
    echo $((ticks * 1000 / $(getconf CLK_TCK)))
}

t=0
s=0
for _ in $(seq 1 "$RUNS"); do
    t=$((t + $(cpu_ms gen_telemetry)))
    s=$((s + $(cpu_ms gen_serde)))
done
echo "$N five-field events, CPU time of $RUNS debug rebuilds of the generated crate each:"
echo "  #[derive(TelemetryEvent)]   $((t / RUNS)) ms per build"
echo "  #[derive(serde::Serialize)] $((s / RUNS)) ms per build"
awk -v t="$t" -v s="$s" 'BEGIN { printf "  ratio TelemetryEvent / Serialize = %.2fx (goal <= 1.00x)\n", t / s }'
