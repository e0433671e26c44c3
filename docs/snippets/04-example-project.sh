# Commands of docs/04-example-project.md, run against the local mesh by scripts/docs-snippets.py.
# shellcheck shell=bash disable=SC2034 # the guide's loops count with an unused variable

snip_curl_ingress() {
curl -s -i http://127.0.0.1:8000/
}
