#!/usr/bin/env bash
# The house checks, as CI runs them (README's test command, .ci/run):
#   ruff check, ruff format --check, lint-imports (the arrows of DESIGN.md), no private name
#   used across modules (tools/check_private_imports.py), mypy over the packages, then the
#   whole test suite.
#   bash tools/check.sh               every step; extra arguments go to pytest
#   bash tools/check.sh --no-tests    the static checks only (a few seconds to a minute)
# Every step runs even if an earlier one failed, so one run shows every problem; the exit
# status is 1 if any step failed. Each step's wall time is printed in the summary.
set -uo pipefail
cd "$(dirname "$0")/.."

run_tests=1
if [[ "${1:-}" == "--no-tests" ]]; then
    run_tests=0
    shift
fi

failed=()
summary=()
step() {  # step NAME COMMAND...: run one check, time it, remember a failure
    local name=$1 start rc ms status=ok
    shift
    echo "==> $name: $*"
    start=${EPOCHREALTIME/[.,]/}  # microseconds (bash >= 5)
    "$@"
    rc=$?
    ms=$(((${EPOCHREALTIME/[.,]/} - start) / 1000))
    if [[ $rc -ne 0 ]]; then
        status="FAILED (exit $rc)"
        failed+=("$name")
    fi
    summary+=("$(printf '%-13s %5d.%01d s  %s' "$name" $((ms / 1000)) $((ms % 1000 / 100)) "$status")")
}

step ruff-check ruff check .
step ruff-format ruff format --check .
step lint-imports lint-imports
step private-names python tools/check_private_imports.py
step public-surface python tools/check_public_surface.py
step mypy mypy  # the packages and the baseline are in pyproject.toml [tool.mypy]
if [[ $run_tests -eq 1 ]]; then
    step pytest python -m pytest -q "$@"
fi

echo
echo "==> summary"
printf '%s\n' "${summary[@]}"
if [[ ${#failed[@]} -gt 0 ]]; then
    echo "FAILED: ${failed[*]}"
    exit 1
fi
echo "all checks passed"
