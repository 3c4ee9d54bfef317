#!/usr/bin/env bash
# The main job, end to end. Until training lands it builds in release mode and runs the
# tensor-core benchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-packages.sh
swift build -c release
