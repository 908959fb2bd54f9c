"""The JUnit reporter's files against the project's own schema (junit-stressplan.xsd) and a real
consumer's contract, Jenkins' junit-10.xsd when ../shared/conformance has it (junit_schemas.py),
checked with xmllint (libxml2-utils), for the fixture stream and for variations that exercise every
branch (no summary, interrupted, untrustworthy, each experiment outcome, hostile strings). Also
parsed with Python's XML parser to check the counts agree with the testcases."""
import os
import tempfile
import unittest
import xml.etree.ElementTree as ET

import consumers
import junit_schemas

PLUGIN = os.environ.get("STRESSPLAN_JUNIT_PLUGIN", "")


def summary(documents):
    return documents[-1]


class JunitSchemaTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        junit_schemas.xmllint()
        if not os.path.isfile(junit_schemas.PROJECT_XSD):
            raise AssertionError("the JUnit schema is missing: " + junit_schemas.PROJECT_XSD)

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.tmp.cleanup()

    def check(self, documents, name="junit.xml", **options):
        """Renders, validates against the XSD, checks the counts; returns the parsed root."""
        path = consumers.render(PLUGIN, documents, os.path.join(self.tmp.name, name), **options)
        junit_schemas.validate(self, path)
        root = ET.parse(path).getroot()
        self.assertEqual(root.tag, "testsuites")
        suites = root.findall("testsuite")
        self.assertEqual(len(suites), 1)
        suite = suites[0]
        cases = suite.findall("testcase")
        self.assertEqual(int(suite.get("tests")), len(cases))
        self.assertEqual(int(suite.get("failures")), sum(1 for c in cases if c.find("failure") is not None))
        self.assertEqual(int(suite.get("errors")), sum(1 for c in cases if c.find("error") is not None))
        self.assertEqual(int(suite.get("skipped")), sum(1 for c in cases if c.find("skipped") is not None))
        for key in ("tests", "failures", "errors", "time"):
            self.assertEqual(root.get(key), suite.get(key))
        return suite

    def test_fixture_stream(self):
        suite = self.check(consumers.fixture())
        kept = consumers.output_path("junit.xml")
        if kept:
            consumers.render(PLUGIN, consumers.fixture(), kept)
        self.assertEqual(suite.get("name"), 'checkout "quotes" & ampersands')
        self.assertEqual(suite.get("timestamp"), "2026-03-01T12:00:00Z")
        self.assertTrue(suite.get("hostname"))
        names = [c.get("name") for c in suite.findall("testcase")]
        self.assertEqual(names, ["run", "latency.p95 < 500ms",
                                 "error_rate < 0.1% [message/<script>alert(1)</script>]", "recovery_time < 10s",
                                 "kill one replica"])
        skipped = suite.findall("testcase")[3].find("skipped")
        self.assertIn("--mode load runs no chaos steps", skipped.get("message"))
        failure = suite.findall("testcase")[2].find("failure")
        self.assertIn("0.25%", failure.get("message"))
        self.assertIn("< 0.1%", failure.get("message"))
        self.assertIn("observed: 0.25%\nexpected: < 0.1%", failure.text)
        props = {p.get("name"): p.get("value") for p in suite.find("properties")}
        self.assertEqual(props["profile"], "smoke")
        self.assertEqual(props["environment"], "staging")
        self.assertEqual(props["stressplan.version"], "0.1.0")
        out = suite.find("system-out").text
        self.assertIn("requests 2625 (519.8/s), errors 9 (0.34%)", out)
        self.assertIn("latency ms p50 13.1 p95 40.2 p99 120.4 max 420.7", out)

    def test_variants(self):
        def no_lists(d):
            summary(d).pop("thresholds")
            summary(d).pop("experiments")

        def bad_run(d):
            summary(d).update(status="interrupted", status_reason="SIGTERM", trustworthy=False,
                              untrustworthy_reasons=["stage 1: load threads 97% busy"])

        def aborted(d):
            summary(d).update(status="aborted", status_reason="load thread 0 broke")

        def unevaluated(d):
            summary(d)["thresholds"][0].pop("passed")

        def hostile(d):
            nasty = "]]> <![CDATA[ <x y='1'> & \"q\" \x01\x0b\ufffe\uffff \r\n\t 😀"
            d[0]["plan"]["name"] = nasty
            summary(d)["plan"]["name"] = nasty
            summary(d)["status_reason"] = nasty
            for t in summary(d)["thresholds"]:
                t.update(name=nasty, scope=nasty, expected=nasty, observed_text=nasty, location=nasty, passed=False)
            summary(d)["experiments"][0].update(name=nasty, message=nasty, outcome="failed")
            summary(d)["untrustworthy_reasons"] = [nasty]
            summary(d)["trustworthy"] = False

        def no_summary(d):
            d.pop()

        def only_summary(d):
            del d[:-1]

        for name, change in [("no_lists", no_lists), ("bad_run", bad_run), ("aborted", aborted),
                             ("unevaluated", unevaluated), ("hostile", hostile), ("no_summary", no_summary),
                             ("only_summary", only_summary)]:
            with self.subTest(name):
                self.check(consumers.variant(change), name + ".xml")
        with self.subTest("suite_name"):
            suite = self.check(consumers.fixture(), "named.xml", suite_name="nightly <load>")
            self.assertEqual(suite.get("name"), "nightly <load>")

    def test_experiment_outcomes(self):
        for outcome, deviated in [("completed", False), ("completed", True), ("failed", False), ("aborted", True),
                                  ("interrupted", False), ("unknown", False)]:
            with self.subTest(outcome=outcome, deviated=deviated):
                def change(d):
                    summary(d)["experiments"][0].update(outcome=outcome, deviated=deviated)
                self.check(consumers.variant(change), "experiment.xml")

    def test_the_check_catches_invalid_files(self):
        """The schema check is not vacuous: a file missing a required attribute fails each schema."""
        path = os.path.join(self.tmp.name, "bad.xml")
        with open(path, "w", encoding="utf-8") as f:
            f.write('<testsuites><testsuite name="x" tests="1" failures="0" time="1.5s"/></testsuites>\n')
        for xsd in junit_schemas.schemas():
            with self.subTest(xsd=os.path.basename(xsd)):
                self.assertFalse(junit_schemas.check(path, xsd)[0])

    def test_the_project_schema_is_what_the_reporter_writes(self):
        """Stricter than junit-10.xsd where the reporter is: a second suite, a testcase without a
        classname, two outcomes in one testcase or a time in another format are refused."""
        good = consumers.render(PLUGIN, consumers.fixture(), os.path.join(self.tmp.name, "good.xml"))
        with open(good, encoding="utf-8") as f:
            text = f.read()
        broken = {
            "two_suites": text.replace("</testsuites>", "<testsuite name='y' tests='1' failures='0' errors='0' "
                                       "skipped='0'><properties/><testcase name='run' classname='y'/>"
                                       "<system-out/></testsuite></testsuites>"),
            "no_classname": text.replace('<testcase name="run" classname=', '<testcase name="run" data-x='),
            "time_format": text.replace('time="5.050"', 'time="5.05"', 1),
            "two_outcomes": text.replace("</failure>", "</failure><error type='x' message='y'/>"),
        }
        for name, content in broken.items():
            with self.subTest(name):
                self.assertNotEqual(content, text)
                path = os.path.join(self.tmp.name, name + ".xml")
                with open(path, "w", encoding="utf-8") as f:
                    f.write(content)
                self.assertFalse(junit_schemas.check(path, junit_schemas.PROJECT_XSD)[0])

    def test_the_conformance_schema_is_used_when_it_is_there(self):
        conformance = os.path.isfile(junit_schemas.CONFORMANCE_XSD)
        self.assertEqual(junit_schemas.CONFORMANCE_XSD in junit_schemas.schemas(), conformance)
        self.assertEqual(junit_schemas.schemas()[0], junit_schemas.PROJECT_XSD)
        if not conformance:
            print("note: %s is not there; validated against the project's schema only"
                  % junit_schemas.CONFORMANCE_XSD)


if __name__ == "__main__":
    unittest.main()
