# Commands of docs/04-example-project.md, run against the local mesh by scripts/docs-snippets.py.
# shellcheck shell=bash

snip_curl_ingress() {
curl -s -i http://127.0.0.1:8000/
}
