#!/usr/bin/env python3
"""Adds up the JUnit XML reports of one scripts/test.sh run: the Surefire and Failsafe reports the Maven builds
of the run wrote (target/*-reports/TEST-*.xml, modified since the run started) and every report in the run's
JUnit folder (pytest, gotestsum, the checks of every script, scripts/lib/junit.py). A skipped test is counted
apart: it is not a pass. Every failed test is named, with the start of its message and its report, so
that the end of a CI log says what failed.

  test-totals.py JUNIT_DIR STARTED_AT_EPOCH
"""
import pathlib
import sys
import xml.etree.ElementTree as ET

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent


def suites(root):
    return [root] if root.tag == "testsuite" else root.iter("testsuite")


def count(roots):
    """(passed, failed, skipped) over every test suite in the parsed reports."""
    tests = failed = skipped = 0
    for root in roots:
        for suite in suites(root):
            tests += int(suite.get("tests", 0))
            failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
            skipped += int(suite.get("skipped", 0))
    return tests - failed - skipped, failed, skipped


def failures(root):
    """(test, the start of its message on one line) of every failed or erroneous test case in a parsed report."""
    for case in root.iter("testcase"):
        for problem in (case.find("failure"), case.find("error")):
            if problem is not None:
                text = (problem.get("message") or problem.text or "").strip()
                # AssertJ puts the description on the first line and the values on the next ones
                line = " / ".join(part.strip() for part in text.splitlines()[:5] if part.strip()) or "(no message)"
                name = ".".join(part for part in (case.get("classname"), case.get("name")) if part)
                yield name, line[:600]
                break


def kind(report):
    """Which runner wrote a report in the JUnit folder, by the name it was given."""
    for prefix, name in (("pytest-", "pytest"), ("go-", "go test (gotestsum)")):
        if report.name.startswith(prefix):
            return name
    return "script checks"


def main(junit_dir, started):
    groups = {"JUnit (Surefire, Failsafe)": [
        report for report in ROOT.glob("**/target/*-reports/TEST-*.xml")
        if ".tools" not in report.parts and report.stat().st_mtime >= started]}
    for report in sorted(junit_dir.glob("*.xml")):
        groups.setdefault(kind(report), []).append(report)
    roots = {report: ET.parse(report).getroot() for reports in groups.values() for report in reports}
    totals = [0, 0, 0]
    for name, reports in groups.items():
        passed, failed, skipped = count(roots[report] for report in reports)
        totals = [totals[0] + passed, totals[1] + failed, totals[2] + skipped]
        print(f"    {name}: {passed} passed, {failed} failed, {skipped} skipped ({len(reports)} reports)")
    for report in sorted(roots):
        for test, message in failures(roots[report]):
            print(f"    FAILED {test}: {message}")
            print(f"           report: {report.relative_to(ROOT) if report.is_relative_to(ROOT) else report}")
    print(f"{totals[0]} passed, {totals[1]} failed, {totals[2]} skipped")


if __name__ == "__main__":
    main(pathlib.Path(sys.argv[1]), float(sys.argv[2]))
