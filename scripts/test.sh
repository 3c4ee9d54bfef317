#!/usr/bin/env bash
# Runs the whole test suite: installs missing system packages, builds, runs every test.
# The kernels have one path per vector width (NMT_ISA, Sources/Tensor/CPU/VectorISA.swift):
# the suite runs on the widest path this CPU supports, then the suites that exercise
# kernels (tensor core, criteria and training, model, decoding) run again on each other path.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-packages.sh
swift build --build-tests
swift test --skip-build
if grep -qw avx512f /proc/cpuinfo && grep -qw avx512bw /proc/cpuinfo && grep -qw avx512vl /proc/cpuinfo && grep -qw avx512dq /proc/cpuinfo \
   && grep -qw avx512cd /proc/cpuinfo; then
  echo "== kernel suites again on the AVX2 path (NMT_ISA=avx2) =="
  NMT_ISA=avx2 swift test --skip-build --filter 'TensorTests|TransformerTests|TrainingTests|TranslationTests'
fi
