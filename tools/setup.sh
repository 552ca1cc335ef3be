#!/usr/bin/env bash
# One-step set-up on a fresh machine.
#   bash tools/setup.sh         install riskcast (runtime dependencies only)
#   bash tools/setup.sh --dev   also the dev extras and the system packages the tests use
#                               (Debian's chromium + chromium-driver for the browser test,
#                               postgresql for the history-database tests' throwaway cluster)
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-}" == "--dev" ]]; then
    need=()
    command -v chromium >/dev/null || need+=(chromium)
    command -v chromedriver >/dev/null || need+=(chromium-driver)
    compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
    if (( ${#need[@]} )); then
        if [[ $(id -u) -eq 0 ]]; then SUDO=""; else SUDO="sudo"; fi
        $SUDO apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
    fi
    python -m pip install -q -e ".[dev]"
else
    python -m pip install -q -e .
fi
