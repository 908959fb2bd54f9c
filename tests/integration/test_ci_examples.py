"""The CI examples of docs/ci.md, run: examples/ci/github-actions.yml and examples/ci/gitlab-ci.yml
are parsed, every shell line of theirs (`run:`, `script:`) must call one of the scripts of
examples/ci/ that this test runs, and the test then runs those very lines, in order and in a
workspace laid out like a CI checkout, as the jobs of a main-branch pipeline and of a change's:

- GitHub, `--env demo` (the plan starts the demo webhook and its upstream): main's job has no
  baseline yet and runs without a comparison; a change's job gets main's reports as its
  baseline (what the download-artifact step unpacks) and is compared with it; a change that
  slows the upstream down regresses against it (exit 1, compare.json says latency.p50).
- GitLab, `--env staging` (a webhook and its 5 ms upstream that the test started itself on
  127.0.0.1; the secret from a CI variable): fetch-baseline.py asks a local stand-in of GitLab's
  jobs API for main's artifacts (404 first, then the archive of main's reports/), and the change
  is compared with them; the secret never reaches a report; without it the job exits 2 before
  any load.

Each job's exit code must be the one load-test.sh promises for what its run and comparison
found (docs/ci.md#exit-codes). Runs of one build pass, except that a stall of this shared
machine may trip a tail-latency threshold or rule in a 5-second run (assert_only_stalls); the
median, errors, checks and throughput must hold.

The lines are run as they are; only the values a CI would provide are the test's: the
`${{ ... }}` expressions and secrets, GitLab's CI_* variables, STRESSPLAN_PREFIX (a temporary
folder, not /opt), STRESSPLAN_BUILD_DIR (this build, installed by install-stressplan.sh without
rebuilding it; its scripts/install-deps.sh finds everything installed and does nothing),
PROFILE (the plan's 5-second `smoke` instead of `baseline`) and the ports."""
import glob
import http.server
import io
import os
import shlex
import shutil
import subprocess
import threading
import urllib.parse
import urllib.request
import zipfile

import yaml

import harness
import junit_schemas

GITHUB = os.path.join(harness.SOURCE_DIR, "examples", "ci", "github-actions.yml")
GITLAB = os.path.join(harness.SOURCE_DIR, "examples", "ci", "gitlab-ci.yml")
# The scripts the workflows may call: each one is run below.
SCRIPTS = {"examples/ci/install-stressplan.sh", "examples/ci/fetch-baseline.py", "examples/ci/load-test.sh"}
BUILD_DIR = os.environ.get("STRESSPLAN_BUILD_DIR", "")
SECRET = "ci-webhook-secret-7f3a"
TOKEN = "gitlab-job-token-1234"
SHELL_OPERATORS = set("();<>|&")  # what shlex reports as punctuation


def github_lines(doc):
    lines = []
    for job in doc["jobs"].values():
        for step in job["steps"]:
            if "run" in step:
                lines += [l.strip() for l in step["run"].splitlines() if l.strip() and not l.strip().startswith("#")]
    return lines


def gitlab_job(doc, name):
    """The job with its `extends:` template merged in (one level: all the example uses)."""
    job = dict(doc.get(doc[name].get("extends", ""), {}))
    job.update({k: v for k, v in doc[name].items() if k != "extends"})
    return job


GITLAB_KEYWORDS = {"stages", "variables", "workflow", "include", "image", "services", "cache"}


def gitlab_lines(doc):
    """Every script line of every job and of `default:` (templates, `.name`, through the jobs)."""
    lines = []
    for name in doc:
        if name in GITLAB_KEYWORDS or name.startswith("."):
            continue
        job = gitlab_job(doc, name) if name != "default" else doc[name]
        for key in ("before_script", "script", "after_script"):
            lines += job.get(key, [])
    return lines


def called_script(test, line):
    """The repository script `line` calls; asserts it is nothing else (no pipes, no `;`)."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    words = list(lexer)
    operators = [w for w in words if w and set(w) <= SHELL_OPERATORS]
    test.assertFalse(operators or "`" in line or "$(" in line, "a shell line does more than call one script: %s" % line)
    test.assertNotIn("${{", line, "GitHub expressions belong in env:, not in the shell line: %s" % line)
    script = words[0]
    path = os.path.join(harness.SOURCE_DIR, script)
    test.assertTrue(os.path.isfile(path) and os.access(path, os.X_OK), "%s: no executable %s in the repository"
                    % (line, script))
    test.assertIn(script, SCRIPTS, "%s calls %s, which this test does not run" % (line, script))
    return script


class FakeGitLab:
    """GitLab's `GET /api/v4/projects/:id/jobs/artifacts/:ref/download?job=NAME` on 127.0.0.1:
    the archives the test registered, for requests with the right JOB-TOKEN; 404 otherwise."""

    def __init__(self, project):
        self.project = project
        self.archives = {}
        self.requests = []
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                url = urllib.parse.urlsplit(self.path)
                fake.requests.append((url.path, urllib.parse.parse_qs(url.query), self.headers.get("JOB-TOKEN")))
                parts = url.path.split("/")
                job = urllib.parse.parse_qs(url.query).get("job", [""])[0]
                if self.headers.get("JOB-TOKEN") != TOKEN:
                    return self.answer(401, b'{"message":"401 Unauthorized"}')
                if parts[:7] != ["", "api", "v4", "projects", fake.project, "jobs", "artifacts"] or parts[8:] != ["download"]:
                    return self.answer(404, b'{"message":"404 Not found"}')
                data = fake.archives.get((urllib.parse.unquote(parts[7]), job))
                self.answer(200, data) if data else self.answer(404, b'{"message":"404 Not found"}')

            def answer(self, status, body):
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/api/v4" % self.server.server_address[1]

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def publish(self, ref, job, workspace, paths):
        """Stores `paths` of `workspace` as a job's artifacts archive (paths kept, as GitLab does)."""
        data = io.BytesIO()
        with zipfile.ZipFile(data, "w") as archive:
            for path in paths:
                for root, _, files in os.walk(os.path.join(workspace, path)):
                    for name in files:
                        full = os.path.join(root, name)
                        archive.write(full, os.path.relpath(full, workspace))
        self.archives[(ref, job)] = data.getvalue()


def healthy(port):
    try:
        urllib.request.urlopen("http://127.0.0.1:%d/health" % port, timeout=1).read()
        return True
    except OSError:
        return False


class StagingWebhook:
    """The deployed service of the staging environment: the demo webhook and its upstream
    answering in 5 ms, as plans/baseline.yaml's demo environment starts them, on free ports.
    After the `with`, `served` holds the webhook's final counts."""

    def __init__(self, test):
        self.test = test
        self.upstream = self.webhook = self.served = None

    def __enter__(self):
        upstream_port, port = harness.free_port(), harness.free_port()
        self.upstream = subprocess.Popen([harness.DEMO_BIN, "--role", "upstream", "--port", str(upstream_port),
                                          "--latency", "5ms"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            harness.wait_until(lambda: healthy(upstream_port), 10, what="the upstream's /health")
            self.webhook = harness.start_demo(self.test, port, "--upstream", "http://127.0.0.1:%d" % upstream_port,
                                              "--upstream-timeout", "1s")
        except BaseException:
            self.upstream.kill()
            self.upstream.wait()
            raise
        self.url = "http://127.0.0.1:%d" % port
        return self

    def __exit__(self, *exc):
        try:
            self.served = harness.stop_demo(self.webhook)
        finally:
            self.upstream.terminate()
            self.upstream.wait(timeout=10)


class CiExamples(harness.TempDirTest):
    def setUp(self):
        super().setUp()
        with open(GITHUB, encoding="utf-8") as f:
            self.github = yaml.safe_load(f)
        with open(GITLAB, encoding="utf-8") as f:
            self.gitlab = yaml.safe_load(f)
        self.prefix = os.path.join(self.tmp, "prefix")
        self.ran = set()

    def workspace(self, name):
        """A CI checkout: the repository's examples/, plans/ and scripts/ in a folder of its own,
        so that what the jobs write (reports/, baseline/) stays out of the source tree."""
        ws = os.path.join(self.tmp, name)
        os.makedirs(ws)
        for part in ("examples", "plans", "scripts"):
            os.symlink(os.path.join(harness.SOURCE_DIR, part), os.path.join(ws, part))
        return ws

    def base_env(self, **extra):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("STRESSPLAN", "CI_", "GITHUB"))}
        env.update({"STRESSPLAN_PREFIX": self.prefix, "STRESSPLAN_BUILD_DIR": BUILD_DIR, "PROFILE": "smoke",
                    "DEMO_PORT": str(harness.free_port()), "LLM_PORT": str(harness.free_port())})
        env.update(extra)
        return env

    def run_job(self, lines, workspace, env):
        """Runs a job's shell lines in order, as a CI does: the first that fails ends the job.
        Returns (exit code, output)."""
        output = ""
        for line in lines:
            self.ran.add(called_script(self, line))
            r = subprocess.run(["bash", "-e", "-c", line], cwd=workspace, env=env, capture_output=True,
                               text=True, timeout=240)
            output += "$ %s\n%s%s" % (line, r.stdout, r.stderr)
            if r.returncode != 0:
                return r.returncode, output
        return 0, output

    def github_env(self, matrix_env, **extra):
        """The job's env: the workflow's literal values, and the test's for every `${{ }}`."""
        job = self.github["jobs"]["load-test"]
        provided = {"PROFILE": "smoke", "TARGET_ENV": matrix_env, "STAGING_URL": "", "WEBHOOK_SECRET": ""}
        literal = {}
        for key, value in list(self.github["env"].items()) + list(job["env"].items()):
            if "${{" in str(value):
                self.assertIn(key, provided, "the test has no value for %s: %s" % (key, value))
            else:
                literal[key] = str(value)
        self.assertEqual(literal, {"STRESSPLAN_PREFIX": "/opt/stressplan"})  # replaced by a temp folder
        env = self.base_env(**provided)
        env.update(extra)
        return env

    def check_job(self, workspace, code, out, compared, junit_globs):
        """Checks a job's reports and JUnit files, and that its exit code is the one load-test.sh
        promises for what its run and its comparison found (docs/ci.md#exit-codes). Returns
        (report, comparison or None, the thresholds that failed, the rules that regressed)."""
        run_dir = os.path.join(workspace, "reports", "run")
        harness.validate_report(self, os.path.join(run_dir, "report.json"))
        report = harness.read_json(os.path.join(run_dir, "report.json"))
        summary = report["summary"]
        self.assertEqual((summary["status"], summary["trustworthy"]), ("completed", True), out)
        self.assertGreater(summary["requests"], 500)
        junits = sorted({p for g in junit_globs for p in glob.glob(os.path.join(workspace, g), recursive=True)})
        expected = [os.path.join(workspace, "reports", "compare", "compare-junit.xml")] if compared else []
        self.assertEqual(junits, expected + [os.path.join(run_dir, "junit.xml")])
        harness.validate_junit(self, os.path.join(run_dir, "junit.xml"))
        self.assertEqual(os.path.isdir(os.path.join(workspace, "reports", "compare")), compared)
        failed = [t["name"] for t in summary["thresholds"] if not t["passed"]]
        job_code = 1 if failed else 0
        self.assertIn("load-test: the run exited %d\n" % job_code, out)
        comparison, regressed = None, []
        if compared:
            if os.path.isfile(junit_schemas.CONFORMANCE_XSD):
                ok, message = junit_schemas.check(expected[0], junit_schemas.CONFORMANCE_XSD)
                self.assertTrue(ok, message)
            comparison = harness.read_json(os.path.join(workspace, "reports", "compare", "compare.json"))
            regressed = [r["rule"] for r in comparison["rules"] if r["verdict"] == "regressed"]
            compare_code = {"passed": 0, "regressed": 1}[comparison["verdict"]]
            self.assertIn("load-test: the comparison exited %d\n" % compare_code, out)
            job_code = job_code or compare_code
        else:
            self.assertNotIn("the comparison exited", out)
        self.assertEqual(code, job_code, out)
        return report, comparison, failed, regressed

    def assert_only_stalls(self, failed, regressed, out):
        """A good run on a shared machine: a stall of a few tens of milliseconds in a 5-second run
        is more than 1% of it and moves p99 (docs/latency.md), so a tail-latency threshold or rule
        may fail; the median, errors, checks and throughput may not."""
        self.assertEqual([t for t in failed if not t.startswith(("latency.p95 ", "latency.p99 "))], [], out)
        self.assertEqual([r for r in regressed if r not in ("latency.p95 +10%", "latency.p99 +20%")], [], out)

    def test_shell_lines_call_only_scripts_this_test_runs(self):
        lines = github_lines(self.github) + gitlab_lines(self.gitlab)
        self.assertEqual({called_script(self, l) for l in lines}, SCRIPTS)

    def test_github_main_then_a_change_then_a_regression(self):
        lines = github_lines(self.github)
        steps = self.github["jobs"]["load-test"]["steps"]
        download = next(s for s in steps if s.get("uses", "").startswith("dawidd6/action-download-artifact"))
        upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact"))
        publish = next(s for s in steps if s.get("uses", "").startswith("mikepenz/action-junit-report"))
        self.assertEqual(download["with"]["name"], upload["with"]["name"])
        self.assertEqual(download["with"]["branch"], "main")
        self.assertEqual(self.github["jobs"]["load-test"]["strategy"]["matrix"]["env"], ["demo", "staging"])
        triggers = self.github.get("on", self.github.get(True))  # YAML 1.1 reads the key `on` as true
        self.assertEqual(set(triggers), {"push", "pull_request", "schedule", "workflow_dispatch"})
        self.assertIn("'schedule' && 'soak'", self.github["env"]["PROFILE"])

        junit = [publish["with"]["report_paths"]]
        main = self.workspace("main")
        code, out = self.run_job(lines, main, self.github_env("demo"))
        self.assertIn("no baseline report", out)
        report, _, failed, _ = self.check_job(main, code, out, False, junit)
        self.assert_only_stalls(failed, [], out)
        self.assertEqual(report["run"]["plan"]["environment"], "demo")
        self.assertEqual(report["run"]["plan"]["profile"], "smoke")

        def change(name, **env):
            ws = self.workspace(name)
            # What the download step does: main's uploaded reports/ unpacked into its path.
            shutil.copytree(os.path.join(main, upload["with"]["path"]), os.path.join(ws, download["with"]["path"]))
            code, out = self.run_job(lines, ws, self.github_env("demo", **env))
            return self.check_job(ws, code, out, True, junit) + (code, out)

        _, comparison, failed, regressed, code, out = change("change")
        self.assert_only_stalls(failed, regressed, out)
        self.assertEqual(len(comparison["rules"]), 5)

        # The upstream answers in 10 ms instead of 5: every request is slower, and the median
        # (what a stall of the machine moves least) doubles: the job fails on the comparison.
        report, comparison, _, regressed, code, out = change("slow-change", LLM_LATENCY="10ms")
        self.assertEqual(code, 1, out)
        self.assertIn("latency.p50 +10%", regressed)
        self.assertGreaterEqual(report["summary"]["latency_ms"]["p50"], 10.0)
        self.assertEqual(self.ran, {"examples/ci/install-stressplan.sh", "examples/ci/load-test.sh"})

    def gitlab_env(self, job_name, fake, **extra):
        job = gitlab_job(self.gitlab, job_name)
        self.assertEqual(self.gitlab["variables"], {"STRESSPLAN_PREFIX": "/opt/stressplan"})
        self.assertEqual(job["variables"], {"PROFILE": "baseline"})  # replaced by smoke
        self.assertEqual(job["parallel"]["matrix"], [{"TARGET_ENV": ["demo", "staging"]}])
        env = self.base_env(TARGET_ENV="staging", CI_API_V4_URL=fake.url, CI_PROJECT_ID="42",
                            CI_DEFAULT_BRANCH="main", CI_JOB_NAME="%s: [staging]" % job_name, CI_JOB_TOKEN=TOKEN)
        env.update(extra)
        return env

    def test_gitlab_staging_main_then_a_change_with_the_secret_kept(self):
        job = gitlab_job(self.gitlab, "load-test")
        lines = job["script"]
        self.assertEqual(gitlab_job(self.gitlab, "soak")["script"], lines)
        self.assertEqual(gitlab_job(self.gitlab, "soak")["variables"], {"PROFILE": "soak"})
        self.assertEqual(gitlab_job(self.gitlab, "soak")["rules"], [{"if": '$CI_PIPELINE_SOURCE == "schedule"'}])
        self.assertEqual(job["artifacts"]["paths"], ["reports/"])
        self.assertEqual(job["artifacts"]["when"], "always")
        with StagingWebhook(self) as staging, FakeGitLab("42") as fake:
            junit = job["artifacts"]["reports"]["junit"]
            main = self.workspace("main")
            code, out = self.run_job(lines, main, self.gitlab_env("load-test", fake, STAGING_URL=staging.url,
                                                                  WEBHOOK_SECRET=SECRET))
            self.assertIn("no artifacts of job 'load-test: [staging]' on main yet", out)
            report, _, failed, _ = self.check_job(main, code, out, False, junit)
            self.assert_only_stalls(failed, [], out)
            self.assertEqual(report["run"]["plan"]["environment"], "staging")
            fake.publish("main", "load-test: [staging]", main, job["artifacts"]["paths"])

            change = self.workspace("change")
            code, out = self.run_job(lines, change, self.gitlab_env("load-test", fake, STAGING_URL=staging.url,
                                                                    WEBHOOK_SECRET=SECRET))
            self.assertRegex(out, r"fetch-baseline: \d+ files of job 'load-test: \[staging\]' on main into baseline")
            _, comparison, failed, regressed = self.check_job(change, code, out, True, junit)
            self.assert_only_stalls(failed, regressed, out)
            self.assertEqual([token for _, _, token in fake.requests], [TOKEN, TOKEN])
            self.assertEqual(fake.requests[-1][1], {"job": ["load-test: [staging]"]})

            no_secret = self.workspace("no-secret")
            code, out = self.run_job(lines, no_secret, self.gitlab_env("load-test", fake, STAGING_URL=staging.url))
            self.assertEqual(code, 2, out)
            self.assertIn("WEBHOOK_SECRET is not set", out)
            self.assertFalse(os.path.exists(os.path.join(no_secret, "reports", "run", "report.json")))
        requests = sum(harness.read_json(os.path.join(ws, "reports", "run", "report.json"))["summary"]["requests"]
                       for ws in (main, change))
        self.assertEqual(staging.served["by_path"]["/webhook"], requests)
        for ws in (main, change):
            for root, _, files in os.walk(os.path.join(ws, "reports")):
                for name in files:
                    with open(os.path.join(root, name), encoding="utf-8", errors="replace") as f:
                        self.assertNotIn(SECRET, f.read(), os.path.join(root, name))
        self.assertEqual(self.ran, SCRIPTS)


if __name__ == "__main__":
    import unittest
    unittest.main()
