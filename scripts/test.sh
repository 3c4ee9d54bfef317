#!/usr/bin/env bash
# Runs the whole test suite: installs missing system packages, builds, runs every test.
# The kernels have one path per vector width (NMT_ISA, Sources/Tensor/CPU/VectorISA.swift):
# the suite runs on the widest path this CPU supports, then the suites that exercise
# kernels (tensor core, criteria and training, model, decoding) run again on each other path.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-packages.sh
# Code shape: the longest functions, for the reader (a report; it fails nothing yet).
bash scripts/longest-functions.sh --top 10
swift build --build-tests
# The serving tests run an HTTP server inside the test process, on Swift's concurrency
# pool (one thread per core); beside the long CPU-bound suites that pool is taken and the
# server stalls. So they run afterwards, on their own and one at a time.
# Every pass has a deadline, so that a test that hangs (XCTest on Linux has no per-test
# time limit; Swift Testing's limits cannot stop a blocked thread) fails CI instead of
# stalling it. A pass takes 0.5–5 minutes on 2 cores; the limits leave ample margin.
swift_test() { timeout --kill-after=30 "$1" swift test --skip-build "${@:2}"; }
swift_test 1200 --skip 'ServingTests\.'
swift_test 600 --no-parallel --filter 'ServingTests\.'
if grep -qw avx512f /proc/cpuinfo && grep -qw avx512bw /proc/cpuinfo && grep -qw avx512vl /proc/cpuinfo && grep -qw avx512dq /proc/cpuinfo \
   && grep -qw avx512cd /proc/cpuinfo; then
  # int8 decoding too: its products take the exact 16-bit path of CPUs without VNNI.
  echo "== kernel suites again on the AVX2 path (NMT_ISA=avx2, NMT_INT8_PATH=avx2) =="
  NMT_ISA=avx2 NMT_INT8_PATH=avx2 swift_test 1200 --filter '^(TensorTests|TransformerTests|TrainingTests|TranslationTests)\.'
fi
