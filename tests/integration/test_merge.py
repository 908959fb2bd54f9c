"""`stressplan merge`: one small plan run against nginx as 4 segments at once (`run --segment
I/4 --start-at T`, 4 processes), their reports merged into one run's reports. The merged count
must equal nginx's access log, the merged percentiles those computed here from the segments'
summed histogram buckets, the planned users the plan's, and the plan's HTML and JUnit files must
be written (the JUnit valid)."""
import json
import math
import os
import subprocess
import time
import unittest

import harness

PLAN = """
name: merge-small
target:
  plugin: http
  base_url: "{url}"
scenarios:
  - name: hello
    requests:
      - {{name: hello, method: GET, path: /hello}}
profiles:
  small:
    stages:
      - {{duration: 2s, users: 6}}
profile: small
workers: 1
thresholds:
  - "latency.p95 < 10s"
  - "error_rate < 1% for 1s"
reporters:
  - {{plugin: json, path: report.json}}
  - {{plugin: html, path: report.html}}
  - {{plugin: junit, path: junit.xml}}
"""

SEGMENTS = 4  # 6 users: 2 + 2 + 1 + 1


def bucket_low(b):
    if b < 128:
        return b
    return ((b - 128) % 64 + 64) << ((b - 128) // 64 + 1)


def bucket_high(b):
    if b < 128:
        return b
    return bucket_low(b) + (1 << ((b - 128) // 64 + 1)) - 1


def percentile_ms(buckets, count, lo, hi, p):
    """Histogram::Percentile on summed buckets, then Ms(): the report's rounding."""
    rank = max(1, math.ceil(p / 100.0 * count))
    seen = 0
    for b in sorted(buckets):
        seen += buckets[b]
        if seen >= rank:
            mid = bucket_low(b) + (bucket_high(b) - bucket_low(b)) // 2
            return math.floor(min(max(mid, lo), hi) / 1e3 + 0.5) / 1e3
    return math.floor(hi / 1e3 + 0.5) / 1e3


class MergeTest(harness.TempDirTest):
    def run_segments(self, url):
        plan = self.write("plan.yaml", PLAN.format(url=url))
        start_at = "%.3f" % (time.time() + 2)  # epoch seconds: all four begin together
        runs = []
        for i in range(SEGMENTS):
            folder = os.path.join(self.tmp, "seg%d" % i)
            args = [harness.STRESSPLAN, "run", plan, "--segment", "%d/%d" % (i, SEGMENTS),
                    "--start-at", start_at, "--report", folder, "--quiet"]
            runs.append((folder, subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                                  text=True)))
        for folder, proc in runs:
            _, err = proc.communicate(timeout=120)
            self.assertEqual(proc.returncode, 0, err)
        return [folder for folder, _ in runs]

    def test_merged_counts_and_percentiles_are_exact(self):
        with harness.Nginx(self.tmp) as nginx:
            folders = self.run_segments(nginx.url)
            served = nginx.served("/hello")
        out = os.path.join(self.tmp, "merged")
        r = harness.run(["merge", "--report", out] + folders)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        merged = harness.read_json(os.path.join(out, "report.json"))
        harness.validate_report(self, os.path.join(out, "report.json"))
        s = merged["summary"]
        self.assertEqual(s["requests"], served)
        self.assertGreater(served, 0)

        buckets, count, lo, hi = {}, 0, None, 0
        for folder in folders:
            h = harness.read_json(os.path.join(folder, "report.json"))["summary"]["recorder"]["latency"]
            for b, n in h["buckets"]:
                buckets[b] = buckets.get(b, 0) + n
            count += h["count"]
            lo = h["min"] if lo is None else min(lo, h["min"])
            hi = max(hi, h["max"])
        self.assertEqual(count, s["recorder"]["latency"]["count"])
        for p in (50, 95, 99):
            self.assertAlmostEqual(s["latency_ms"]["p%d" % p], percentile_ms(buckets, count, lo, hi, p),
                                   places=9, msg="p%d" % p)

        self.assertEqual([t["passed"] for t in s["thresholds"]], [True, True])
        self.assertEqual(s["stages"][0]["planned"]["users"], 6)
        self.assertEqual(sum(snap["requests"] for snap in merged["timeseries"]), served)
        self.assertEqual([seg["index"] for seg in s["segments"]], list(range(SEGMENTS)))
        self.assertTrue(os.path.getsize(os.path.join(out, "report.html")) > 0)
        harness.validate_junit(self, os.path.join(out, "junit.xml"))

    def test_reports_of_different_plans_are_refused(self):
        with harness.Nginx(self.tmp) as nginx:
            folders = self.run_segments(nginx.url)
        other = harness.read_json(os.path.join(folders[1], "report.json"))
        other["run"]["plan_id"] = "fnv1a64:0000000000000000"
        with open(os.path.join(folders[1], "report.json"), "w") as f:
            json.dump(other, f)
        r = harness.run(["merge", "--report", os.path.join(self.tmp, "merged")] + folders)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("reports of different plans", r.stderr)
        self.assertIn("seg1/report.json", r.stderr)


if __name__ == "__main__":
    unittest.main()
