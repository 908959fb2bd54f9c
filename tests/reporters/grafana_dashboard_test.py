"""docs/grafana/stressplan.json: it parses as a Grafana dashboard, every series it queries is one
the Prometheus reporter exports (the table of docs/observability.md), and every query is valid
PromQL (promtool checks it as a rule, with Grafana's variables filled in)."""
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
DASHBOARD = os.path.join(ROOT, "docs", "grafana", "stressplan.json")
DOC = os.path.join(ROOT, "docs", "observability.md")


def queries(dashboard):
    out = [a["expr"] for a in dashboard["annotations"]["list"]]
    for panel in dashboard["panels"]:
        out += [t["expr"] for t in panel.get("targets", [])]
    return out


class GrafanaDashboard(unittest.TestCase):
    def setUp(self):
        with open(DASHBOARD) as f:
            self.dashboard = json.load(f)

    def test_it_is_a_dashboard_with_panels_and_chaos_annotations(self):
        self.assertEqual(self.dashboard["uid"], "stressplan-run")
        titles = [p["title"] for p in self.dashboard["panels"]]
        for wanted in ("Throughput: planned vs achieved", "Latency percentiles", "Errors by kind", "Users"):
            self.assertIn(wanted, titles)
        ids = [p["id"] for p in self.dashboard["panels"]]
        self.assertEqual(len(ids), len(set(ids)))
        self.assertIn("stressplan_chaos_step_active", self.dashboard["annotations"]["list"][0]["expr"])

    def test_every_series_queried_is_documented(self):
        with open(DOC) as f:
            documented = set(re.findall(r"^\| `(stressplan_\w+)`", f.read(), re.M))
        self.assertIn("stressplan_requests_total", documented)
        for expr in queries(self.dashboard):
            for name in re.findall(r"stressplan_\w+", expr):
                self.assertIn(re.sub(r"_(bucket|sum|count)$", "", name), documented, expr)

    @unittest.skipUnless(shutil.which("promtool"), "promtool is not installed (scripts/install-deps.sh)")
    def test_every_query_is_valid_promql(self):
        rules = []
        for i, expr in enumerate(queries(self.dashboard)):
            filled = expr.replace("$__rate_interval", "1m").replace("$__range", "1h")
            filled = filled.replace("$plan", ".*").replace("$run_id", ".*")
            rules.append({"record": "dashboard:query%d" % i, "expr": filled})
        with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
            json.dump({"groups": [{"name": "dashboard", "rules": rules}]}, f)  # JSON is YAML
        try:
            r = subprocess.run(["promtool", "check", "rules", f.name], capture_output=True, text=True, timeout=60)
        finally:
            os.unlink(f.name)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main()
