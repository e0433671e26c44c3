# Commands of docs/05-infrastructure.md, run against the local mesh by scripts/docs-snippets.py.
# shellcheck shell=bash disable=SC2034 # the guide's loops count with an unused variable

snip_mesh_status() {
scripts/mesh.sh status
}
