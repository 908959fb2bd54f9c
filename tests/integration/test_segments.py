"""Execution segments (docs/distributed.md): one plan run as N `stressplan run --segment I/N`
processes at once, against one nginx, adds up to exactly what the plan describes - requests
(nginx's access log), connections of a closed stage (nginx's stub_status), starts of an open
stage - and `--start-at` makes the processes begin together. Each report says which segment
it ran and when it started."""
import datetime
import os
import re
import time
import unittest
import urllib.request

import harness


class StatusNginx(harness.Nginx):
    """nginx with /hello and stub_status on /status (its Active connections)."""

    LOCATIONS = ('location /hello { return 200 "hello"; }\n'
                 '    location /segment { return 200 "hello"; }\n'
                 '    location /status { stub_status; access_log off; }')

    def active_connections(self):
        """Connections open now, not counting the one asking."""
        with urllib.request.urlopen(self.url + "/status", timeout=5) as r:
            first = r.read().decode().split("\n")[0]  # "Active connections: N"
        return int(first.split(":")[1]) - 1


PLAN = """\
target:
  plugin: http
  base_url: "${{TARGET_URL}}"
scenarios:
  - name: hello
    think_time: {think}
    requests: [{{name: get, path: /hello}}]
profile: p
profiles:
  p:
    stages:
{stages}
workers: 2
reporters: [{{plugin: json, path: report.json}}]
"""


def rfc3339(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).isoformat()


def parse_time(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


class Segments(harness.TempDirTest):
    def run_segments(self, plan, count, url, start_at=None, extra=(), during=None):
        """Runs `plan` as `count` segment processes at once; returns their reports, by index.
        `url` is the target's base URL, or a function of the segment's index giving it.
        `during(runs)` is called while they run."""
        runs = []
        for i in range(count):
            work = os.path.join(self.tmp, "segment-%d" % i)
            os.makedirs(work)
            args = ["run", plan, "--report", os.path.join(work, "out"), "--quiet",
                    "--segment", "%d/%d" % (i, count)] + list(extra)
            if start_at is not None:
                args += ["--start-at", start_at]
            base = url(i) if callable(url) else url
            runs.append(harness.BackgroundRun(args, work, env={"TARGET_URL": base}))
        reports = []
        try:
            for r in runs:
                r.__enter__()
            if during:
                during(runs)
            for i, r in enumerate(runs):
                code = r.wait(60)
                self.assertIn(code, (0, 4), "segment %d: %s" % (i, r.output()))
        finally:
            for r in runs:
                if r.proc is not None:
                    r.__exit__(None, None, None)
        for i in range(count):
            path = os.path.join(self.tmp, "segment-%d" % i, "out", "report.json")
            harness.validate_report(self, path)
            report = harness.read_json(path)
            self.assertEqual(report["segment"], {"index": i, "count": count})
            self.assertEqual(report["summary"]["segment"], report["segment"])
            reports.append(report)
        return reports

    def test_bench_as_four_segments_serves_what_the_reports_count_starting_together(self):
        # plans/bench.yaml (50 users) shortened to 3 s, as 4 processes told to start 4 s ahead
        # (time for four sanitizer builds to start on a busy machine).
        plan = os.path.join(harness.PLANS, "bench.yaml")
        start_at = time.time() + 4.0
        with StatusNginx(self.tmp) as nginx:
            reports = self.run_segments(plan, 4, nginx.url, start_at=rfc3339(start_at),
                                        extra=["--duration", "3s"])
            served = nginx.served("/hello")
        self.assertEqual(sum(r["summary"]["requests"] for r in reports), served)
        self.assertGreater(served, 0)
        planned = [r["summary"]["stages"][0]["planned"]["users"] for r in reports]
        self.assertEqual(planned, [13, 13, 12, 12])  # 50 users, 4 segments
        actual = [parse_time(r["start"]["actual"]) for r in reports]
        for r in reports:
            self.assertAlmostEqual(parse_time(r["start"]["requested"]), start_at, delta=0.002)
            self.assertGreaterEqual(r["start"]["skew_ms"], 0)
        # Generous: four sanitizer builds on a shared CI machine.
        self.assertLess(max(actual) - min(actual), 1.0, actual)

    def test_a_closed_stage_of_10_users_in_3_segments_holds_10_connections(self):
        plan = self.write("plan.yaml", PLAN.format(
            think="50ms", stages="      - {duration: 4s, users: 10}"))
        seen = []
        start_at = time.time() + 2.0

        def count_connections(runs):
            time.sleep(max(0.0, start_at + 1.5 - time.time()))  # 1.5 s into the 4 s stage
            seen.append(nginx.active_connections())

        with StatusNginx(self.tmp) as nginx:
            reports = self.run_segments(plan, 3, nginx.url, start_at=rfc3339(start_at),
                                        during=count_connections)
            served = nginx.served("/hello")
        self.assertEqual(seen, [10])
        self.assertEqual([r["summary"]["stages"][0]["planned"]["users"] for r in reports],
                         [4, 3, 3])
        self.assertEqual([r["summary"]["stages"][0]["achieved"]["users_max"] for r in reports],
                         [4, 3, 3])
        self.assertEqual(sum(r["summary"]["requests"] for r in reports), served)

    def test_an_open_stage_split_4_ways_starts_the_plans_arrivals(self):
        plan = self.write("plan.yaml", PLAN.format(
            think="0s", stages="      - {duration: 3s, rate: 4000/s}"))
        with StatusNginx(self.tmp) as nginx:
            reports = self.run_segments(plan, 4, nginx.url,
                                        start_at=str(time.time() + 2.0))  # epoch seconds
            served = nginx.served("/hello")
        stages = [r["summary"]["stages"][0] for r in reports]
        self.assertEqual([s["planned"]["iterations"] for s in stages], [3000] * 4)
        started = sum(s["achieved"]["iterations"] for s in stages)
        self.assertLessEqual(abs(started - 12000), 120, started)  # within 1% of the plan
        self.assertEqual(sum(r["summary"]["requests"] for r in reports), served)

    def run_data_plan(self, rows, mode, think, users, path):
        """Runs a plan reading a data file of `rows` rows ("row0", ...) in `mode` at `path`, as
        3 segments, each sending to its own prefix /segment<I>. Returns the reports and the
        access log's lines (path) of the segments' requests, as (segment, path)."""
        self.write("rows.csv", "id\n" + "".join("row%d\n" % n for n in range(rows)))
        plan = self.write("plan.yaml", PLAN.format(
            think=think, stages="      - {duration: 1s, users: %d}" % users).replace(
            "    requests: [{name: get, path: /hello}]",
            "    requests: [{name: get, path: \"%s\"}]" % path).replace(
            '  base_url: "${TARGET_URL}"',
            '  base_url: "${TARGET_URL}"\n  data_file: rows.csv\n  data_mode: ' + mode))
        with StatusNginx(self.tmp) as nginx:
            reports = self.run_segments(plan, 3, lambda i: "%s/segment%d" % (nginx.url, i))
            with open(os.path.join(nginx.dir, "access.log"), encoding="utf-8") as f:
                log = f.read()
        seen = [(int(m.group(1)), m.group(2)) for m in re.finditer(r"/segment(\d)(/hello\S*)", log)]
        self.assertEqual(len(seen), sum(r["summary"]["requests"] for r in reports))
        self.assertEqual(sum(r["summary"]["errors"] for r in reports), 0)
        return reports, seen

    def test_unique_data_rows_are_each_used_by_one_segment(self):
        # 7 users over 3 segments, data_mode unique with 7 rows: every row is read, each by
        # one segment only.
        _, seen = self.run_data_plan(7, "unique", "100ms", 7, "/hello?id={{ data.id }}")
        rows = {}
        for segment, path in seen:
            rows.setdefault(path.split("id=")[1], set()).add(segment)
        # The plan's users 0..6 dealt round-robin: segment I has users I, I+3, ...
        self.assertEqual(rows, {"row%d" % n: {n % 3} for n in range(7)})

    def test_seq_and_sequential_rows_are_the_plans_across_segments(self):
        # 5 users over 3 segments, data_mode sequential over 6 rows and {{ seq }} in the path:
        # segment I sends the plan's seq values I+1, I+1+3, ... and draws rows I, I+3 (6 is a
        # multiple of 3), so no value is sent twice and every row is read by one segment only.
        _, seen = self.run_data_plan(6, "sequential", "50ms", 5,
                                     "/hello?id={{ data.id }}&seq={{ seq }}")
        seqs, rows = [], {}
        for segment, path in seen:
            m = re.match(r"/hello\?id=row(\d+)&seq=(\d+)$", path)
            row, seq = int(m.group(1)), int(m.group(2))
            self.assertEqual((seq - 1) % 3, segment, path)
            seqs.append(seq)
            rows.setdefault(row, set()).add(segment)
        self.assertGreater(len(seqs), 30)
        self.assertEqual(len(set(seqs)), len(seqs))  # unique across the segments
        self.assertEqual(rows, {n: {n % 3} for n in range(6)})

    def test_a_bad_segment_or_start_is_an_error_naming_the_setting_before_anything_runs(self):
        plan = os.path.join(harness.PLANS, "bench.yaml")
        out = os.path.join(self.tmp, "out")
        cases = [
            (["--segment", "4/4"], {}, "--segment: segment index 4 is out of range"),
            ([], {"STRESSPLAN_SEGMENT": "1-4"}, "STRESSPLAN_SEGMENT: expected I/N"),
            ([], {"JOB_COMPLETION_INDEX": "2"}, "but STRESSPLAN_SEGMENTS"),
            (["--start-at", "2020-01-01T00:00:00Z"], {}, "--start-at: \"2020-01-01T00:00:00Z\" is"),
            (["--start-at", "noon"], {}, "--start-at: expected an RFC 3339 time"),
        ]
        for flags, env, message in cases:
            r = harness.run(["run", plan, "--report", out] + flags, env=env)
            self.assertEqual(r.returncode, 2, (flags, env, r.stderr))
            self.assertIn(message, r.stderr)
            self.assertFalse(os.path.exists(out), "nothing runs: no report folder")


if __name__ == "__main__":
    unittest.main()
