"""Chaos end to end (docs/chaos.md): the demo story in --mode full, --mode chaos, each fault kind
through the CLI (proxy latency and http_abort, process pause and restart, command), the safety
guarantees (SIGINT/SIGTERM revert everything in, kill -9 then `stressplan recover`), and a
failing inject.

Plans other than plans/full.yaml are written for each test into its temp dir (as JSON, which is
YAML), short: a few seconds each, every port from harness.free_port()."""
import collections
import ctypes
import json
import os
import resource
import signal
import time
import unittest
import xml.etree.ElementTree as ET

import harness



def plan_doc(name, base_url, path="/hello", duration="4s", rate=20, response_timeout="2s", **sections):
    """A small plan: one GET request at an open `rate` for `duration`, plus `sections`
    (services, proxies, chaos, thresholds, ...) as given."""
    doc = {
        "name": name,
        "target": {"plugin": "http", "base_url": base_url, "connect_timeout": "1s",
                   "response_timeout": response_timeout},
        "scenarios": [{"name": "s", "requests": [{"name": "get", "path": path}]}],
        "profile": "p",
        "profiles": {"p": {"stages": [{"duration": duration, "rate": "%d/s" % rate, "max_concurrency": 200}]}},
        "reporters": [{"plugin": "json", "path": "report.json"}],
    }
    doc.update(sections)
    return doc


def demo_service(name, port, *extra):
    return {"name": name,
            "command": [harness.DEMO_BIN, "--role", "upstream", "--port", str(port)] + list(extra),
            "health": "http://127.0.0.1:%d/health" % port}


# One good window is enough here: these runs are seconds long.
QUICK_RECOVERY = {"windows": 1, "deadline": "2s", "baseline": "1s"}


def snapshots_inside(report, window):
    """Snapshots whose whole second lies inside the window [start_s, end_s]."""
    return [s for s in report["timeseries"]
            if s["second"] - 1 >= window["start_s"] and s["second"] <= window["end_s"]]


def snapshots_after(report, t):
    """Snapshots of the seconds starting at `t` or later."""
    return [s for s in report["timeseries"] if s["second"] - 1 >= t]


class ChaosTest(harness.TempDirTest):
    def write_plan(self, doc, name="plan.yaml"):
        return self.write(name, json.dumps(doc, indent=1))

    def out_dir(self):
        return os.path.join(self.tmp, "out")

    def run_plan(self, doc, *extra, expect=0, timeout=90):
        """Runs the plan to its end; returns (CompletedProcess, report, out dir)."""
        plan = self.write_plan(doc)
        out = self.out_dir()
        r = harness.run(["run", plan, "--report", out] + list(extra), timeout=timeout)
        self.assertEqual(r.returncode, expect, r.stdout + r.stderr)
        report_path = os.path.join(out, "report.json")
        harness.validate_report(self, report_path)
        return r, harness.read_json(report_path), out

    def experiment(self, report, name):
        found = [e for e in report["summary"]["experiments"] if e["name"] == name]
        self.assertEqual(len(found), 1, report["summary"]["experiments"])
        return found[0]

    def assert_completed(self, e):
        self.assertEqual(e["outcome"], "completed", e)
        self.assertFalse(e["deviated"], e)
        self.assertTrue(e["injected"], e)
        self.assertTrue(e["reverted"], e)

    def journal_injects(self, out):
        return [l for l in harness.read_journal(os.path.join(out, "chaos-journal.jsonl")) if l.get("op") == "inject"]

    def journal_record(self, out, step):
        """The journal record of `step`'s inject, once it was written (polled)."""
        def find():
            for l in self.journal_injects(out):
                if l.get("step") == step:
                    return l
            return None
        return harness.wait_until(find, 20, what="the journal's inject line of " + step)["record"]


# --- 1. The story --------------------------------------------------------------------------


class Story(ChaosTest):
    def test_full_story_on_the_demo(self):
        out = self.out_dir()
        r = harness.run(["run", os.path.join(harness.PLANS, "full.yaml"), "--mode", "full", "--report", out],
                        env=harness.full_plan_ports(), timeout=150)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        report_path = os.path.join(out, "report.json")
        harness.validate_report(self, report_path)
        report = harness.read_json(report_path)
        summary = report["summary"]
        self.assertEqual(summary["mode"], "full")
        self.assertEqual(summary["status"], "completed")
        self.assertTrue(summary["experiments_passed"])

        # Both experiments: completed, the fault in and out, errors while it was in, recovered in time.
        names = [e["name"] for e in summary["experiments"]]
        self.assertEqual(names, ["llm slow", "llm failing"])
        recovery_limit = 10.0  # plans/full.yaml: recovery_time < 10s
        for e in summary["experiments"]:
            self.assert_completed(e)
            w = e["window"]
            self.assertAlmostEqual(w["start_s"], e["planned"]["at_s"], delta=1.0, msg=e)
            self.assertAlmostEqual(w["end_s"] - w["start_s"], e["planned"]["duration_s"], delta=1.0, msg=e)
            self.assertGreater(e["during"]["requests"], 0, e)
            self.assertGreater(e["during"]["error_rate"], 0, e)
            self.assertEqual(e["recovery"]["state"], "recovered", e)
            self.assertIsNotNone(e["recovery"]["time_s"], e)
            self.assertLess(e["recovery"]["time_s"], recovery_limit, e)
            self.assertTrue(e["baseline"]["valid"], e)
            self.assertTrue(all(p["ok"] for p in e["steady_state"]["before"]), e)
            self.assertTrue(all(p["ok"] for p in e["steady_state"]["after"]), e)
        self.assertEqual(self.experiment(report, "llm slow")["fault"], "proxy latency")
        self.assertEqual(self.experiment(report, "llm failing")["fault"], "proxy http_abort")
        # The upstream failing 60% of the calls: the demo answers 5xx (its own or the breaker's).
        failing = self.experiment(report, "llm failing")["during"]
        self.assertGreater(sum(n for code, n in failing["status_codes"].items() if code.startswith("5")), 0, failing)

        # The breaker as the demo's own gauge saw it.
        sources = {c["source"]: c for c in summary["circuit"]}
        self.assertIn("observer:breaker", sources, summary["circuit"])
        breaker = sources["observer:breaker"]
        self.assertGreaterEqual(breaker["trips"], 1, breaker)
        self.assertGreater(breaker["time_open_s"], 0, breaker)
        self.assertEqual(summary["circuit"][0]["source"], "observer:breaker")

        # Every threshold passed, recovery_time and circuit.* among them.
        thresholds = {t["metric"]: t for t in summary["thresholds"]}
        self.assertTrue(summary["thresholds_passed"], summary["thresholds"])
        for metric in ("recovery_time", "circuit.open_time"):
            self.assertIn(metric, thresholds)
            self.assertTrue(thresholds[metric]["passed"], thresholds[metric])

        # The timeline: inject/revert events, and the snapshots name the fault while it is in.
        events = collections.Counter(ev["name"] for ev in report["events"] if ev["source"] == "chaos")
        self.assertEqual(events["chaos_inject"], 2, report["events"])
        self.assertEqual(events["chaos_revert"], 2, report["events"])
        for e in summary["experiments"]:
            w = e["window"]
            inside = [s for s in report["timeseries"] if w["start_s"] + 0.2 < s["elapsed_s"] < w["end_s"] - 0.2]
            self.assertGreaterEqual(len(inside), int(e["planned"]["duration_s"]) - 2, e)
            for s in inside:
                self.assertIn(e["name"], s["chaos"], s)
            for s in report["timeseries"]:
                if s["elapsed_s"] > w["end_s"] + 0.5 or s["elapsed_s"] < w["start_s"] - 0.1:
                    self.assertNotIn(e["name"], s["chaos"], s)

        # The report's numbers are the demo's: the load's webhook calls plus the steady-state
        # probe that posts to /webhook (once before and once after each experiment).
        stats = harness.demo_final_stats(os.path.join(out, "services", "demo.log"))
        probe_posts = sum(1 for e in summary["experiments"] for phase in ("before", "after")
                          for p in e["steady_state"][phase] if p["name"] == "bot answers through the upstream")
        self.assertEqual(probe_posts, 4)
        self.assertEqual(stats["by_path"]["/webhook"], summary["requests"] + probe_posts, stats)

        # JUnit: valid, one testcase per experiment, both passing.
        junit = os.path.join(out, "junit.xml")
        harness.validate_junit(self, junit)
        cases = [c for c in ET.parse(junit).getroot().iter("testcase")
                 if c.get("classname", "").endswith(".experiments")]
        self.assertEqual(sorted(c.get("name") for c in cases), sorted(names))
        for c in cases:
            self.assertEqual([child.tag for child in c if child.tag in ("failure", "error", "skipped")], [], c.attrib)

        # HTML: the experiments table and a chaos band per experiment.
        with open(os.path.join(out, "report.html"), encoding="utf-8") as f:
            html = f.read()
        self.assertIn('id="experiments-table"', html)
        for n in names:
            self.assertIn(n, html)
        self.assertGreaterEqual(html.count("chaos-band"), 2)

        # The console summary and the journal.
        self.assertIn("llm slow", r.stdout)
        journal = harness.read_journal(os.path.join(out, "chaos-journal.jsonl"))
        injected = {l["id"] for l in journal if l["op"] == "inject"}
        reverted = {l["id"] for l in journal if l["op"] == "reverted"}
        self.assertEqual(len(injected), 2)
        self.assertEqual(injected, reverted)


# --- 2. Modes ------------------------------------------------------------------------------


class Modes(ChaosTest):
    def test_mode_chaos_runs_the_experiments_under_probe_traffic(self):
        with harness.Nginx(self.tmp) as nginx:
            proxy_port = harness.free_port()
            doc = plan_doc(
                "chaos-mode", "http://127.0.0.1:%d" % proxy_port, duration="60s", rate=500,
                proxies=[{"name": "front", "listen": "127.0.0.1:%d" % proxy_port,
                          "upstream": "127.0.0.1:%d" % nginx.port, "protocol": "http"}],
                chaos={"probe_rate": "10/s",
                       "recovery": {"windows": 1, "deadline": "3s", "baseline": "2s"},
                       "steps": [{"name": "slow front", "at": "2s", "duration": "1s", "fault": "proxy",
                                  "proxy": "front", "toxic": "latency", "latency": "100ms"}]},
                # The first two would fail if the load's thresholds were judged in --mode chaos.
                thresholds=["rps > 100000", "error_rate > 50%", "recovery_time < 5s", "circuit.trips < 1"])
            r, report, _ = self.run_plan(doc, "--mode", "chaos")
            summary = report["summary"]
            self.assertEqual(summary["mode"], "chaos")
            self.assertEqual(report["run"]["plan"]["profile"], "chaos-probe")
            if "plan" in summary:
                self.assertEqual(summary["plan"]["profile"], "chaos-probe")
            # Only the run-end thresholds are judged; the load's are listed as skipped.
            judged = [t for t in summary["thresholds"] if not t["skipped"]]
            self.assertEqual(sorted(t["metric"] for t in judged), ["circuit.trips", "recovery_time"])
            skipped = [t for t in summary["thresholds"] if t["skipped"]]
            self.assertEqual(sorted(t["metric"] for t in skipped), ["error_rate", "rps"])
            for t in skipped:
                self.assertIsNone(t["passed"], t)
                self.assertIn("--mode chaos", t["skip_reason"])
            self.assertTrue(summary["thresholds_passed"], summary["thresholds"])
            # Probe traffic: 10/s for the step's end (3 s), the recovery deadline (3 s), the good
            # windows (1) and 6 s for a late revert: 13 s.
            self.assertAlmostEqual(summary["duration_s"], 13.0, delta=1.0)
            self.assertGreaterEqual(summary["requests"], 45, summary["requests"])
            self.assertLessEqual(summary["requests"], 140, summary["requests"])  # 10/s, not the profile's 500/s
            for s in report["timeseries"][:-1]:
                self.assertAlmostEqual(s["planned_rate"], 10, delta=0.01, msg=s)
            self.assertEqual(nginx.served("/hello"), summary["requests"])
            e = self.experiment(report, "slow front")
            self.assert_completed(e)
            self.assertGreaterEqual(e["during"]["latency_ms"]["max"], 100, e)
            self.assertEqual(e["recovery"]["state"], "recovered", e)

    def test_mode_chaos_without_steps_is_a_usage_error(self):
        doc = plan_doc("no-steps", "http://127.0.0.1:%d" % harness.free_port())
        plan = self.write_plan(doc)
        r = harness.run(["run", plan, "--mode", "chaos", "--report", self.out_dir()], timeout=30)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn(plan, r.stderr)
        self.assertIn("--mode chaos", r.stderr)
        self.assertIn("no chaos steps", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.out_dir(), "report.json")))

    def test_full_mode_skips_a_step_after_the_load(self):
        # The plan's own profile holds the step; --duration shortens the run past its start.
        with harness.Nginx(self.tmp) as nginx:
            marker = os.path.join(self.tmp, "late-marker")
            doc = plan_doc("late-step", nginx.url, duration="12s",
                           chaos={"steps": [{"name": "too late", "at": "10s", "duration": "1s", "fault": "command",
                                             "inject": ["touch", marker], "revert": ["rm", "-f", marker]}]})
            r, report, _ = self.run_plan(doc, "--mode", "full", "--duration", "2s", expect=0)
            e = self.experiment(report, "too late")
            self.assertEqual(e["outcome"], "skipped", e)
            self.assertFalse(e["injected"], e)
            self.assertFalse(e["deviated"], e)
            self.assertIn('chaos step "too late"', r.stderr)
            self.assertIn("skipped", r.stderr)
            self.assertTrue(report["summary"]["experiments_passed"])
            self.assertFalse(os.path.exists(marker))
            self.assertLess(report["summary"]["duration_s"], 4)

    def test_a_step_after_the_plans_own_profile_is_an_error(self):
        # As written (no --profile/--users/--duration), a step must fit in the profile: one that
        # starts at or after its end, or ends after it, is a located error before anything runs.
        marker = os.path.join(self.tmp, "late-marker")
        step = {"name": "too late", "at": "10s", "duration": "1s", "fault": "command",
                "inject": ["touch", marker], "revert": ["rm", "-f", marker]}
        for at, duration, message, key in (
                ("10s", "1s", 'chaos step "too late" starts at 10s, but the profile "p" ends at 2s', '"at"'),
                ("1s", "5s", 'chaos step "too late" ends at 6s (at + duration), but the profile "p" ends at 2s',
                 '"duration"')):
            doc = plan_doc("late-step", "http://127.0.0.1:1", duration="2s",
                           chaos={"steps": [dict(step, at=at, duration=duration)]})
            plan = self.write_plan(doc)
            with open(plan) as f:
                written = key + ': "' + (at if key == '"at"' else duration) + '"'
                line = next(i for i, l in enumerate(f, 1) if l.strip().startswith(written))
            for command in (["validate", plan], ["run", plan, "--report", self.out_dir()]):
                r = harness.run(command, timeout=30)
                self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
                self.assertIn("%s:%d:" % (plan, line), r.stderr)
                self.assertIn(message, r.stderr)
            self.assertFalse(os.path.exists(marker))
            self.assertFalse(os.path.exists(self.out_dir()))


# --- 3. Each fault kind --------------------------------------------------------------------


def fd_table_size(pid):
    """FDSize of process `pid` (/proc/PID/status): the descriptors its table holds now."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("FDSize:"):
                return int(line.split()[1])
    return 0


class ProxyDescriptors(ChaosTest):
    def test_the_descriptor_table_has_room_for_the_load_through_a_proxy_before_the_load(self):
        """core/run/fd_table.h: a fault proxy takes two descriptors per proxied connection in the
        run's own process, and growing the table while the load runs stalls every thread that
        opens one, so the run makes room before its clock starts: 1 000 slots through one
        proxy are 3 000 descriptors and 256 spare (without the proxy's share, 2 048 would do)."""
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if hard != resource.RLIM_INFINITY and hard < 8192:
            self.skipTest("the open-files hard limit (%d) is below 8192" % hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (8192, hard))  # the run inherits it
        self.addCleanup(resource.setrlimit, resource.RLIMIT_NOFILE, (soft, hard))
        with harness.Nginx(self.tmp) as nginx:
            proxy_port = harness.free_port()
            doc = plan_doc("fd-table", "http://127.0.0.1:%d" % proxy_port, duration="2s",
                           proxies=[{"name": "front", "listen": "127.0.0.1:%d" % proxy_port,
                                     "upstream": "127.0.0.1:%d" % nginx.port}])
            doc["profiles"]["p"]["stages"][0]["max_concurrency"] = 1000
            plan = self.write_plan(doc)
            with harness.BackgroundRun(["run", plan, "--report", self.out_dir()], self.tmp) as run:
                seen = [0]

                def grown_or_ended():  # the table never shrinks: its largest size while alive
                    try:
                        seen.append(fd_table_size(run.proc.pid))
                    except OSError:
                        return True
                    return seen[-1] >= 3256 or not run.alive()

                harness.wait_until(grown_or_ended, 30, what="the run's descriptor table or its end")
                self.assertGreaterEqual(max(seen), 3256)
                self.assertEqual(run.wait(60), 0, run.output())
            self.assertGreater(nginx.served("/hello"), 0)


class ProxyFaults(ChaosTest):
    def proxy_plan(self, nginx, step, rate=20, duration="4s"):
        proxy_port = harness.free_port()
        return plan_doc(
            "proxy-" + step["toxic"], "http://127.0.0.1:%d" % proxy_port, duration=duration, rate=rate,
            proxies=[{"name": "front", "listen": "127.0.0.1:%d" % proxy_port,
                      "upstream": "127.0.0.1:%d" % nginx.port, "protocol": "http"}],
            chaos={"recovery": QUICK_RECOVERY,
                   "steps": [dict({"name": "fault", "fault": "proxy", "proxy": "front"}, **step)]})

    def test_latency_goes_up_during_the_window_and_back_after(self):
        with harness.Nginx(self.tmp) as nginx:
            doc = self.proxy_plan(nginx, {"at": "1s", "duration": "2s", "toxic": "latency",
                                          "latency": "300ms"}, duration="5s")
            _, report, _ = self.run_plan(doc)
            e = self.experiment(report, "fault")
            self.assert_completed(e)
            self.assertEqual(e["fault"], "proxy latency")
            self.assertGreaterEqual(e["during"]["latency_ms"]["p50"], 250, e["during"])
            self.assertLess(e["baseline"]["latency_p95_ms"], 100, e["baseline"])
            inside = snapshots_inside(report, e["window"])
            self.assertTrue(inside, e["window"])
            for s in inside:
                self.assertGreaterEqual(s["latency_ms"]["p50"], 250, s)
            after = snapshots_after(report, e["window"]["end_s"] + 0.5)
            self.assertTrue(after, e["window"])
            for s in after:
                if s["requests"]:
                    self.assertLess(s["latency_ms"]["p95"], 100, s)
            self.assertEqual(e["recovery"]["state"], "recovered", e)
            self.assertEqual(report["summary"]["errors"], 0, report["summary"]["errors_by_type"])
            self.assertEqual(nginx.served("/hello"), report["summary"]["requests"])

    def test_http_abort_probability_1_answers_every_request_and_the_upstream_sees_none(self):
        with harness.Nginx(self.tmp) as nginx:
            doc = self.proxy_plan(nginx, {"at": "1s", "duration": "2s", "toxic": "http_abort", "status": 503,
                                          "body": "chaos", "probability": 1.0}, rate=50, duration="5s")
            _, report, _ = self.run_plan(doc)
            summary = report["summary"]
            e = self.experiment(report, "fault")
            self.assert_completed(e)
            codes = summary["status_codes"]
            self.assertEqual(set(codes), {"200", "503"}, codes)
            # The upstream saw exactly the requests that got its 200, none of the aborted ones.
            self.assertEqual(nginx.served("/hello"), codes["200"])
            self.assertEqual(codes["200"] + codes["503"], summary["requests"])
            window = e["window"]["end_s"] - e["window"]["start_s"]
            self.assertAlmostEqual(codes["503"], 50 * window, delta=0.25 * 50 * window)
            inside = snapshots_inside(report, e["window"])
            self.assertTrue(inside, e["window"])
            for s in inside:
                self.assertEqual(set(s["status_codes"]), {"503"}, s)
            self.assertGreater(e["during"]["status_codes"].get("503", 0), 0, e["during"])
            for s in snapshots_after(report, e["window"]["end_s"] + 0.2):
                self.assertNotIn("503", s["status_codes"], s)

    def test_http_abort_probability_0_answers_none(self):
        with harness.Nginx(self.tmp) as nginx:
            doc = self.proxy_plan(nginx, {"at": "1s", "duration": "2s", "toxic": "http_abort", "status": 503,
                                          "probability": 0.0}, rate=50)
            _, report, _ = self.run_plan(doc)
            summary = report["summary"]
            e = self.experiment(report, "fault")
            self.assert_completed(e)
            self.assertEqual(summary["status_codes"], {"200": summary["requests"]})
            self.assertEqual(nginx.served("/hello"), summary["requests"])
            self.assertGreater(e["during"]["requests"], 50, e["during"])


class ProxyExposure(ChaosTest):
    def run_behind_proxy(self, listen, command="run", **proxy_options):
        """A plan whose service would leave a marker when started, behind a proxy on `listen`,
        with a chaos step on it; returns (CompletedProcess, marker path, out dir)."""
        marker = os.path.join(self.tmp, "service-started")
        up = harness.free_port()
        doc = plan_doc("exposed", "http://127.0.0.1:%d" % up, duration="1s",
                       services=[{"name": "web", "command": ["sh", "-c", "touch '%s'; exit 1" % marker]}],
                       proxies=[dict({"name": "front", "listen": listen, "upstream": "127.0.0.1:%d" % up},
                                     **proxy_options)],
                       chaos={"steps": [{"name": "slow", "at": "0s", "duration": "1s", "fault": "proxy",
                                         "proxy": "front", "toxic": "latency", "latency": "10ms"}]})
        plan = self.write_plan(doc)
        out = self.out_dir()
        return harness.run([command, plan] + (["--report", out] if command == "run" else []),
                           timeout=60), marker, out

    def test_a_wildcard_listen_is_refused_before_anything_starts(self):
        port = harness.free_port()
        # The control: on loopback the proxy listens (it says so), then the service starts.
        r, marker, _ = self.run_behind_proxy("127.0.0.1:%d" % port)
        self.assertIn("proxy listening on 127.0.0.1:%d" % port, r.stderr)
        self.assertIn("starting 1 service(s)", r.stderr)
        # Whether its shell got to `touch` before the run stopped it is a race; either way the
        # service is stopped with the run, so the marker cannot appear later.
        if os.path.exists(marker):
            os.remove(marker)
        for listen in ("0.0.0.0:%d" % port, "0:%d" % port, "*:%d" % port, "[::]:%d" % port):
            with self.subTest(listen=listen):
                for command, allow in (("run", {}), ("run", {"allow_remote": False}), ("validate", {})):
                    r, marker, out = self.run_behind_proxy(listen, command, **allow)
                    # The proxy's check_site_options (ABI 1.2) refuses it as a plan error, in
                    # `validate` and before `run` opens anything.
                    self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
                    self.assertIn('listen "%s"' % listen, r.stderr)
                    self.assertIn("is not a loopback address", r.stderr)
                    self.assertIn("allow_remote: true", r.stderr)
                    self.assertIn("plan.yaml:", r.stderr)  # located at the plan's line
                    self.assertNotIn("proxy listening", r.stderr)
                    self.assertNotIn("starting 1 service(s)", r.stderr)
                    self.assertFalse(os.path.exists(marker), "a service started")


class ProcessFaults(ChaosTest):
    def service_plan(self, port, step, duration="5s"):
        return plan_doc("process-" + step["action"], "http://127.0.0.1:%d" % port, path="/health",
                        duration=duration, response_timeout="500ms",
                        services=[demo_service("svc", port)],
                        chaos={"recovery": QUICK_RECOVERY,
                               "steps": [dict({"name": "fault", "fault": "process", "service": "svc"}, **step)]})

    def test_pause_stops_the_service_during_the_window_and_resumes_it(self):
        port = harness.free_port()
        doc = self.service_plan(port, {"at": "1s", "duration": "1500ms", "action": "pause"}, duration="6s")
        plan = self.write_plan(doc)
        out = self.out_dir()
        with harness.BackgroundRun(["run", plan, "--report", out], self.tmp) as run:
            record = self.journal_record(out, "fault")
            pid = record["pid"]
            self.assertEqual(record["pgid"], pid)  # a service leads its own process group
            self.assertEqual(harness.proc_stat(pid)[1], record["start_time"])
            harness.wait_until(lambda: harness.proc_state(pid) == "T", 10, what="the service stopped (state T)")
            self.assertTrue(run.alive())
            harness.wait_until(lambda: harness.proc_state(pid) not in ("T", "t"), 10,
                               what="the service running again")
            self.assertTrue(run.alive(), "the service must run again before the run ends")
            self.assertIn(harness.proc_state(pid), ("R", "S"))
            code = run.wait(60)
            stdout, stderr = run.output()
        self.assertEqual(code, 0, stdout + stderr)
        report = harness.read_json(os.path.join(out, "report.json"))
        e = self.experiment(report, "fault")
        self.assert_completed(e)
        self.assertEqual(e["fault"], "process pause")
        # Requests stalled while it was stopped: they timed out (500 ms response_timeout).
        self.assertGreater(e["during"]["errors_by_type"].get("response_timeout", 0), 0, e["during"])
        for s in snapshots_after(report, e["window"]["end_s"] + 1.0):
            self.assertEqual(s["errors"], 0, s)
        # It was running when the run stopped it: it exited cleanly and printed its final stats.
        harness.demo_final_stats(os.path.join(out, "services", "svc.log"))

    def test_restart_gives_a_new_healthy_process(self):
        port = harness.free_port()
        doc = self.service_plan(port, {"at": "1500ms", "duration": "0s", "action": "restart", "signal": "SIGTERM"})
        plan = self.write_plan(doc)
        out = self.out_dir()
        seen, seen_stat = [], []
        with harness.BackgroundRun(["run", plan, "--report", out], self.tmp) as run:
            while run.alive() and time.time() - run.started < 60:
                for pid in harness.pids_running(harness.DEMO_BIN, str(port)):
                    if pid not in seen:
                        seen.append(pid)
                        seen_stat.append((pid, round(time.time() - run.started, 3), harness.proc_stat(pid)))
                time.sleep(0.02)
            code = run.wait(60)
            stdout, stderr = run.output()
        self.assertEqual(code, 0, stdout + stderr)
        with open(os.path.join(out, "services", "svc.log"), errors="replace") as f:
            log = f.read()
        self.assertEqual(len(seen), 2, "expected the first demo and its restart, saw %s\n%s\n%s" % (seen_stat, stderr, log))
        report = harness.read_json(os.path.join(out, "report.json"))
        e = self.experiment(report, "fault")
        self.assert_completed(e)
        self.assertEqual(e["fault"], "process restart")
        # Healthy after the restart: the load's requests all answered again.
        after = snapshots_after(report, e["window"]["end_s"] + 0.5)
        self.assertTrue(after)
        for s in after:
            self.assertEqual(s["errors"], 0, s)
            self.assertGreater(s["requests"], 0, s)
        self.assertEqual(e["recovery"]["state"], "recovered", e)


class CommandFault(ChaosTest):
    def test_marker_exists_during_the_window_only(self):
        with harness.Nginx(self.tmp) as nginx:
            marker = os.path.join(self.tmp, "fault-is-in")
            doc = plan_doc("command", nginx.url, duration="4s",
                           chaos={"steps": [{"name": "flag", "at": "1s", "duration": "1500ms", "fault": "command",
                                             "inject": ["touch", marker], "revert": ["rm", "-f", marker],
                                             "check": ["test", "-e", marker]}]})
            plan = self.write_plan(doc)
            out = self.out_dir()
            with harness.BackgroundRun(["run", plan, "--report", out], self.tmp) as run:
                harness.wait_until(lambda: os.path.exists(marker), 20, what="the marker file")
                appeared = time.time() - run.started
                self.assertTrue(run.alive())
                harness.wait_until(lambda: not os.path.exists(marker), 20, what="the marker's removal")
                self.assertTrue(run.alive(), "reverted at the step's end, not at the run's")
                code = run.wait(60)
                stdout, stderr = run.output()
            self.assertEqual(code, 0, stdout + stderr)
            self.assertGreater(appeared, 0.5)
            self.assertFalse(os.path.exists(marker))
            report = harness.read_json(os.path.join(out, "report.json"))
            e = self.experiment(report, "flag")
            self.assert_completed(e)
            self.assertEqual(e["fault"], "command")
            self.assertAlmostEqual(e["window"]["start_s"], 1.0, delta=0.5)
            self.assertAlmostEqual(e["window"]["end_s"] - e["window"]["start_s"], 1.5, delta=0.5)

    def test_a_failing_inject_aborts_the_experiment_and_the_run_still_reports(self):
        with harness.Nginx(self.tmp) as nginx:
            half = os.path.join(self.tmp, "half-done")
            doc = plan_doc("bad-inject", nginx.url, duration="3s",
                           chaos={"steps": [{"name": "broken", "at": "500ms", "duration": "1s", "fault": "command",
                                             "inject": ["sh", "-c", "touch half-done; echo inject-went-wrong >&2; exit 1"],
                                             "revert": ["rm", "-f", "half-done"]}]})
            r, report, _ = self.run_plan(doc, expect=1)
            summary = report["summary"]
            e = self.experiment(report, "broken")
            self.assertEqual(e["outcome"], "aborted", e)
            self.assertFalse(e["injected"], e)
            self.assertIn("inject failed", e["message"])
            self.assertIn("status 1", e["message"])
            self.assertIn("inject-went-wrong", e["message"])
            # A half-done inject is taken back out: the revert ran (workdir: the plan's folder).
            self.assertFalse(os.path.exists(half), "the revert did not run after the failed inject")
            self.assertTrue(e["reverted"], e)
            self.assertFalse(summary["experiments_passed"])
            # The load went on to its end and was reported.
            self.assertEqual(summary["status"], "completed")
            self.assertGreaterEqual(summary["duration_s"], 2.5)
            self.assertEqual(nginx.served("/hello"), summary["requests"])
            self.assertIn("broken", r.stdout)


# --- 4. Safety -----------------------------------------------------------------------------


class Safety(ChaosTest):
    def interrupted_run(self, sig):
        """A proxy latency, a pause of the upstream behind the proxy and a command fault, all in at
        once; `sig` while they are; everything must come back out."""
        up, proxy = harness.free_port(), harness.free_port()
        marker = os.path.join(self.tmp, "fault-is-in")
        long = {"at": "1s", "duration": "50s"}
        doc = plan_doc(
            "interrupted", "http://127.0.0.1:%d" % proxy, path="/health", duration="60s", response_timeout="1s",
            services=[demo_service("up", up)],
            proxies=[{"name": "front", "listen": "127.0.0.1:%d" % proxy, "upstream": "127.0.0.1:%d" % up,
                      "protocol": "http"}],
            chaos={"recovery": QUICK_RECOVERY, "steps": [
                dict(long, name="slow", fault="proxy", proxy="front", toxic="latency", latency="100ms"),
                dict(long, name="paused", fault="process", service="up", action="pause"),
                dict(long, name="flag", fault="command", inject=["touch", marker], revert=["rm", "-f", marker]),
            ]})
        plan = self.write_plan(doc)
        out = self.out_dir()
        with harness.BackgroundRun(["run", plan, "--report", out], self.tmp) as run:
            pid = self.journal_record(out, "paused")["pid"]
            harness.wait_until(lambda: harness.proc_state(pid) == "T", 10, what="the upstream stopped")
            # Steps start in order: the marker means all three are in.
            harness.wait_until(lambda: os.path.exists(marker), 10, what="the marker file")
            self.assertTrue(run.alive())
            run.proc.send_signal(sig)
            code = run.wait(60)
            stdout, stderr = run.output()
        self.assertEqual(code, 130, stdout + stderr)
        self.assertFalse(os.path.exists(marker), "the command fault was not reverted")
        report_path = os.path.join(out, "report.json")
        harness.validate_report(self, report_path)
        report = harness.read_json(report_path)
        summary = report["summary"]
        self.assertEqual(summary["status"], "interrupted")
        self.assertEqual(summary["status_reason"], signal.Signals(sig).name)
        self.assertLess(summary["duration_s"], 20)
        for name in ("slow", "paused", "flag"):
            e = self.experiment(report, name)
            self.assertEqual(e["outcome"], "interrupted", e)
            self.assertTrue(e["injected"], e)
            self.assertTrue(e["reverted"], e)
            self.assertIn(signal.Signals(sig).name, e["message"])
        # The paused upstream was resumed before the run stopped it: it exited on its own SIGTERM
        # and wrote its final stats.
        harness.demo_final_stats(os.path.join(out, "services", "up.log"))
        self.assertIsNone(harness.proc_state(pid))
        # Newest first: the command fault came out before the pause, the pause before the proxy.
        journal = harness.read_journal(os.path.join(out, "chaos-journal.jsonl"))
        ids = {l["step"]: l["id"] for l in journal if l["op"] == "inject"}
        reverted = [l["id"] for l in journal if l["op"] == "reverted"]
        self.assertEqual(reverted, [ids["flag"], ids["paused"], ids["slow"]])
        r = harness.run(["recover", "--report", out], timeout=30)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("nothing to recover", r.stdout)

    def test_sigint_reverts_every_fault_in(self):
        self.interrupted_run(signal.SIGINT)

    def test_sigterm_reverts_every_fault_in(self):
        self.interrupted_run(signal.SIGTERM)

    def test_kill_9_then_recover(self):
        """A paused service that survives its run's death (it ignores SIGTERM and SIGHUP, and its
        process group is not orphaned: this test process is its subreaper, so the kernel does not
        SIGCONT it) and a command fault are left behind by kill -9; `recover` undoes both."""
        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_CHILD_SUBREAPER = 36
        self.assertEqual(libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0)
        stubborn_pid = None
        try:
            web = harness.free_port()
            marker = os.path.join(self.tmp, "fault-is-in")
            long = {"at": "1s", "duration": "50s"}
            doc = plan_doc(
                "killed", "http://127.0.0.1:%d" % web, path="/health", duration="60s", rate=5,
                services=[demo_service("web", web),
                          {"name": "stubborn", "command": ["/bin/sh", "-c", "trap '' HUP TERM; exec sleep 300"]}],
                chaos={"steps": [
                    dict(long, name="frozen", fault="process", service="stubborn", action="pause"),
                    dict(long, name="flag", fault="command", inject=["touch", marker], revert=["rm", "-f", marker]),
                ]})
            plan = self.write_plan(doc)
            out = self.out_dir()
            with harness.BackgroundRun(["run", plan, "--report", out], self.tmp) as run:
                record = self.journal_record(out, "frozen")
                stubborn_pid = record["pid"]
                harness.wait_until(lambda: harness.proc_state(stubborn_pid) == "T", 10, what="the service stopped")
                harness.wait_until(lambda: os.path.exists(marker), 10, what="the marker file")
                # The run is alive: recover refuses.
                r = harness.run(["recover", "--report", out], timeout=30)
                self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
                self.assertIn("still running", r.stderr)
                self.assertTrue(os.path.exists(marker))
                self.assertEqual(harness.proc_state(stubborn_pid), "T")
                run.proc.kill()
                self.assertEqual(run.wait(30), -signal.SIGKILL)
            # Left behind: the marker, and the service stopped.
            self.assertTrue(os.path.exists(marker))
            self.assertEqual(harness.proc_state(stubborn_pid), "T")
            self.assertFalse(os.path.exists(os.path.join(out, "report.json")))

            # A new run into the same folder would overwrite the journal: refused until recover.
            r = harness.run(["run", plan, "--report", out], timeout=60)
            self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
            self.assertIn("stressplan recover --journal", r.stderr)
            self.assertEqual(harness.proc_state(stubborn_pid), "T")

            r = harness.run(["recover", "--report", out], timeout=60)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertIn("frozen (process): recovered", r.stdout)
            self.assertIn("flag (command): recovered", r.stdout)
            self.assertIn("recovered 2 fault(s)", r.stdout)
            self.assertFalse(os.path.exists(marker))
            harness.wait_until(lambda: harness.proc_state(stubborn_pid) not in ("T", "t"), 5,
                               what="the service resumed")
            self.assertEqual(harness.proc_stat(stubborn_pid)[1], record["start_time"])

            # Twice is harmless.
            r = harness.run(["recover", "--report", out], timeout=30)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertIn("nothing to recover", r.stdout)
            self.assertNotIn(": recovered", r.stdout)
        finally:
            st = harness.proc_stat(stubborn_pid) if stubborn_pid else None
            if st and st[0] not in ("Z", "X"):
                os.kill(stubborn_pid, signal.SIGKILL)
            libc.prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0)
            # Reap what the dead run left to us (its services), so no zombie outlives the test.
            deadline = time.time() + 10
            while time.time() < deadline:
                try:
                    pid, _ = os.waitpid(-1, os.WNOHANG)
                except ChildProcessError:
                    break
                if pid == 0:
                    time.sleep(0.05)

    def test_recover_loads_plugins_by_name_never_from_the_file_a_journal_names(self):
        """A journal is a file in the report folder: whoever can write it could name any library.
        `recover` loads plugins by name from the plugin path only; a journal naming a plugin
        that is not there is refused (exit 2) before anything is loaded or recovered."""
        plugin_file = os.path.join(harness.FIXTURE_DIR, "stressplan-marker_on_load.so")
        self.assertTrue(os.path.isfile(plugin_file), plugin_file)
        marker = os.path.join(self.tmp, "loaded")
        journal = os.path.join(self.tmp, "chaos-journal.jsonl")
        with open(journal, "w", encoding="utf-8") as f:
            f.write(json.dumps({"op": "run", "pid": 0, "plan": "plan.yaml"}) + "\n")
            f.write(json.dumps({"op": "inject", "id": 1, "step": "planted", "plugin": "marker_on_load",
                                "plugin_file": plugin_file, "record": {"undo": "x"}}) + "\n")
        env = {"STRESSPLAN_TEST_LOAD_MARKER": marker}
        r = harness.run(["recover", "--journal", journal], env=env, timeout=30)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertFalse(os.path.exists(marker), "recover loaded the library the journal named")
        self.assertIn("planted (marker_on_load): no plugin named 'marker_on_load'", r.stderr)
        self.assertIn("if you trust that file, pass --plugin-path " + harness.FIXTURE_DIR, r.stderr)
        self.assertIn("nothing was recovered", r.stderr)
        # A path in the plugin field is not a name: refused the same way.
        with open(journal, "a", encoding="utf-8") as f:
            f.write(json.dumps({"op": "inject", "id": 2, "step": "by path", "plugin": plugin_file,
                                "plugin_file": "", "record": {"undo": "y"}}) + "\n")
        r = harness.run(["recover", "--journal", journal], env=env, timeout=30)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("is not a plugin name", r.stderr)
        self.assertFalse(os.path.exists(marker), "recover loaded a library by the path a journal named")
        # The user puts the folder on the plugin path: now it is theirs to trust, found by name.
        with open(journal, "w", encoding="utf-8") as f:
            f.write(json.dumps({"op": "run", "pid": 0, "plan": "plan.yaml"}) + "\n")
            f.write(json.dumps({"op": "inject", "id": 1, "step": "planted", "plugin": "marker_on_load",
                                "plugin_file": "/nowhere/stressplan-marker_on_load.so",
                                "record": {"undo": "x"}}) + "\n")
        r = harness.run(["recover", "--journal", journal, "--plugin-path", harness.FIXTURE_DIR], env=env, timeout=30)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("planted (marker_on_load): recovered", r.stdout)
        with open(marker, encoding="utf-8") as f:
            self.assertEqual(f.read(), 'loaded\nrecovered {"undo":"x"}\n')

    def test_recover_without_a_journal_is_a_usage_error(self):
        r = harness.run(["recover", "--report", os.path.join(self.tmp, "nowhere")], timeout=30)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("chaos-journal.jsonl", r.stderr)

    def test_recover_force_while_the_run_is_alive(self):
        with harness.Nginx(self.tmp) as nginx:
            marker = os.path.join(self.tmp, "fault-is-in")
            doc = plan_doc("forced", nginx.url, duration="5s",
                           chaos={"steps": [{"name": "flag", "at": "500ms", "duration": "3s", "fault": "command",
                                             "inject": ["touch", marker], "revert": ["rm", "-f", marker]}]})
            plan = self.write_plan(doc)
            out = self.out_dir()
            with harness.BackgroundRun(["run", plan, "--report", out], self.tmp) as run:
                harness.wait_until(lambda: os.path.exists(marker), 20, what="the marker file")
                r = harness.run(["recover", "--report", out], timeout=30)
                self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
                self.assertIn("still running", r.stderr)
                self.assertIn("--force", r.stderr)
                self.assertTrue(os.path.exists(marker))
                r = harness.run(["recover", "--report", out, "--force"], timeout=30)
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                self.assertIn("flag (command): recovered", r.stdout)
                self.assertFalse(os.path.exists(marker))
                self.assertTrue(run.alive())
                code = run.wait(60)
                stdout, stderr = run.output()
            # The run's own revert (rm -f) still succeeds afterwards.
            self.assertEqual(code, 0, stdout + stderr)
            report = harness.read_json(os.path.join(out, "report.json"))
            self.assert_completed(self.experiment(report, "flag"))


if __name__ == "__main__":
    unittest.main()
