#!/usr/bin/env bash
# Installs the Debian packages this project builds and runs with, if any is missing.
# Idempotent: a machine that has them all is left untouched (no apt-get update).
set -euo pipefail

packages=(
  pkg-config
  libopenblas-dev          # CBLAS: matrix products (pthread variant)
  libsentencepiece-dev     # CSentencePiece: subword tokenizer library
  sentencepiece            # spm_encode / spm_decode, the reference the tests compare with
  libsword-utils           # mod2imp, used by corpora/bible-es-en/prepare.sh
  sword-text-sparv sword-text-web sword-text-kjv   # the Bible corpus texts
  unzip                    # lists and tests the Argos packages nmt export writes (ExportTests)
  chromium fonts-dejavu-core   # headless browser for the nmt serve page test (PageTests)
  libopenmpi-dev openmpi-bin   # Open MPI: data-parallel training (Distributed), mpirun for its tests
  libdnnl-dev              # oneDNN: bf16 products (COneDNN)
  zlib1g-dev               # zlib: gzip-compressed corpora and input files (CZlib, FileIO)
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo_if_needed=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_if_needed=(sudo)
fi

echo "installing system packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo_if_needed[@]}" apt-get update -qq
"${sudo_if_needed[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
