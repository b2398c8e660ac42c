#!/usr/bin/env bash
# Installs the Debian packages loadgate's build needs; with --tests, also what its tests and
# benchmarks need (GoogleTest, Google Benchmark, a browser and a Java runtime for the report and
# HdrHistogram interop tests, nginx and wrk). The main job installs only the first set.
# Idempotent: when everything is already installed it does nothing (no apt-get update, no
# sudo). It never starts a PostgreSQL cluster; loadgate starts its own embedded one.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libpq-dev libboost-program-options-dev libtomlplusplus-dev nlohmann-json3-dev zlib1g-dev
  libcpp-httplib-dev gnuplot-nox
  postgresql-15 postgresql-contrib-15 postgresql-client-15
)
if [ "${1:-}" = "--tests" ]; then
  packages+=(
    libgtest-dev libbenchmark-dev chromium libxml2-utils
    libhdrhistogram-java default-jre-headless
    nginx wrk
  )
fi

# A package counts as present when it is installed, or when an installed package provides it
# (on Debian 12 postgresql-contrib-15 is a virtual package provided by postgresql-15).
installed_or_provided() {
  dpkg-query -W -f='${Status} ${Package} ${Provides}\n' 2>/dev/null |
    awk '$1 == "install" && $3 == "installed" { $1 = $2 = $3 = ""; print }' |
    tr ' ,' '\n\n' | sed 's/:.*//' | sort -u
}

missing=()
present="$(installed_or_provided)"
for pkg in "${packages[@]}"; do
  grep -qxF "$pkg" <<<"$present" || missing+=("$pkg")
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
  else
    echo "install-deps: need root or sudo to install: ${missing[*]}" >&2
    exit 1
  fi
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -q --no-install-recommends "${missing[@]}"
