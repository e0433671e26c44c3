#!/usr/bin/env python3
"""JUnit XML, the one report format of scripts/test.sh: every stage writes it (Surefire and Failsafe, pytest,
gotestsum, and the checks of the scripts through this module) and scripts/lib/test-totals.py adds up the files of
a run. Reports go to $JUNIT_DIR (scripts/test.sh sets it to .run/test/junit), else to .run/junit.

As a module: Suite(name) collects the checks of one program run; write() puts them in JUNIT_DIR/NAME.xml.
As a command, for scripts/lib/checks.sh:

  junit.py checks SUITE RESULTS   RESULTS holds NUL-separated records: status (passed or failed), check name,
                                  seconds, output
"""
import os
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
# what XML 1.0 cannot carry, terminal colours included
NOT_XML = re.compile(r"\x1b\[[0-9;]*m|[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def report_dir():
    return Path(os.environ.get("JUNIT_DIR") or ROOT / ".run" / "junit")


class Suite:
    def __init__(self, name):
        self.name = name
        self.cases = []

    def passed(self, name, seconds=0.0):
        self.cases.append((name, seconds, None))

    def failed(self, name, output, seconds=0.0):
        self.cases.append((name, seconds, output or "failed"))

    def write(self):
        failures = sum(1 for _, _, output in self.cases if output is not None)
        suite = ET.Element("testsuite", name=self.name, tests=str(len(self.cases)), failures=str(failures),
                           errors="0", skipped="0",
                           time="%.3f" % sum(seconds for _, seconds, _ in self.cases))
        for name, seconds, output in self.cases:
            case = ET.SubElement(suite, "testcase", classname=self.name, name=NOT_XML.sub("", name),
                                 time="%.3f" % seconds)
            if output is not None:
                text = NOT_XML.sub("", output)
                ET.SubElement(case, "failure", message=text.splitlines()[0] if text else "failed").text = text
        directory = report_dir()
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / (re.sub(r"[^\w.-]+", "-", self.name) + ".xml")
        ET.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)
        return path


def from_checks(name, results):
    fields = Path(results).read_bytes().decode("utf-8", errors="replace").split("\0")
    suite = Suite(name)
    for status, check, seconds, output in zip(fields[0::4], fields[1::4], fields[2::4], fields[3::4], strict=False):
        if status == "passed":
            suite.passed(check, float(seconds or 0))
        else:
            suite.failed(check, output, float(seconds or 0))
    return suite.write()


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] != "checks":
        sys.exit(__doc__)
    from_checks(sys.argv[2], sys.argv[3])
