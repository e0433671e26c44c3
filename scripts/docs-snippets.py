#!/usr/bin/env python3
"""Keeps the guide's commands and outputs honest, in the manner of istio.io's per-task snippet scripts.

Every command the guide shows lives in a function of a snippet file, docs/snippets/<name>.sh:

    snip_apply_weighted() {
    scripts/mesh.sh apply istio/virtual-service-business-weighted-20-80.yaml
    }

and the chapter shows it through a marker followed by a fenced block:

    <!-- snippet: 08-load-balancing.sh#snip_apply_weighted -->
    ```bash
    scripts/mesh.sh apply istio/virtual-service-business-weighted-20-80.yaml
    ```

A repository file shown whole (an istio/ sample) is marked <!-- file: istio/NAME.yaml --> and its block must be
the file as it is. Output shown in the guide is marked the same way (<!-- output: FILE#FUNCTION -->, a ```text block) and is
what that function printed in a real run, stored in docs/snippets/out/.

  check              (no mesh needed) every marked block equals its function's body or stored output, and
                     every function and stored output is used; run by scripts/test.sh's docs stage
  run [--update]     (local mesh up) runs every snip_ function of every file in order (_setup/_cleanup
                     around them, not shown), fails if any exits non-zero; --update stores the outputs and
                     rewrites the guide's command and output blocks: the one command that refreshes them
  run FILE...        only these snippet files (e.g. 08-load-balancing.sh)
  run --requires compose
                     the files whose header says "# requires: compose" (a Docker API, the images built;
                     scripts/verify-containers.sh runs them); files without such a line require the local mesh

Numbers of a benchmark run are kept the same way: docs/bench/mesh-cost.json is the stored result of
scripts/bench.sh, a table in the guide is marked <!-- table: NAME --> and is, up to the next blank line, what
scripts/bench/report.py renders as NAME from that result; every plot of report.PLOTS in docs/img/ carries
the SHA-256 of the result it was drawn from.

  tables [--update]  (no mesh needed; part of check) every marked table equals its rendering and every plot
                     was drawn from the stored result; --update rewrites the tables (scripts/bench.sh
                     --update-docs does, after storing a new result and its plots)
"""
import argparse
import os
import pathlib
import re
import signal
import struct
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent / "lib"))
import junit  # noqa: E402  (scripts/lib/junit.py)

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SNIPPETS = DOCS / "snippets"
OUT = SNIPPETS / "out"
MARKER = re.compile(r"^<!-- (snippet|output): ([\w.-]+\.sh)#(\w+) -->$")
FILE_MARKER = re.compile(r"^<!-- file: ([\w./-]+) -->$")
FUNCTION = re.compile(r"^(snip_\w+|_setup|_cleanup)\(\) \{$")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
REQUIRES = re.compile(r"^# requires: (\w+)$", re.M)
TABLE_MARKER = re.compile(r"^<!-- table: ([\w-]+) -->$")
# a snippet file that waits for something that never comes (a reader's until-loop) fails instead of hanging the run
FILE_DEADLINE_S = 900
sys.path.insert(0, str(ROOT / "scripts" / "bench"))
import report  # noqa: E402  (scripts/bench/report.py, standard library only)


def requires(path):
    """What a snippet file runs against: its "# requires: NAME" header line, else the local mesh."""
    match = REQUIRES.search(path.read_text(encoding="utf-8"))
    return match.group(1) if match else "mesh"


def functions(path):
    """name -> body lines, in order of definition."""
    result, name, body = {}, None, []
    for line in path.read_text(encoding="utf-8").splitlines():
        if name is None:
            match = FUNCTION.match(line)
            if match:
                name, body = match.group(1), []
        elif line == "}":
            result[name] = "\n".join(body)
            name = None
        else:
            body.append(line)
    return result


def markers(markdown):
    """(kind, file, function, line number, block start, block end) for each marker in a chapter."""
    lines = markdown.read_text(encoding="utf-8").splitlines()
    found = []
    for number, line in enumerate(lines):
        match = MARKER.match(line.strip())
        file_match = FILE_MARKER.match(line.strip())
        if not match and not file_match:
            continue
        start = number + 1
        if start >= len(lines) or not lines[start].startswith("```"):
            raise SystemExit(f"{markdown.relative_to(ROOT)}:{number + 1}: a marker must be followed by a fenced block")
        end = start + 1
        while end < len(lines) and lines[end] != "```":
            end += 1
        if file_match:
            found.append(("file", file_match.group(1), None, number + 1, start, end))
        else:
            found.append((match.group(1), match.group(2), match.group(3), number + 1, start, end))
    return lines, found


def out_file(file, function):
    return OUT / f"{file[:-3]}.{function}.txt"


def check():
    problems, passed = [], 0
    suite = junit.Suite("docs-snippets-check")
    used = set()
    snippet_files = {p.name: functions(p) for p in sorted(SNIPPETS.glob("*.sh"))}
    for markdown in sorted([ROOT / "README.md", *DOCS.glob("*.md")]):
        lines, found = markers(markdown)
        for kind, file, function, number, start, end in found:
            where = f"{markdown.relative_to(ROOT)}:{number}"
            block = "\n".join(lines[start + 1:end])
            if kind == "file":
                shown = ROOT / file
                if not shown.is_file():
                    problems.append(f"{where}: {file} does not exist")
                    suite.failed(f"{where} {file}", problems[-1])
                elif block != shown.read_text(encoding="utf-8").rstrip("\n"):
                    problems.append(f"{where}: the block differs from {file}")
                    suite.failed(f"{where} {file}", problems[-1])
                else:
                    passed += 1
                    suite.passed(f"{where} {file}")
                continue
            used.add((kind, file, function))
            case = f"{where} {kind} {file}#{function}"
            if file not in snippet_files or function not in snippet_files[file]:
                problems.append(f"{where}: no function {function} in docs/snippets/{file}")
                suite.failed(case, problems[-1])
                continue
            if kind == "snippet":
                expected = snippet_files[file][function]
            else:
                stored = out_file(file, function)
                if not stored.exists():
                    problems.append(f"{where}: no stored output {stored.relative_to(ROOT)}; "
                                    "run: scripts/docs-snippets.py run --update")
                    suite.failed(case, problems[-1])
                    continue
                expected = stored.read_text(encoding="utf-8").rstrip("\n")
            if block != expected:
                problems.append(f"{where}: the {kind} block differs from docs/snippets/{file}#{function}"
                                + (" (refresh: scripts/docs-snippets.py run --update)" if kind == "output" else ""))
                suite.failed(case, problems[-1])
            else:
                passed += 1
                suite.passed(case)
    for file, funcs in snippet_files.items():
        for function in funcs:
            if function.startswith("snip_") and ("snippet", file, function) not in used:
                problems.append(f"docs/snippets/{file}: {function} is shown nowhere in the guide")
                suite.failed(f"docs/snippets/{file}#{function} shown", problems[-1])
    table_problems, table_passed = tables(update=False, suite=suite)
    problems += table_problems
    passed += table_passed
    for problem in problems:
        print(f"FAIL {problem}")
    suite.write()
    print(f"docs-snippets: {passed} passed, {len(problems)} failed")
    return 1 if problems else 0


def run(update, only, needs):
    failed, passed = [], 0
    suite = junit.Suite("docs-snippets-run" + (f"-{needs}" if needs != "mesh" else ""))
    for path in sorted(SNIPPETS.glob("*.sh")):
        if (only and path.name not in only) or (not only and requires(path) != needs):
            continue
        funcs = [f for f in functions(path) if f.startswith("snip_")]
        defined = functions(path)
        driver = [f"source {path}"]
        if "_setup" in defined:
            driver.append("_setup >/dev/null 2>&1 || { echo '::setup-failed'; exit 1; }")
        for function in funcs:
            # the newline: output without a final one (curl's JSON) must not swallow the end marker
            driver.append(f"echo '::begin {function}'; ( set -o pipefail; {function} ) 2>&1; status=$?; echo; "
                          f"echo \"::end {function} $status\"")
        if "_cleanup" in defined:
            driver.append("_cleanup >/dev/null 2>&1")
        print(f"==> {path.relative_to(ROOT)} ({len(funcs)} snippets)", flush=True)
        stdout, timed_out = bash_within_deadline(driver)
        current, captured = None, []
        for line in ANSI.sub("", stdout).splitlines():
            if line.startswith("::begin "):
                current, captured = line.split()[1], []
            elif line.startswith("::end ") and current:
                status = int(line.split()[2])
                text = "\n".join(captured).rstrip("\n")
                if status != 0:
                    failed.append(f"{path.name}#{current} exited {status}:\n{text}")
                    suite.failed(f"{path.name}#{current}", failed[-1])
                    print(f"    FAIL {current} (exit {status})")
                else:
                    passed += 1
                    suite.passed(f"{path.name}#{current}")
                    print(f"    ok   {current}")
                    if update:
                        OUT.mkdir(parents=True, exist_ok=True)
                        out_file(path.name, current).write_text(text + "\n", encoding="utf-8")
                current = None
            elif line == "::setup-failed":
                failed.append(f"{path.name}: _setup failed")
                suite.failed(f"{path.name}: _setup", failed[-1])
            elif current:
                captured.append(line)
        if timed_out or current:
            # a snippet that began and never ended: past the deadline, or its shell was killed
            where = f"{path.name}#{current}" if current else f"{path.name} (setup or cleanup)"
            why = f"did not finish within {FILE_DEADLINE_S} s" if timed_out else "stopped before its end"
            failed.append(f"{where} {why}; output so far:\n" + "\n".join(captured[-20:]))
            suite.failed(where, failed[-1])
            print(f"    FAIL {current or 'setup/cleanup'} ({why})")
            if "_cleanup" in defined:
                bash_within_deadline([f"source {path}", "_cleanup >/dev/null 2>&1"])
    if update:
        refresh_outputs()
    for failure in failed:
        print(f"FAIL {failure}")
    suite.write()
    print(f"docs-snippets: {passed} passed, {len(failed)} failed")
    return 1 if failed else 0


def bash_within_deadline(lines):
    """(stdout, timed out) of a bash script; past the deadline its whole process group is killed."""
    process = subprocess.Popen(["bash", "-c", "\n".join(lines)], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    try:
        return process.communicate(timeout=FILE_DEADLINE_S)[0], False
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        return process.communicate()[0], True


def refresh_outputs():
    """Writes every marked block from its source: commands from the snippet files, outputs from the store."""
    snippet_files = {p.name: functions(p) for p in SNIPPETS.glob("*.sh")}
    for markdown in sorted([ROOT / "README.md", *DOCS.glob("*.md")]):
        lines, found = markers(markdown)
        for kind, file, function, _number, start, end in reversed(found):
            stored = out_file(file, function) if kind == "output" else None
            if kind == "output" and stored.exists():
                lines[start + 1:end] = stored.read_text(encoding="utf-8").rstrip("\n").split("\n")
            elif kind == "snippet" and function in snippet_files.get(file, {}):
                lines[start + 1:end] = snippet_files[file][function].split("\n")
        markdown.write_text("\n".join(lines) + "\n", encoding="utf-8")


def table_markers(lines):
    """(name, marker line index, block start, block end) for each table marker: the block runs to a blank line."""
    found = []
    for number, line in enumerate(lines):
        match = TABLE_MARKER.match(line.strip())
        if not match:
            continue
        end = number + 1
        while end < len(lines) and lines[end].strip():
            end += 1
        found.append((match.group(1), number, number + 1, end))
    return found


def png_text(path):
    """The tEXt chunks of a PNG, keyword -> text."""
    data = path.read_bytes()
    out, offset = {}, 8
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        if kind == b"tEXt":
            key, _, value = data[offset + 8:offset + 8 + length].partition(b"\0")
            out[key.decode("latin-1")] = value.decode("latin-1")
        offset += 12 + length
    return out


def tables(update, suite=None):
    """Every marked table equals report.py's rendering of the stored result; every plot was drawn from it."""
    problems, passed = [], 0

    def outcome(case, problem=None):
        nonlocal passed
        if problem:
            problems.append(problem)
            if suite:
                suite.failed(case, problem)
        else:
            passed += 1
            if suite:
                suite.passed(case)

    result = report.load() if report.STORED.exists() else None
    stored = report.STORED.relative_to(ROOT)
    for markdown in sorted([ROOT / "README.md", *DOCS.glob("*.md")]):
        lines = markdown.read_text(encoding="utf-8").splitlines()
        found = table_markers(lines)
        for name, number, start, end in reversed(found):
            where = f"{markdown.relative_to(ROOT)}:{number + 1}"
            case = f"{where} table {name}"
            if name not in report.TABLES:
                outcome(case, f"{where}: no table {name} in scripts/bench/report.py")
            elif result is None:
                outcome(case, f"{where}: table {name} but no stored result {stored}")
            elif update:
                lines[start:end] = report.render(name, result).split("\n")
                outcome(case)
            elif "\n".join(lines[start:end]) != report.render(name, result):
                outcome(case, f"{where}: table {name} differs from {stored} (refresh: scripts/docs-snippets.py "
                        "tables --update, or a new run: scripts/bench.sh --update-docs)")
            else:
                outcome(case)
        if update and found:
            markdown.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if result is not None:
        digest = report.digest(report.STORED)
        for name in report.PLOTS:
            plot = DOCS / "img" / name
            case = f"docs/img/{name} drawn from {stored}"
            if not plot.exists():
                outcome(case, f"docs/img/{name}: missing (scripts/bench.sh --update-docs draws it)")
            elif png_text(plot).get(report.PLOT_SOURCE_KEY) != digest:
                outcome(case, f"docs/img/{name}: drawn from another result than {stored} "
                        "(scripts/bench.sh --update-docs draws both)")
            else:
                outcome(case)
    return problems, passed


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check")
    tables_parser = sub.add_parser("tables")
    tables_parser.add_argument("--update", action="store_true")
    run_parser = sub.add_parser("run")
    run_parser.add_argument("--update", action="store_true")
    run_parser.add_argument("--requires", default="mesh", metavar="NAME")
    run_parser.add_argument("files", nargs="*")
    args = parser.parse_args()
    if args.command == "tables":
        problems, passed = tables(args.update)
        for problem in problems:
            print(f"FAIL {problem}")
        print(f"docs-snippets tables: {passed} passed, {len(problems)} failed")
        return 1 if problems else 0
    return check() if args.command == "check" else run(args.update, set(args.files), args.requires)


if __name__ == "__main__":
    sys.exit(main())
