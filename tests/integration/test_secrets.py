"""Secrets stay out of reports: values of the plan's `secrets:` variables and of credential
headers never appear in the JSON, HTML or JUnit report, though the requests carried them; nor
on the console, in plugin logs or in the chaos journal (which keeps a placeholder `recover`
fills back). Redaction never touches what the tool writes itself (a secret `completed` leaves
the run's status alone), and secrets too short to redact sensibly are refused."""
import json
import os
import signal
import stat
import subprocess
import time
import unittest
import xml.etree.ElementTree as ET

import harness

TOKEN = "tok-9f8e7d6c5b4a-secret"

PLAN = """\
secrets: [API_TOKEN]
target:
  plugin: http
  base_url: "${TARGET_URL}"
  headers: {Authorization: "Bearer ${API_TOKEN}", Cookie: "sid=abc123session"}
scenarios:
  - name: s
    requests:
      - {name: "call ${API_TOKEN}", path: "/hello?key=${API_TOKEN}"}
profile: p
profiles: {p: {stages: [{duration: 1s, users: 2}]}}
reporters:
  - {plugin: json, path: report.json}
  - {plugin: html, path: report.html}
  - {plugin: junit, path: junit.xml}
"""


class Secrets(harness.TempDirTest):
    def test_secret_values_and_credential_headers_are_redacted(self):
        plan = self.write("plan.yaml", PLAN)
        out = os.path.join(self.tmp, "out")
        with harness.Nginx(self.tmp) as nginx:
            r = harness.run(["run", plan, "--report", out], env={"TARGET_URL": nginx.url, "API_TOKEN": TOKEN})
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            with open(os.path.join(nginx.dir, "access.log")) as f:
                self.assertIn(TOKEN, f.read())  # the server did get it
        for name in ("report.json", "report.html", "junit.xml"):
            with open(os.path.join(out, name), encoding="utf-8") as f:
                text = f.read()
            self.assertNotIn(TOKEN, text, name)
            self.assertNotIn("abc123session", text, name)
        self.assertNotIn(TOKEN, r.stdout)
        run = harness.read_json(os.path.join(out, "report.json"))["run"]
        headers = run["target"]["options"]["headers"]
        self.assertEqual(headers, {"Authorization": "[redacted]", "Cookie": "[redacted]"})
        self.assertIn("s/call [redacted]", run["target"]["requests"])
        harness.validate_report(self, os.path.join(out, "report.json"))


    def test_a_secret_equal_to_a_status_does_not_change_the_verdict(self):
        plan = self.write("plan.yaml", PLAN)
        out = os.path.join(self.tmp, "out")
        with harness.Nginx(self.tmp) as nginx:
            r = harness.run(["run", plan, "--report", out], env={"TARGET_URL": nginx.url, "API_TOKEN": "completed"})
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        report = harness.read_json(os.path.join(out, "report.json"))
        self.assertEqual(report["summary"]["status"], "completed")
        self.assertEqual(report["summary"]["type"], "summary")
        self.assertIn("s/call [redacted]", report["run"]["target"]["requests"])
        harness.validate_report(self, os.path.join(out, "report.json"))
        suite = ET.parse(os.path.join(out, "junit.xml")).getroot()
        self.assertEqual(suite.get("errors"), "0")
        self.assertEqual(suite.get("failures"), "0")
        with open(os.path.join(out, "junit.xml"), encoding="utf-8") as f:
            self.assertIn('<property name="status" value="completed"/>', f.read())

    def test_a_secret_shorter_than_the_minimum_is_refused_before_anything_runs(self):
        plan = self.write("plan.yaml", PLAN)
        out = os.path.join(self.tmp, "out")
        for command in (["validate", plan], ["run", plan, "--report", out]):
            r = harness.run(command, env={"TARGET_URL": "http://127.0.0.1:9", "API_TOKEN": "s"})
            self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
            self.assertIn(plan + ":1:11", r.stderr)  # secrets: [API_TOKEN]
            self.assertIn("secrets.0", r.stderr)
            self.assertIn("at least 4 characters", r.stderr)
        self.assertFalse(os.path.exists(out))


COMMAND_TOKEN = "cmd-7a6b5c4d3e2f-secret"


def command_plan(base_url, inject, revert, duration="3s", at="500ms", step_duration="1s"):
    """A plan whose one chaos step is a command fault; the commands see the secret by ${API_TOKEN}."""
    return json.dumps({
        "secrets": ["API_TOKEN"],
        "target": {"plugin": "http", "base_url": base_url, "connect_timeout": "1s", "response_timeout": "2s"},
        "scenarios": [{"name": "s", "requests": [{"name": "get", "path": "/hello"}]}],
        "profile": "p",
        "profiles": {"p": {"stages": [{"duration": duration, "rate": "5/s"}]}},
        "chaos": {"steps": [{"name": "rotate", "at": at, "duration": step_duration, "fault": "command",
                             "inject": inject, "revert": revert}]},
        "reporters": [{"plugin": "json", "path": "report.json"}, {"plugin": "junit", "path": "junit.xml"}],
    }, indent=1)


class SecretsElsewhere(harness.TempDirTest):
    def test_command_output_and_journal_keep_the_secret_out(self):
        out = os.path.join(self.tmp, "out")
        with harness.Nginx(self.tmp) as nginx:
            plan = self.write("plan.yaml", command_plan(
                nginx.url,
                inject=["sh", "-c", "echo token is ${API_TOKEN}; echo also ${API_TOKEN} >&2; exit 1"],
                revert=["sh", "-c", "echo reverting ${API_TOKEN}"]))
            r = harness.run(["run", plan, "--report", out], env={"API_TOKEN": COMMAND_TOKEN}, timeout=60)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)  # the inject failed: experiment aborted
        self.assertNotIn(COMMAND_TOKEN, r.stdout + r.stderr)
        self.assertIn("token is [redacted]", r.stdout + r.stderr)  # the output is still shown
        journal_path = os.path.join(out, "chaos-journal.jsonl")
        with open(journal_path, encoding="utf-8") as f:
            journal = f.read()
        self.assertNotIn(COMMAND_TOKEN, journal)
        self.assertIn("[secret:API_TOKEN]", journal)
        for name in os.listdir(out):
            path = os.path.join(out, name)
            if os.path.isfile(path):
                with open(path, encoding="utf-8", errors="replace") as f:
                    self.assertNotIn(COMMAND_TOKEN, f.read(), name)
        for name in ("chaos-journal.jsonl", "report.json", "junit.xml"):
            mode = stat.S_IMODE(os.stat(os.path.join(out, name)).st_mode)
            self.assertEqual(mode, 0o600, "%s has mode %o" % (name, mode))
        harness.validate_report(self, os.path.join(out, "report.json"))

    def test_recover_fills_the_secret_back_from_the_environment(self):
        marker = os.path.join(self.tmp, "revert-saw")
        out = os.path.join(self.tmp, "out")
        journal_path = os.path.join(out, "chaos-journal.jsonl")
        with harness.Nginx(self.tmp) as nginx:
            plan = self.write("plan.yaml", command_plan(
                nginx.url, duration="60s", step_duration="50s",
                inject=["true"], revert=["sh", "-c", "printf %s \"${API_TOKEN}\" > revert-saw"]))
            with harness.BackgroundRun(["run", plan, "--report", out], self.tmp,
                                       env={"API_TOKEN": COMMAND_TOKEN}) as run:
                harness.wait_until(lambda: any(l.get("op") == "inject" for l in harness.read_journal(journal_path)),
                                   20, what="the journal's inject line")
                time.sleep(0.5)  # the inject itself runs after its line is synced
                run.proc.send_signal(signal.SIGKILL)
                run.wait(30)
        with open(journal_path, encoding="utf-8") as f:
            self.assertNotIn(COMMAND_TOKEN, f.read())
        env = {k: v for k, v in os.environ.items() if k != "API_TOKEN"}
        r = subprocess.run([harness.STRESSPLAN, "recover", "--report", out], env=env, capture_output=True,
                           text=True, timeout=30)
        self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
        self.assertIn("API_TOKEN is not set", r.stderr)
        self.assertFalse(os.path.exists(marker))
        r = harness.run(["recover", "--report", out], env={"API_TOKEN": COMMAND_TOKEN}, timeout=30)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("rotate (command): recovered", r.stdout)
        with open(marker) as f:
            self.assertEqual(f.read(), COMMAND_TOKEN)


class SecretsOnStderr(harness.TempDirTest):
    def test_a_failing_service_log_tail_keeps_the_secret_out(self):
        # The service prints its secret and dies before it is healthy: the run quotes the end of
        # its log on stderr, with the value replaced.
        port = harness.free_port()
        plan = self.write("plan.yaml", json.dumps({
            "secrets": ["API_TOKEN"],
            "target": {"plugin": "http", "base_url": "http://127.0.0.1:%d" % port},
            "scenarios": [{"name": "s", "requests": [{"name": "r", "path": "/"}]}],
            "profile": "p",
            "profiles": {"p": {"stages": [{"duration": "1s", "users": 1}]}},
            "services": [{"name": "svc", "command": ["sh", "-c", "echo starting with ${API_TOKEN}; exit 1"],
                          "health": "http://127.0.0.1:%d/health" % port, "start_timeout": "5s"}],
        }, indent=1))
        out = os.path.join(self.tmp, "out")
        r = harness.run(["run", plan, "--report", out], env={"API_TOKEN": COMMAND_TOKEN}, timeout=60)
        self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
        self.assertIn("starting with [redacted]", r.stderr)
        self.assertNotIn(COMMAND_TOKEN, r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main()
