#!/usr/bin/env bash
# One-step set-up on a fresh machine.
#   bash tools/setup.sh         install riskcast (runtime dependencies only)
#   bash tools/setup.sh --dev   also the dev extras and the system packages the tests use
#                               (Debian's chromium + chromium-driver for the browser test)
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-}" == "--dev" ]]; then
    if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
        if [[ $(id -u) -eq 0 ]]; then SUDO=""; else SUDO="sudo"; fi
        $SUDO apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
    fi
    python -m pip install -q -e ".[dev]"
else
    python -m pip install -q -e .
fi
