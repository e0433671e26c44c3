# Commands of docs/10-circuit-breaking.md (10.6, 10.7), run against the local mesh by scripts/docs-snippets.py.
# snip_resilience_report prints the table of the last scripts/resilience.sh run: scripts/test.sh runs that
# suite just before the guide's commands.
# shellcheck shell=bash

snip_request_header_timeout() {
exec 3<>/dev/tcp/127.0.0.1/8000
printf 'GET / HTTP/1.1\r\nHost: demo\r\n' >&3
start=$SECONDS
head -1 <&3 | tr -d '\r'
echo "after $((SECONDS - start)) s"
exec 3<&-
}

snip_resilience_report() {
scripts/resilience.sh --report
}
