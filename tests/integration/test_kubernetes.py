"""deploy/kubernetes without a cluster (none can run here; docs/distributed.md says what was and
was not run for real):

- render.py's objects validate against the Kubernetes API models (python3-kubernetes builds each
  typed object from them and refuses unknown types and missing required fields), and the Job is
  an Indexed Job of N completions run N at a time, every pod with the same start instant;
- entrypoint.sh maps the environment an Indexed Job gives its pods to stressplan's flags: N
  processes started here with exactly that environment (JOB_COMPLETION_INDEX, HOSTNAME,
  STRESSPLAN_SEGMENTS, ...) run the plan's segments against nginx, and the merge role waits for
  their reports and merges them: the merged count equals nginx's access log;
- the image's runtime packages cover every library the built binary and plugins load."""
import os
import re
import signal
import subprocess
import sys
import time
import unittest

import yaml

import harness

RENDER = os.path.join(harness.SOURCE_DIR, "deploy", "kubernetes", "render.py")
ENTRYPOINT = os.path.join(harness.SOURCE_DIR, "deploy", "kubernetes", "entrypoint.sh")
VALIDATE = os.path.join(harness.SOURCE_DIR, "deploy", "kubernetes", "validate.py")
VALIDATOR_PYTHON = "/usr/bin/python3"
DOCKERFILE = os.path.join(harness.SOURCE_DIR, "deploy", "docker", "Dockerfile")
# In debian:12-slim already, or the sanitizer runtime of the test build.
BASE_PACKAGES = {"libc6", "libgcc-s1", "libstdc++6", "libasan8", "libubsan1"}
# Pulled in by the Poco packages the image installs.
POCO_DEPENDENCIES = {"libexpat1", "libpcre3"}

PLAN = """
name: k8s-small
target:
  plugin: http
  base_url: "${TARGET_URL}"
scenarios:
  - name: s
    requests:
      - {name: hello, path: /hello}
profiles:
  p:
    stages:
      - {duration: 2s, users: 5}
profile: p
workers: 1
reporters:
  - {plugin: json, path: report.json}
"""


def package_of(path):
    """The Debian package that installed a library: dpkg knows it under /lib or /usr/lib (Debian
    12 merges them by a symlink), so each spelling is asked."""
    real = os.path.realpath(path)
    for candidate in (path, real, "/usr" + path, real[len("/usr"):] if real.startswith("/usr/") else real):
        owner = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if owner.returncode == 0:
            return owner.stdout.split(":")[0]
    raise AssertionError("no Debian package owns %s" % path)


def render(*args):
    return subprocess.run([sys.executable, RENDER] + list(args), capture_output=True, text=True, timeout=60)


class Kubernetes(harness.TempDirTest):
    def test_rendered_objects_validate_against_the_api_models(self):
        r = render("--plan", os.path.join(harness.PLANS, "bench.yaml"), "--segments", "3",
                   "--image", "registry.example/stressplan:0.1.0", "--now", "1000",
                   "--start-in", "90", "--set-env", "TARGET_URL=http://shop:8080", "--args", "--profile bench")
        self.assertEqual(r.returncode, 0, r.stderr)
        docs = [d for d in yaml.safe_load_all(r.stdout) if d]
        self.assertEqual([d["kind"] for d in docs], ["ConfigMap", "PersistentVolumeClaim", "Job", "Job"])
        rendered = os.path.join(self.tmp, "job.yaml")
        with open(rendered, "w", encoding="utf-8") as f:
            f.write(r.stdout)
        # validate.py runs under Debian's python (python3-kubernetes), whatever python runs ctest.
        v = subprocess.run([VALIDATOR_PYTHON, VALIDATE, rendered], capture_output=True, text=True, timeout=120)
        self.assertEqual(v.returncode, 0, v.stdout + v.stderr)
        self.assertEqual(v.stdout.count(": valid"), 4, v.stdout)
        # A misspelt key is dropped by the typed model, and validate.py says where.
        broken = os.path.join(self.tmp, "broken.yaml")
        with open(broken, "w", encoding="utf-8") as f:
            f.write(r.stdout.replace("completionMode:", "completionMod:", 1))
        v = subprocess.run([VALIDATOR_PYTHON, VALIDATE, broken], capture_output=True, text=True, timeout=120)
        self.assertEqual(v.returncode, 1, v.stdout + v.stderr)
        self.assertIn("completionMod", v.stdout)
        config, _, segments, merge = docs
        with open(os.path.join(harness.PLANS, "bench.yaml"), encoding="utf-8") as f:
            self.assertEqual(config["data"]["plan.yaml"], f.read())
        spec = segments["spec"]
        self.assertEqual((spec["completionMode"], spec["completions"], spec["parallelism"]), ("Indexed", 3, 3))
        self.assertEqual(spec["backoffLimit"], 0)
        pod = spec["template"]["spec"]
        self.assertEqual(pod["restartPolicy"], "Never")
        self.assertTrue(pod["securityContext"]["runAsNonRoot"])
        env = {e["name"]: e["value"] for e in pod["containers"][0]["env"]}
        self.assertEqual(env["STRESSPLAN_SEGMENTS"], "3")
        self.assertEqual(env["STRESSPLAN_START_AT"], "1970-01-01T00:18:10.000Z")  # 1000 s + 90 s
        self.assertEqual(env["TARGET_URL"], "http://shop:8080")
        self.assertEqual(env["STRESSPLAN_ARGS"], "--profile bench")
        # Each run has a folder of its own on the volume, named after its start.
        self.assertEqual(env["STRESSPLAN_REPORTS"], "/reports/run-19700101T001810Z")
        merge_pod = merge["spec"]["template"]["spec"]
        self.assertEqual(merge_pod["containers"][0]["args"], ["merge"])
        self.assertNotIn("completionMode", merge["spec"])
        merge_env = {e["name"]: e["value"] for e in merge_pod["containers"][0]["env"]}
        self.assertEqual(merge_env["STRESSPLAN_REPORTS"], env["STRESSPLAN_REPORTS"])
        self.assertEqual(merge_env["STRESSPLAN_MERGE_WAIT"], str(90 + 3600))  # the start, then 1 h
        # The merge asks for little CPU: it must not keep a segment from being scheduled.
        self.assertEqual(merge_pod["containers"][0]["resources"]["requests"]["cpu"], "100m")
        self.assertEqual(pod["containers"][0]["resources"]["requests"]["cpu"], "1")

    def test_render_refuses_bad_input(self):
        bench = os.path.join(harness.PLANS, "bench.yaml")
        for args, message in [
                (["--plan", "/nowhere.yaml", "--segments", "2", "--image", "i"], "no such file"),
                (["--plan", bench, "--segments", "0", "--image", "i"], "--segments must be from 1"),
                (["--plan", bench, "--segments", "2", "--image", "i", "--name", "Bad_Name"], "DNS label"),
                (["--plan", bench, "--segments", "2", "--image", "i", "--set-env", "=x"], "NAME=VALUE"),
                (["--plan", bench, "--segments", "2", "--image", "i", "--set-env", "STRESSPLAN_SEGMENTS=9"],
                 "the Job's own"),
                (["--plan", bench, "--segments", "2", "--image", "i", "--start-at", "tomorrow"],
                 "not an RFC 3339 instant")]:
            r = render(*args)
            self.assertEqual(r.returncode, 2, args)
            self.assertIn(message, r.stderr)

    def pod_env(self, nginx, reports, segments, index=None):
        """The environment an Indexed Job's pod gets (the Job's env, and Kubernetes' own)."""
        env = {"STRESSPLAN_PLAN": self.plan, "STRESSPLAN_REPORTS": reports,
               "STRESSPLAN_SEGMENTS": str(segments), "STRESSPLAN_START_AT": self.start_at,
               "STRESSPLAN_ARGS": "--quiet", "STRESSPLAN_BIN": harness.STRESSPLAN,
               "TARGET_URL": nginx.url, "STRESSPLAN_MERGE_WAIT": "60"}
        if index is not None:
            env.update({"JOB_COMPLETION_INDEX": str(index), "HOSTNAME": "stressplan-segments-%d-x7k2p" % index})
        return env

    def test_an_indexed_job_simulated_with_processes_and_merged(self):
        segments = 3
        reports = os.path.join(self.tmp, "reports")
        self.plan = self.write("plan.yaml", PLAN)
        self.start_at = "%.3f" % (time.time() + 3)
        with harness.Nginx(self.tmp) as nginx:
            # The merge pod starts with the others and waits for their reports.
            merge = subprocess.Popen(["sh", ENTRYPOINT, "merge"], env=dict(os.environ, **self.pod_env(
                nginx, reports, segments)), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            pods = [subprocess.Popen(["sh", ENTRYPOINT, "run"], env=dict(os.environ, **self.pod_env(
                nginx, reports, segments, i)), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for i in range(segments)]
            for i, pod in enumerate(pods):
                _, err = pod.communicate(timeout=120)
                self.assertEqual(pod.returncode, 0, "segment %d: %s" % (i, err))
            out, err = merge.communicate(timeout=120)
            self.assertEqual(merge.returncode, 0, out + err)
            served = nginx.served("/hello")
        for i in range(segments):
            seg = harness.read_json(os.path.join(reports, "segment-%d" % i, "report.json"))
            self.assertEqual(seg["segment"], {"index": i, "count": segments})
            self.assertIn("requested", seg["start"])
        merged = harness.read_json(os.path.join(reports, "merged", "report.json"))["summary"]
        self.assertEqual(merged["requests"], served)
        self.assertEqual([s["index"] for s in merged["segments"]], list(range(segments)))
        for i in range(segments):
            with open(os.path.join(reports, "segment-%d.exit-code" % i)) as f:
                self.assertEqual(f.read(), "0\n")

    def test_a_segment_that_fails_its_thresholds_completes_and_sigterm_reaches_stressplan(self):
        reports = os.path.join(self.tmp, "reports")
        self.start_at = ""
        with harness.Nginx(self.tmp) as nginx:
            # A threshold no run can pass: stressplan exits 1, the pod 0 (the Job goes on), and
            # the code is kept beside the report.
            self.plan = self.write("failing.yaml", PLAN + "thresholds: ['requests < 1']\n")
            r = subprocess.run(["sh", ENTRYPOINT, "run"], env=dict(os.environ, **self.pod_env(
                nginx, reports, 2, 0)), capture_output=True, text=True, timeout=120)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(os.path.join(reports, "segment-0.exit-code")) as f:
                self.assertEqual(f.read(), "1\n")
            # The pod's SIGTERM (its deletion) goes to stressplan, which stops and still writes
            # its report: exit 130, kept as the pod's code too.
            self.plan = self.write("long.yaml", PLAN.replace("duration: 2s", "duration: 60s"))
            before = nginx.served("/hello")
            pod = subprocess.Popen(["sh", ENTRYPOINT, "run"], env=dict(os.environ, **self.pod_env(
                nginx, reports, 2, 1)), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            # Load from this run, not the one before: stressplan handles signals from then on.
            harness.wait_until(lambda: nginx.served("/hello") > before, 30, what="the segment's load")
            pod.send_signal(signal.SIGTERM)
            _, err = pod.communicate(timeout=60)
        self.assertEqual(pod.returncode, 130, err)
        with open(os.path.join(reports, "segment-1.exit-code")) as f:
            self.assertEqual(f.read(), "130\n")
        report = harness.read_json(os.path.join(reports, "segment-1", "report.json"))
        self.assertEqual(report["summary"]["status"], "interrupted")

    def test_the_entrypoint_refuses_a_missing_variable(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("STRESSPLAN", "JOB_"))}
        env.update({"STRESSPLAN_PLAN": "/p.yaml", "STRESSPLAN_REPORTS": "/r", "STRESSPLAN_SEGMENTS": "2"})
        r = subprocess.run(["sh", ENTRYPOINT, "run"], env=env, capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 2)
        self.assertIn("JOB_COMPLETION_INDEX is not set", r.stderr)
        r = subprocess.run(["sh", ENTRYPOINT, "serve"], env=env, capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown role 'serve'", r.stderr)

    def test_the_image_installs_every_library_the_build_loads(self):
        with open(DOCKERFILE, encoding="utf-8") as f:
            text = f.read()
        runtime = text[text.rindex("FROM debian:12-slim"):]
        listed = set(re.findall(r"\b(lib[a-z0-9.+-]+|zlib1g|ca-certificates)\b", runtime))
        build = os.environ["STRESSPLAN_BUILD_DIR"]
        files = [harness.STRESSPLAN] + [os.path.join(build, "lib", "stressplan", "plugins", f)
                                        for f in os.listdir(os.path.join(build, "lib", "stressplan", "plugins"))]
        needed = set()
        for f in files:
            for line in subprocess.run(["ldd", f], capture_output=True, text=True).stdout.splitlines():
                m = re.search(r"=> (/\S+)", line)
                if not m:
                    continue
                needed.add(package_of(m.group(1)))
        missing = needed - listed - BASE_PACKAGES - POCO_DEPENDENCIES
        self.assertEqual(missing, set(), "libraries the build loads but the image does not install")


if __name__ == "__main__":
    unittest.main()
