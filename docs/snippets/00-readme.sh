# Commands of the repository's README.md, run against the local mesh by scripts/docs-snippets.py.
# shellcheck shell=bash disable=SC2034 # the guide's loops count with an unused variable

_setup() {
scripts/mesh.sh reset
}

snip_curl() {
curl -s http://127.0.0.1:8000/
}
