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
swift test --skip-build --skip 'ServingTests\.'
swift test --skip-build --no-parallel --filter 'ServingTests\.'
if grep -qw avx512f /proc/cpuinfo && grep -qw avx512bw /proc/cpuinfo && grep -qw avx512vl /proc/cpuinfo && grep -qw avx512dq /proc/cpuinfo \
   && grep -qw avx512cd /proc/cpuinfo; then
  echo "== kernel suites again on the AVX2 path (NMT_ISA=avx2) =="
  NMT_ISA=avx2 swift test --skip-build --filter '^(TensorTests|TransformerTests|TrainingTests|TranslationTests)\.'
fi
