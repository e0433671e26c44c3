# Commands of docs/05-infrastructure.md, run against the local mesh by scripts/docs-snippets.py.
# shellcheck shell=bash

snip_mesh_status() {
scripts/mesh.sh status
}
