"""`stressplan compare` (docs/compare.md) on real runs: a plan against a private nginx through
a fault proxy, run three times — twice as it is, once with the proxy delaying every response by
50 ms. The two plain runs compare as passed (exit 0); the delayed one regresses (exit 1) and the
verdict names latency.p95; reports of another plan are refused (exit 2). The plan's own
`compare:` rules are the ones judged, and compare.json and compare-junit.xml say the same."""
import json
import os
import xml.etree.ElementTree as ET

import harness
import junit_schemas

RULES = ["latency.p95 +10ms", "error_rate +0.5pp", "throughput_rps -90%"]


class Compare(harness.TempDirTest):
    def plan(self, nginx, proxy_port, name="compare"):
        doc = {
            "name": name,
            "target": {"plugin": "http", "base_url": "http://127.0.0.1:%d" % proxy_port},
            "scenarios": [{"name": "s", "requests": [{"name": "hello", "path": "/hello"}]}],
            "profile": "p",
            "profiles": {"p": {"stages": [{"duration": "2s", "users": 2}]}},
            "proxies": [{"name": "front", "listen": "127.0.0.1:%d" % proxy_port,
                         "upstream": "127.0.0.1:%d" % nginx.port, "protocol": "http"}],
            # In --mode full the whole run goes through a 50 ms delay; --mode load has no faults.
            "chaos": {"steps": [{"name": "slow front", "at": "0s", "duration": "2s", "fault": "proxy",
                                 "proxy": "front", "toxic": "latency", "latency": "50ms"}]},
            "compare": RULES,
            "reporters": [{"plugin": "json", "path": "report.json"}],
        }
        return self.write(name + ".yaml", json.dumps(doc, indent=1))

    def run_plan(self, plan, out, mode):
        r = harness.run(["run", plan, "--mode", mode, "--report", os.path.join(self.tmp, out), "--quiet"])
        self.assertIn(r.returncode, (0, 1), r.stdout + r.stderr)  # 1: the chaos step's experiment
        return os.path.join(self.tmp, out)

    def compare(self, *args):
        return harness.run(["compare"] + list(args))

    def test_same_build_passes_a_delay_regresses_another_plan_is_refused(self):
        with harness.Nginx(self.tmp) as nginx:
            plan = self.plan(nginx, harness.free_port())
            baseline = self.run_plan(plan, "baseline", "load")
            again = self.run_plan(plan, "again", "load")
            slow = self.run_plan(plan, "slow", "full")
            other = self.run_plan(self.plan(nginx, harness.free_port(), name="other"), "other", "load")

        same = self.compare(baseline, again, "--report", os.path.join(self.tmp, "cmp-same"))
        self.assertEqual(same.returncode, 0, same.stdout + same.stderr)
        self.assertIn("PASSED", same.stdout)
        self.assertIn("rules (the plan's compare:", same.stdout)

        out = os.path.join(self.tmp, "cmp-slow")
        regressed = self.compare(baseline, slow, "--report", out)
        self.assertEqual(regressed.returncode, 1, regressed.stdout + regressed.stderr)
        # 2 users against a 50 ms delay: latency rises and, in a closed model, throughput falls.
        fail_lines = [l for l in regressed.stdout.splitlines() if l.strip().startswith("FAIL")]
        self.assertEqual(len(fail_lines), 2, regressed.stdout)
        self.assertIn("latency.p95 +10ms", fail_lines[0])
        self.assertIn("throughput_rps -90%", fail_lines[1])

        doc = harness.read_json(os.path.join(out, "compare.json"))
        self.assertEqual(doc["type"], "comparison")
        self.assertEqual(doc["verdict"], "regressed")
        self.assertEqual(doc["rules_from"], "the plan's compare:")
        verdicts = {r["rule"]: r["verdict"] for r in doc["rules"]}
        self.assertEqual(verdicts, {"latency.p95 +10ms": "regressed", "error_rate +0.5pp": "passed",
                                    "throughput_rps -90%": "regressed"})
        p95 = next(r for r in doc["rules"] if r["rule"].startswith("latency.p95"))
        self.assertGreaterEqual(p95["current"]["value"], 0.050)  # seconds: the 50 ms delay
        self.assertTrue(p95["significant"])
        self.assertTrue(any(row["scope"] == "request s/hello" for row in doc["table"]))

        junit = os.path.join(out, "compare-junit.xml")
        suite = ET.parse(junit).getroot().find("testsuite")
        self.assertEqual((suite.get("tests"), suite.get("failures")), ("3", "2"))
        failed = [c.get("name") for c in suite.findall("testcase") if c.find("failure") is not None]
        self.assertEqual(failed, ["latency.p95 +10ms", "throughput_rps -90%"])
        if os.path.isfile(junit_schemas.CONFORMANCE_XSD):
            ok, message = junit_schemas.check(junit, junit_schemas.CONFORMANCE_XSD)
            self.assertTrue(ok, message)

        # --rule replaces the plan's rules.
        lenient = self.compare(baseline, slow, "--rule", "latency.p95 +1s", "--rule", "error_rate +1pp")
        self.assertEqual(lenient.returncode, 0, lenient.stdout + lenient.stderr)

        refused = self.compare(baseline, other)
        self.assertEqual(refused.returncode, 2, refused.stdout + refused.stderr)
        self.assertIn('different plans: the baseline\'s name is "compare", the current run\'s "other"',
                      refused.stderr)

    def test_bad_rules_and_inputs_are_refused_with_the_reason(self):
        bad = self.write("bad.yaml", json.dumps({
            "name": "bad", "target": {"plugin": "http", "base_url": "http://127.0.0.1:9"},
            "scenarios": [{"name": "s", "requests": [{"name": "r", "path": "/"}]}],
            "compare": ["latency.p95 +10%", "latency.p95 -10%"]}, indent=1))
        r = harness.run(["validate", bad])
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("compare.1", r.stderr)
        self.assertIn("regresses by rising", r.stderr)
        self.assertIn("bad.yaml:", r.stderr)
        r = self.compare(os.path.join(self.tmp, "nowhere"), bad)
        self.assertEqual(r.returncode, 2)
        self.assertIn("no such file", r.stderr)
        r = self.compare(bad, bad)  # JSON, but a plan
        self.assertEqual(r.returncode, 2)
        self.assertIn("not a stressplan report", r.stderr)
        r = self.compare(self.write("half.json", "{\"type\": "), bad)
        self.assertEqual(r.returncode, 2)
        self.assertIn("half.json: not JSON", r.stderr)
        fake = self.write("fake.json", json.dumps({
            "type": "report", "schema_version": 1, "run": {"plan": {"name": "x", "profile": "p"}},
            "summary": {"requests": 10, "errors": 0}}))
        r = self.compare(fake, fake, "--rule", "latncy.p95 +1%")
        self.assertEqual(r.returncode, 2)
        self.assertIn("did you mean \"latency.p95\"?", r.stderr)
        r = self.compare(fake, fake, "--rule", "error_rate +0.5pp", "--rule", "latency.p95 +1%")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)  # no latency in either: skipped
        self.assertIn("SKIP", r.stdout)


if __name__ == "__main__":
    import unittest
    unittest.main()
