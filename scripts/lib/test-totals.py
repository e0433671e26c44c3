#!/usr/bin/env python3
"""Adds up what scripts/test.sh ran: JUnit test cases from every Surefire/Failsafe report of this run, and
the checks of the script stages (their "N passed, N failed" lines). Skipped tests are counted apart: a
skipped test is not a pass.

  test-totals.py STAGE_LOG_DIR STARTED_AT_EPOCH
"""
import pathlib
import re
import sys
import xml.etree.ElementTree as ET

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
logs, started = pathlib.Path(sys.argv[1]), float(sys.argv[2])

tests = failures = skipped = 0
for report in ROOT.glob("*/target/*-reports/TEST-*.xml"):
    if report.stat().st_mtime < started:
        continue
    suite = ET.parse(report).getroot()
    tests += int(suite.get("tests", 0))
    failures += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
    skipped += int(suite.get("skipped", 0))

checks_passed = checks_failed = 0
for log in sorted(logs.glob("*.log")):
    for passed, failed in re.findall(r"(\d+) passed, (\d+) failed", log.read_text(errors="replace")):
        checks_passed += int(passed)
        checks_failed += int(failed)

print(f"    JUnit tests: {tests - failures - skipped} passed, {failures} failed, {skipped} skipped")
print(f"    script checks: {checks_passed} passed, {checks_failed} failed")
print(f"{tests - failures - skipped + checks_passed} passed, {failures + checks_failed} failed, {skipped} skipped")
