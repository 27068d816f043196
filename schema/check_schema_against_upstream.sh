#!/usr/bin/env bash
# check_schema_against_upstream.sh: check that schema/tflite.fbs reads real
# .tflite files exactly as the upstream TFLite schema does.
#
# Usage: schema/check_schema_against_upstream.sh UPSTREAM_SCHEMA [MODELS_DIR]
#   UPSTREAM_SCHEMA  path to a copy of the upstream schema.fbs that you supply
#                    (tensorflow/compiler/mlir/lite/schema/schema.fbs, or
#                    tflite/converter/schema/schema.fbs in LiteRT). Nothing
#                    upstream is embedded in or downloaded by this script.
#   MODELS_DIR       default ../shared/models (relative to the project root);
#                    every *.tflite and edge-cases/litert_testdata/*.bin in it.
# Env: FLATC (default flatc), CXX (default c++; needs the flatbuffers
# headers), KEEP=1 keeps the work directory.
#
# Every file is checked with the Verifier generated from each schema, then
# every file both accept is converted to JSON (flatc --json --strict-json --raw-binary
# --defaults-json) with both schemas, and the outputs must be identical.
# Files that neither schema can convert (deliberately broken fuzz seeds) are
# listed, not counted as failures. flatc 2.0.8 rejects "(deprecated)" on enum
# values and union members, which upstream uses; the script strips those two
# attributes from a temporary copy of the upstream file (metadata only: values
# and member positions are unchanged). Exit status 0 when nothing differs.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
ours=$here/tflite.fbs
upstream=${1:?usage: $0 UPSTREAM_SCHEMA [MODELS_DIR]}
models=${2:-$root/../shared/models}
FLATC=${FLATC:-flatc}
[ -f "$upstream" ] || { echo "no such file: $upstream" >&2; exit 2; }
[ -d "$models" ] || { echo "no models directory: $models" >&2; exit 2; }

work=$(mktemp -d)
[ "${KEEP:-0}" = 1 ] && echo "work directory: $work" || trap 'rm -rf "$work"' EXIT
# Strip "(deprecated)" only where it follows an enum value or a union member.
sed -E -e 's/^([[:space:]]*[A-Za-z_][A-Za-z0-9_]*[[:space:]]*=[[:space:]]*-?[0-9]+)[[:space:]]*\(deprecated\)/\1/' \
       -e 's/^([[:space:]]*[A-Za-z_][A-Za-z0-9_]*)[[:space:]]*\(deprecated\)[[:space:]]*,/\1,/' \
       "$upstream" > "$work/upstream.fbs"
# flatc 2.0.8 converts a binary to JSON without verifying it, so a malformed
# buffer gives garbage (even different output from run to run). Each file is
# therefore first run through the FlatBuffers Verifier generated from each
# schema (identifier not checked, like --raw-binary); JSON is compared only
# for files that both verifiers accept.
CXX=${CXX:-c++}
for side in ours upstream; do
  schema=$ours; [ $side = upstream ] && schema=$work/upstream.fbs
  mkdir -p "$work/gen_$side"; cp "$schema" "$work/gen_$side/model.fbs"
  "$FLATC" --cpp -o "$work/gen_$side" "$work/gen_$side/model.fbs" \
    || { echo "flatc cannot compile $schema" >&2; exit 2; }
  cat > "$work/gen_$side/verify.cc" <<'CC'
#include <fstream>
#include <iterator>
#include <vector>
#include "model_generated.h"
int main(int argc, char** argv) {
  std::ifstream in(argv[1], std::ios::binary);
  std::vector<char> b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  flatbuffers::Verifier v(reinterpret_cast<const uint8_t*>(b.data()), b.size());
  return v.VerifyBuffer<tflite::Model>(nullptr) ? 0 : 1;
}
CC
  "$CXX" -std=c++17 -O1 -o "$work/verify_$side" "$work/gen_$side/verify.cc" -I"$work/gen_$side" \
    || { echo "cannot build the verifier for $schema" >&2; exit 2; }
done

same=0; differ=0; vdiffer=0; rejected=0; only_ours=0; only_upstream=0; both_fail=0; warned=0; n=0
while IFS= read -r f; do
  n=$((n + 1)); rel=${f#"$models"/}
  "$work/verify_ours" "$f"; vo=$?; "$work/verify_upstream" "$f"; vu=$?
  if [ $vo != $vu ]; then
    vdiffer=$((vdiffer + 1)); echo "VERIFIER DISAGREES  $rel (ours $vo, upstream $vu)"; continue
  elif [ $vo != 0 ]; then
    rejected=$((rejected + 1)); echo "REJECTED BY BOTH VERIFIERS  $rel"; continue
  fi
  rc=()
  for side in ours upstream; do
    schema=$ours; [ $side = upstream ] && schema=$work/upstream.fbs
    out=$work/$n/$side; mkdir -p "$out"
    timeout 60 "$FLATC" --json --strict-json --raw-binary --defaults-json \
      -o "$out" "$schema" -- "$f" >"$out.log" 2>&1
    r=$?; json=$(ls "$out"/*.json 2>/dev/null | head -n1)
    if [ $r -eq 0 ] && [ -z "$json" ]; then r=1; fi  # exit 0 but no output
    rc+=("$r")
    if grep -qiE 'unknown|warning' "$out.log"; then
      warned=$((warned + 1)); echo "WARN  $rel ($side): $(head -c 200 "$out.log" | tr '\n' ' ')"
    fi
  done
  if [ "${rc[0]}" = 0 ] && [ "${rc[1]}" = 0 ]; then
    if cmp -s "$work/$n/ours/"*.json "$work/$n/upstream/"*.json; then
      same=$((same + 1))
    else
      differ=$((differ + 1)); echo "DIFF  $rel"
      diff "$work/$n/ours/"*.json "$work/$n/upstream/"*.json | head -n 10
    fi
  elif [ "${rc[0]}" != 0 ] && [ "${rc[1]}" != 0 ]; then
    both_fail=$((both_fail + 1))
    echo "BOTH FAIL  $rel (exit ${rc[0]}/${rc[1]}): $(tail -n1 "$work/$n/upstream.log" | head -c 160)"
  elif [ "${rc[0]}" != 0 ]; then
    only_ours=$((only_ours + 1)); echo "OURS FAIL  $rel: $(tail -n1 "$work/$n/ours.log")"
  else
    only_upstream=$((only_upstream + 1)); echo "UPSTREAM FAIL  $rel: $(tail -n1 "$work/$n/upstream.log")"
  fi
done < <(find "$models" -type f \( -name '*.tflite' -o -path '*/edge-cases/litert_testdata/*.bin' \) | LC_ALL=C sort)

echo "files: $n  rejected by both verifiers: $rejected  verifiers disagree: $vdiffer"
echo "JSON identical: $same  differ: $differ  only ours failed: $only_ours" \
     " only upstream failed: $only_upstream  both failed: $both_fail  with warnings: $warned"
[ $vdiffer -eq 0 ] && [ $differ -eq 0 ] && [ $only_ours -eq 0 ] && [ $only_upstream -eq 0 ] && [ $warned -eq 0 ]
