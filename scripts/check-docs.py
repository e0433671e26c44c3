#!/usr/bin/env python3
"""Check the guide's Markdown for rot. Python 3 standard library only.

Checks (each failure is printed as ``file:line: [check] message``):

  links         every relative Markdown link or image in the repository's Markdown files points to a file or
                folder of the repository; a ``#anchor`` must match a heading (GitHub slug rules) of the target
  paths         every repository path written in code (inline `code` or a fenced block) in the guide, such as
                ``istio/x.yaml``, ``scripts/x.sh`` or ``k8s/...``, exists

The repository is what ``git ls-files`` lists (tracked files, and new files not ignored): a link to a file that
is only on the writer's disk fails, and a path under a git-ignored folder (build output such as
``captcha-trainer/target/``, run state under ``.run/``) is not a repository path and is not checked.
  placeholders  no line of the seed's "$<Chinese text>" placeholders is left
  secrets       the seed's internal IP address and admin password appear nowhere in the repository
  pins          no command in code installs or runs "latest" (``go install m@latest``, ``image:latest``), and
                every ``go install module@version`` names a version pinned in tools/versions.env

Allowlist for things that do not exist yet: a line containing one of PENDING_MARKERS (规划中,
待补充, pending, planned) is exempt from the ``paths`` check, so write e.g.
``istio/foo.yaml（规划中）`` or ``kubectl apply -f istio/foo.yaml   # 规划中``. With ``--stale`` the
checker also lists pending lines whose paths exist by now, so the marker can be removed.

Exit status: 0 when everything passes, 1 otherwise. The last line is ``check-docs: N passed, M failed``; every
check of every file is a test case of the JUnit XML report check-docs.xml (scripts/lib/junit.py).

Usage: scripts/check-docs.py [--root DIR] [--stale] [--verbose]
"""

from __future__ import annotations

import argparse
import fnmatch
import os
import re
import subprocess
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "lib"))
import junit  # noqa: E402  (scripts/lib/junit.py)

PENDING_MARKERS = ("规划中", "待补充", "pending", "planned")

# Directories never scanned (VCS data, build output, caches, run state: a running local cluster keeps FIFOs
# under .run/cluster/ that block a reader forever).
SKIP_DIRS = {".git", "target", "node_modules", ".tools", ".run", ".cache", ".idea", ".vscode", "__pycache__"}

# The seed's internal address and password, assembled so that this file does not contain them verbatim.
FORBIDDEN = {
    "internal IP address from the seed": ".".join(["172", "29", "40", "28"]),
    "admin password from the seed": "admin" * 3,
}

LINK_RE = re.compile(r"(!?)\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
INLINE_CODE_RE = re.compile(r"(`+)(.+?)\1")
FENCE_RE = re.compile(r"^\s*(```+|~~~+)")
HEADING_RE = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
HTML_ANCHOR_RE = re.compile(r"<a\s+(?:id|name)=\"([^\"]+)\"", re.IGNORECASE)
UNPINNED_RE = re.compile(r"@latest\b|(?<![\w/.-])[\w.-]+(?:/[\w.-]+)*:latest\b")
GO_INSTALL_RE = re.compile(r"\bgo install\s+(\S+?)@(\S+)")
PLACEHOLDER_RE = re.compile(r"^\s*\$\s*[\u3400-\u9fff\uf900-\ufaff]")


class Repository:
    """The repository's files as git lists them: tracked, and new files not ignored, that are on disk."""

    def __init__(self, root: Path):
        listed = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                                check=True, capture_output=True).stdout.decode().split("\0")
        self.root = root
        self.files = {f for f in listed if f and (root / f).is_file()}
        self.dirs = {str(Path(f).parent) for f in self.files} | {
            str(parent) for f in self.files for parent in Path(f).parents}
        self.dirs.discard(".")
        top_level = sorted({f.split("/", 1)[0] for f in self.files if "/" in f}, key=len, reverse=True)
        # a path written in code starts with one of the repository's top-level folders
        self.path_token = re.compile(
            r"(?<![\w./@:$-])((?:\./)?(?:" + "|".join(re.escape(d) for d in top_level) + r")/[\w.*/-]*)")

    def has(self, path: str) -> bool:
        """A file or folder of the repository (path relative to its root); `*?[` in it match file names."""
        path = path[2:] if path.startswith("./") else path
        if any(ch in path for ch in "*?["):
            return any(fnmatch.fnmatch(f, path.rstrip("/")) for f in self.files)
        if path.endswith("/"):
            return path.rstrip("/") in self.dirs
        return path in self.files or path in self.dirs

    def ignored(self, path: str) -> bool:
        """Under a git-ignored path: generated, never part of the repository."""
        return subprocess.run(["git", "-C", str(self.root), "check-ignore", "-q", "--no-index", path],
                              capture_output=True).returncode == 0


@dataclass
class Report:
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    passed: int = 0
    failed: int = 0
    suite: junit.Suite = field(default_factory=lambda: junit.Suite("check-docs"))

    def unit(self, name: str, problems: list[str]) -> None:
        """Count one checked unit (a check applied to one file) and record its problems."""
        if problems:
            self.failed += 1
            self.failures.extend(problems)
            self.suite.failed(name, "\n".join(problems))
        else:
            self.passed += 1
            self.suite.passed(name)


def rel(root: Path, path: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def markdown_files(repo: Repository) -> list[Path]:
    return [repo.root / f for f in sorted(repo.files) if f.endswith(".md")]


def guide_files(repo: Repository) -> list[Path]:
    """The guide: README.md and docs/, whose code the path and placeholder checks read."""
    return [md for md in markdown_files(repo) if rel(repo.root, md) == "README.md" or rel(repo.root, md).startswith("docs/")]


def split_fenced(lines: list[str]) -> list[tuple[int, str, bool]]:
    """(line number, text, inside a fenced code block) for every line; fence lines count as inside."""
    out = []
    fence = None
    for number, line in enumerate(lines, 1):
        match = FENCE_RE.match(line)
        if fence is None and match:
            fence = match.group(1)[0] * 3
            out.append((number, line, True))
            continue
        if fence is not None:
            out.append((number, line, True))
            if line.strip().startswith(fence) and line.strip().strip(fence[0]) == "":
                fence = None
            continue
        out.append((number, line, False))
    return out


def github_slug(text: str) -> str:
    """Anchor of a heading as GitHub renders it (github-slugger rules, formatting stripped)."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links and images -> their text
    text = re.sub(r"<[^>]+>", "", text)  # inline HTML
    text = text.replace("`", "")
    text = re.sub(r"(\*\*|__|\*|~~)", "", text)  # emphasis markers (not single underscores)
    slug = []
    for ch in text.strip().lower():
        if ch == " ":
            slug.append("-")
        elif ch in "-_":
            slug.append(ch)
        elif unicodedata.category(ch)[0] in ("L", "N", "M"):
            slug.append(ch)
    return "".join(slug)


_anchor_cache: dict[Path, set[str]] = {}


def anchors_of(path: Path) -> set[str]:
    if path in _anchor_cache:
        return _anchor_cache[path]
    anchors: set[str] = set()
    seen: dict[str, int] = {}
    lines = path.read_text(encoding="utf-8").splitlines()
    for _, line, fenced in split_fenced(lines):
        if fenced:
            continue
        anchors.update(HTML_ANCHOR_RE.findall(line))
        match = HEADING_RE.match(line)
        if not match:
            continue
        base = github_slug(match.group(2))
        count = seen.get(base, 0)
        anchors.add(base if count == 0 else f"{base}-{count}")
        seen[base] = count + 1
    _anchor_cache[path] = anchors
    return anchors


def strip_inline_code(line: str) -> str:
    return INLINE_CODE_RE.sub(lambda m: " " * len(m.group(0)), line)


def check_links(repo: Repository, md: Path, lines: list[str]) -> list[str]:
    root = repo.root
    problems = []
    for number, line, fenced in split_fenced(lines):
        if fenced:
            continue
        for match in LINK_RE.finditer(strip_inline_code(line)):
            kind = "image" if match.group(1) else "link"
            target = match.group(2)
            if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target):  # http:, https:, mailto:, ...
                continue
            path_part, _, anchor = target.partition("#")
            where = f"{rel(root, md)}:{number}"
            if path_part == "":
                if anchor and anchor not in anchors_of(md):
                    problems.append(f"{where}: [links] anchor '#{anchor}' not found in this file")
                continue
            resolved = Path(os.path.normpath(md.parent / path_part))
            if not resolved.is_relative_to(root) or not repo.has(str(resolved.relative_to(root)) or "."):
                problems.append(f"{where}: [links] {kind} target '{path_part}' is not in the repository")
                continue
            if anchor:
                if resolved.is_file() and resolved.suffix.lower() == ".md":
                    if anchor not in anchors_of(resolved):
                        problems.append(f"{where}: [links] anchor '#{anchor}' not found in '{path_part}'")
    return problems


def path_exists(repo: Repository, token: str) -> bool:
    return repo.has(token) or repo.ignored(token)


def path_tokens(repo: Repository, line: str, fenced: bool) -> list[str]:
    chunks = [line] if fenced else [m.group(2) for m in INLINE_CODE_RE.finditer(line)]
    tokens = []
    for chunk in chunks:
        for match in repo.path_token.finditer(chunk):
            token = match.group(1).rstrip(".,;:)\"'")
            tokens.append(token)
    return tokens


def is_pending(line: str) -> bool:
    lowered = line.lower()
    return any(marker in lowered for marker in PENDING_MARKERS)


def check_paths(repo: Repository, md: Path, lines: list[str], report: Report, stale: bool) -> list[str]:
    root = repo.root
    problems = []
    for number, line, fenced in split_fenced(lines):
        tokens = path_tokens(repo, line, fenced)
        if not tokens:
            continue
        where = f"{rel(root, md)}:{number}"
        if is_pending(line):
            if stale:
                existing = [t for t in tokens if path_exists(repo, t)]
                if existing and all(path_exists(repo, t) for t in tokens):
                    report.notes.append(f"{where}: [stale] marked pending but exists now: {', '.join(existing)}")
            continue
        for token in tokens:
            if not path_exists(repo, token):
                problems.append(
                    f"{where}: [paths] '{token}' does not exist "
                    f"(create it, fix the path, or mark the line with 规划中 if it is planned)"
                )
    return problems


def pinned_versions(root: Path) -> set[str]:
    versions = root / "tools" / "versions.env"
    if not versions.is_file():
        return set()
    return {
        line.split("=", 1)[1].strip()
        for line in versions.read_text(encoding="utf-8").splitlines()
        if "=" in line and not line.lstrip().startswith("#")
    }


def check_pins(root: Path, md: Path, lines: list[str], pins: set[str]) -> list[str]:
    problems = []
    for number, line, fenced in split_fenced(lines):
        code = [line] if fenced else [m.group(2) for m in INLINE_CODE_RE.finditer(line)]
        where = f"{rel(root, md)}:{number}"
        for text in code:
            for match in UNPINNED_RE.finditer(text):
                problems.append(f"{where}: [pins] '{match.group(0)}' is not a version; pin it in tools/versions.env")
            for module, version in GO_INSTALL_RE.findall(text):
                if version != "latest" and version not in pins:
                    problems.append(f"{where}: [pins] go install {module}@{version}: {version} is not pinned in "
                                    f"tools/versions.env")
    return problems


def check_placeholders(root: Path, md: Path, lines: list[str]) -> list[str]:
    return [
        f"{rel(root, md)}:{number}: [placeholders] seed placeholder left: {line.strip()[:60]}"
        for number, line in enumerate(lines, 1)
        if PLACEHOLDER_RE.match(line)
    ]


def text_files(root: Path, self_path: Path):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS]
        for name in filenames:
            path = Path(dirpath) / name
            if path.resolve() == self_path:
                continue
            try:
                if path.stat().st_size > 5 * 1024 * 1024:
                    continue
                data = path.read_bytes()
            except OSError:
                continue
            if b"\0" in data[:8192]:
                continue
            yield path, data.decode("utf-8", errors="replace")


def check_secrets(root: Path, report: Report) -> None:
    self_path = Path(__file__).resolve()
    scanned = 0
    for path, text in text_files(root, self_path):
        scanned += 1
        problems = []
        for number, line in enumerate(text.splitlines(), 1):
            for what, value in FORBIDDEN.items():
                if value in line:
                    problems.append(f"{rel(root, path)}:{number}: [secrets] contains the {what}")
        report.unit(f"secrets {rel(root, path)}", problems)
    if scanned == 0:
        report.notes.append("[secrets] no text files found to scan")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", default=str(Path(__file__).resolve().parent.parent),
                        help="repository root (default: the parent of scripts/)")
    parser.add_argument("--stale", action="store_true",
                        help="also list lines marked pending whose paths exist by now")
    parser.add_argument("--verbose", action="store_true", help="list the files checked")
    args = parser.parse_args(argv)

    root = Path(args.root).resolve()
    report = Report()
    repo = Repository(root)
    guide = guide_files(repo)
    if not guide:
        print(f"check-docs: no Markdown files under {root}/docs or {root}/README.md", file=sys.stderr)
        print("check-docs: 0 passed, 1 failed")
        return 1

    pins = pinned_versions(root)
    for md in markdown_files(repo):
        if args.verbose:
            print(f"checking {rel(root, md)}")
        lines = md.read_text(encoding="utf-8").splitlines()
        name = rel(root, md)
        report.unit(f"links {name}", check_links(repo, md, lines))
        if md in guide:
            report.unit(f"paths {name}", check_paths(repo, md, lines, report, args.stale))
            report.unit(f"placeholders {name}", check_placeholders(root, md, lines))
            report.unit(f"pins {name}", check_pins(root, md, lines, pins))
    check_secrets(root, report)

    for line in report.failures:
        print(line)
    for line in report.notes:
        print(f"note: {line}")
    report.suite.write()
    print(f"check-docs: {report.passed} passed, {report.failed} failed")
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
