#!/usr/bin/env bash
# Render every Graphviz source docs/img/*.dot into .svg and .png next to it.
#
# Idempotent: re-running produces the same files; a target is rewritten only
# when its .dot source is newer (or when --force is given).
#
# Requirements: Graphviz `dot` (Debian/Ubuntu: apt-get install -y graphviz) and a
# CJK font for the Chinese labels (Debian/Ubuntu: apt-get install -y fonts-noto-cjk).
#
# Usage: scripts/render-diagrams.sh [--force] [--check]
#   --force  re-render even if the outputs are newer than the source
#   --check  render nothing; exit 1 if any .svg/.png is missing or older than its .dot
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
img_dir="${repo_root}/docs/img"
force=0
check=0
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    --check) check=1 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done

shopt -s nullglob
sources=("${img_dir}"/*.dot)
if [ "${#sources[@]}" -eq 0 ]; then
  echo "no .dot sources under ${img_dir}"
  exit 0
fi

stale() { # $1=source $2=target
  [ ! -f "$2" ] || [ "$1" -nt "$2" ]
}

if [ "$check" -eq 1 ]; then
  bad=0
  for src in "${sources[@]}"; do
    for ext in svg png; do
      out="${src%.dot}.${ext}"
      if stale "$src" "$out"; then
        echo "out of date: ${out#"${repo_root}"/}" >&2
        bad=1
      fi
    done
  done
  exit "$bad"
fi

if ! command -v dot >/dev/null 2>&1; then
  echo "Graphviz 'dot' not found. Install it, e.g.: apt-get install -y graphviz fonts-noto-cjk" >&2
  exit 1
fi
if command -v fc-list >/dev/null 2>&1 && ! fc-list :lang=zh family | grep -i 'noto sans cjk' >/dev/null; then
  echo "warning: no 'Noto Sans CJK' font found; Chinese labels may render as boxes (apt-get install -y fonts-noto-cjk)" >&2
fi

for src in "${sources[@]}"; do
  for ext in svg png; do
    out="${src%.dot}.${ext}"
    if [ "$force" -eq 1 ] || stale "$src" "$out"; then
      case "$ext" in
        svg) dot -Tsvg "$src" -o "$out" ;;
        png) dot -Tpng -Gdpi=110 "$src" -o "$out" ;;
      esac
      echo "rendered ${out#"${repo_root}"/}"
    else
      echo "up to date ${out#"${repo_root}"/}"
    fi
  done
done
