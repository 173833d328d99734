#!/usr/bin/env bash
# Compile-time cost of the derive: builds a generated crate of N five-field events with
# `#[derive(TelemetryEvent)]` and the same crate with `#[derive(serde::Serialize)]`, and reports the ratio.
#
#   scripts/compile-time.sh [N=300] [RUNS=5]
#
# Dependencies are built once first; each timed run touches the generated crate and rebuilds only it (debug
# profile, as a developer's edit-compile loop would). The median of RUNS is reported.
set -euo pipefail
N=${1:-300}
RUNS=${2:-5}
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
cd "$WORK"
cargo build -q -p gen_telemetry -p gen_serde

median_ms() { # $1 = crate
    local times=()
    for _ in $(seq 1 "$RUNS"); do
        touch "$WORK/$1/src/lib.rs"
        local start end
        start=$(date +%s%N)
        cargo build -q -p "$1"
        end=$(date +%s%N)
        times+=($(((end - start) / 1000000)))
    done
    printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((RUNS + 1) / 2))p"
}

t=$(median_ms gen_telemetry)
s=$(median_ms gen_serde)
echo "$N five-field events, median of $RUNS debug rebuilds of the generated crate:"
echo "  #[derive(TelemetryEvent)]   ${t} ms"
echo "  #[derive(serde::Serialize)] ${s} ms"
awk -v t="$t" -v s="$s" 'BEGIN { printf "  ratio TelemetryEvent / Serialize = %.2fx (goal <= 1.00x)\n", t / s }'
