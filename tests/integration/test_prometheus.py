"""The Prometheus reporter read by the real thing: Debian's prometheus (scripts/install-deps.sh)
started on loopback with its own config and storage, once scraping the reporter's /metrics
during a run against nginx, once receiving the series by remote write, and once receiving them
over https with basic authentication (its --web.config.file: a certificate of a CA the test
makes, a bcrypt password). After each run the test asks Prometheus' HTTP API for the final
values and compares them with the JSON report: the counters exactly, the p95 from
histogram_quantile within the bucket it falls in.
"""
import base64
import json
import os
import shutil
import signal
import ssl
import subprocess
import time
import unittest
import urllib.parse
import urllib.request

import harness

# Fine bounds around loopback latencies (ms), so the p95 check means something.
BUCKETS = "[0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 25, 100, 1000]"

PLAN = """\
target: {plugin: http, base_url: "${TARGET_URL}"}
scenarios:
  - name: s
    requests:
      - {name: ok, path: /hello}
      - {name: missing, path: /nothing}
profile: p
profiles: {p: {stages: [{duration: 4s, rate: 100/s}]}}
chaos:
  steps:
    - {name: blip, at: 1s, duration: 2s, fault: command, inject: ["true"], revert: ["true"]}
reporters:
  - {plugin: json, path: report.json}
  - plugin: prometheus
    %s
    buckets: %s
    run_id: "${RUN_ID}"
"""


PASSWORD = "push-secret-7"


def openssl(*args):
    subprocess.run(["openssl"] + list(args), check=True, capture_output=True, timeout=60)


def make_server_pki(folder):
    """A CA and a certificate it signs for 127.0.0.1; returns (ca.crt, server.crt, server.key)."""
    os.makedirs(folder)
    p = lambda name: os.path.join(folder, name)  # noqa: E731
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", p("ca.key"), "-out", p("ca.crt"), "-subj", "/CN=test-ca", "-days", "2")
    with open(p("server.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", p("server.key"), "-out", p("server.csr"), "-subj", "/CN=127.0.0.1")
    openssl("x509", "-req", "-in", p("server.csr"), "-CA", p("ca.crt"), "-CAkey", p("ca.key"),
            "-CAcreateserial", "-out", p("server.crt"), "-days", "2", "-extfile", p("server.ext"))
    return p("ca.crt"), p("server.crt"), p("server.key")


def bcrypt_hash(password):
    """What Prometheus' basic_auth_users wants. glibc's crypt (libxcrypt) does bcrypt; the
    crypt module is in Debian's python 3.11, run as a separate process so a python without it
    still runs the other tests."""
    code = ("import crypt, sys; "
            "print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH)))")
    r = subprocess.run(["/usr/bin/python3", "-W", "ignore", "-c", code, password],
                       capture_output=True, text=True, timeout=60, check=True)
    return r.stdout.strip()


class Prometheus:
    """Debian's prometheus on 127.0.0.1:<port>, its storage in `workdir`; stopped by pid. With
    `tls` = (ca, cert, key) it serves https and wants basic authentication (stressplan,
    PASSWORD)."""

    def __init__(self, workdir, scrape_target=None, tls=None):
        self.dir = os.path.join(workdir, "prometheus")
        os.makedirs(self.dir, exist_ok=True)
        self.port = harness.free_port()
        self.url = "%s://127.0.0.1:%d" % ("https" if tls else "http", self.port)
        self.scrape_target = scrape_target
        self.tls = tls
        self.proc = None

    def open(self, url, timeout):
        if not self.tls:
            return urllib.request.urlopen(url, timeout=timeout)
        request = urllib.request.Request(url, headers={
            "Authorization": "Basic " + base64.b64encode(("stressplan:" + PASSWORD).encode()).decode()})
        return urllib.request.urlopen(request, timeout=timeout,
                                      context=ssl.create_default_context(cafile=self.tls[0]))

    def web_config(self):
        """--web.config.file's arguments: https and basic authentication, when `tls`."""
        if not self.tls:
            return []
        path = os.path.join(self.dir, "web.yml")
        with open(path, "w") as f:
            f.write("tls_server_config: {cert_file: '%s', key_file: '%s'}\n"
                    "basic_auth_users: {stressplan: '%s'}\n"
                    % (self.tls[1], self.tls[2], bcrypt_hash(PASSWORD)))
        return ["--web.config.file=" + path]

    def __enter__(self):
        config = "global: {scrape_interval: 500ms, scrape_timeout: 400ms}\n"
        if self.scrape_target:
            config += ("scrape_configs:\n  - job_name: stressplan\n"
                       "    static_configs: [{targets: ['%s']}]\n" % self.scrape_target)
        with open(os.path.join(self.dir, "prometheus.yml"), "w") as f:
            f.write(config)
        self.log = open(os.path.join(self.dir, "prometheus.log"), "w")
        self.proc = subprocess.Popen(
            ["prometheus", "--config.file=" + os.path.join(self.dir, "prometheus.yml"),
             "--storage.tsdb.path=" + os.path.join(self.dir, "data"),
             "--web.listen-address=127.0.0.1:%d" % self.port,
             "--web.enable-remote-write-receiver"] + self.web_config(),
            stdout=self.log, stderr=subprocess.STDOUT)
        try:
            harness.wait_until(self.ready, 20, interval=0.1, what="prometheus to be ready")
            if self.scrape_target:
                # Its discovery hands new targets to the scrapers at most every 5 s: wait for a
                # first scrape (down: the run has not started), or the run would be over first.
                harness.wait_until(self.scraping, 20, interval=0.2, what="prometheus to scrape")
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def ready(self):
        try:
            return self.open(self.url + "/-/ready", timeout=1).status == 200
        except OSError:
            return False

    def scraping(self):
        doc = json.loads(self.open(self.url + "/api/v1/targets", timeout=5).read())
        return any(t["health"] != "unknown" for t in doc["data"]["activeTargets"])

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()

    def query(self, promql):
        """The instant vector of `promql` now: [(labels, value), ...]."""
        url = self.url + "/api/v1/query?" + urllib.parse.urlencode({"query": promql})
        doc = json.loads(self.open(url, timeout=10).read())
        assert doc["status"] == "success", doc
        return [(r["metric"], float(r["value"][1])) for r in doc["data"]["result"]]

    def by_label(self, promql, label):
        return {m.get(label, ""): v for m, v in self.query(promql)}


@unittest.skipUnless(shutil.which("prometheus"), "prometheus is not installed (scripts/install-deps.sh)")
class PrometheusReporter(harness.TempDirTest):
    def run_plan(self, nginx, reporter_lines, run_id, password=PASSWORD, expect=0):
        plan = self.write("plan.yaml", PLAN % (reporter_lines, BUCKETS) + "secrets: [PROM_PASSWORD]\n")
        out = os.path.join(self.tmp, "out-" + run_id)
        r = harness.run(["run", plan, "--report", out],
                        env={"TARGET_URL": nginx.url, "RUN_ID": run_id, "PROM_PASSWORD": password},
                        timeout=60)
        self.assertEqual(r.returncode, expect, r.stdout + r.stderr)
        self.run_output = r.stdout + r.stderr
        harness.validate_report(self, os.path.join(out, "report.json"))
        return harness.read_json(os.path.join(out, "report.json"))["summary"], out

    def check_final_values(self, prom, summary, run_id):
        """The run's last values in Prometheus equal the report's totals."""
        def final(name, label):
            # max_over_time: the counters only grow, and the series are stale once the run is over.
            return prom.by_label('max_over_time(%s{run_id="%s"}[10m])' % (name, run_id), label)

        harness.wait_until(lambda: final("stressplan_run_finished", "run_id").get(run_id) == 1, 10,
                           interval=0.2, what="the final values in prometheus")
        requests = final("stressplan_requests_total", "request")
        self.assertEqual(requests, {s["name"]: float(s["requests"]) for s in summary["requests_by_name"]})
        self.assertEqual(sum(requests.values()), summary["requests"])
        self.assertGreater(summary["requests"], 300)
        errors = final("stressplan_request_errors_total", "request")
        self.assertEqual(errors, {s["name"]: float(s["errors"]) for s in summary["requests_by_name"]})
        self.assertEqual(final("stressplan_errors_total", "kind"),
                         {k: float(v) for k, v in summary["errors_by_type"].items()})
        self.assertEqual(final("stressplan_responses_total", "status"),
                         {k: float(v) for k, v in summary["status_codes"].items()})
        self.assertEqual(final("stressplan_dropped_iterations_total", "run_id"),
                         {run_id: float(summary["dropped_iterations"])})
        count = final("stressplan_request_duration_seconds_count", "run_id")[run_id]
        self.assertEqual(count, sum(n for _, n in summary["latency_histogram"]["buckets"]))
        # The breaker of the plan: the chaos step was seen in.
        self.assertEqual(final("stressplan_chaos_step_active", "step"), {"blip": 1.0})
        labels = prom.query('max_over_time(stressplan_run_finished{run_id="%s"}[10m])' % run_id)[0][0]
        # Prometheus drops labels with empty values (a plan without environments).
        self.assertEqual((labels["plan"], labels["profile"], labels.get("environment", "")),
                         (summary["plan"]["name"], "p", summary["plan"]["environment"] or ""))
        self.check_p95(prom, summary, run_id)

    def check_p95(self, prom, summary, run_id):
        """histogram_quantile's p95 lies in the bucket (of BUCKETS) the report's p95 falls in,
        widened by the HDR histogram's 1% at each end."""
        q = prom.query('histogram_quantile(0.95, max_over_time('
                       'stressplan_request_duration_seconds_bucket{run_id="%s"}[10m]))' % run_id)
        p95_ms = q[0][1] * 1e3
        report_ms = summary["latency_ms"]["p95"]
        bounds = [0.0] + json.loads(BUCKETS)
        lo = max(b for b in bounds if b < report_ms * 0.99) if report_ms * 0.99 > 0.05 else 0.0
        hi = min(b for b in bounds if b >= report_ms * 1.01)
        self.assertTrue(lo * 0.99 <= p95_ms <= hi,
                        "histogram_quantile p95 %.4f ms, report p95 %.4f ms: not within [%s, %s]"
                        % (p95_ms, report_ms, lo, hi))

    def test_prometheus_scrapes_the_run_and_sees_the_reports_totals(self):
        with harness.Nginx(self.tmp) as nginx:
            port = harness.free_port()
            with Prometheus(self.tmp, scrape_target="127.0.0.1:%d" % port) as prom:
                lines = ('listen: "127.0.0.1:%d"\n    linger: 2s\n    address_file: prometheus.address'
                         % port)
                summary, out = self.run_plan(nginx, lines, "scrape-1")
                with open(os.path.join(out, "prometheus.address")) as f:
                    self.assertEqual(f.read(), "127.0.0.1:%d\n" % port)
                self.check_final_values(prom, summary, "scrape-1")
                # Scraped during the run, not only at the end.
                up = prom.query('sum_over_time(up{job="stressplan"}[10m])')
                self.assertGreaterEqual(up[0][1], 8)

    def test_prometheus_receives_the_run_by_remote_write(self):
        with harness.Nginx(self.tmp) as nginx:
            with Prometheus(self.tmp) as prom:
                lines = 'listen: "off"\n    remote_write: "%s/api/v1/write"' % prom.url
                summary, _ = self.run_plan(nginx, lines, "push-1")
                self.check_final_values(prom, summary, "push-1")
                self.assertEqual(
                    prom.by_label('max_over_time(stressplan_remote_write_dropped_total{run_id="push-1"}[10m])',
                                  "run_id"),
                    {"push-1": 0.0})
                # One push per document: about one a second, so more than the run's four.
                pushes = prom.query('count_over_time(stressplan_run_finished{run_id="push-1"}[10m])')
                self.assertGreaterEqual(pushes[0][1], 5)

    def test_remote_write_over_https_with_basic_authentication(self):
        tls = make_server_pki(os.path.join(self.tmp, "pki"))
        with harness.Nginx(self.tmp) as nginx:
            with Prometheus(self.tmp, tls=tls) as prom:
                lines = ('listen: "off"\n    remote_write: "%s/api/v1/write"\n'
                         '    remote_write_ca_file: "%s"\n    remote_write_username: stressplan\n'
                         '    remote_write_password: "${PROM_PASSWORD}"\n'
                         '    remote_write_headers: {X-Scope-OrgID: team-a}' % (prom.url, tls[0]))
                summary, out = self.run_plan(nginx, lines, "tls-1")
                self.check_final_values(prom, summary, "tls-1")
                # The password is a secret: nowhere in the reports.
                for name in os.listdir(out):
                    with open(os.path.join(out, name), "rb") as f:
                        self.assertNotIn(PASSWORD.encode(), f.read(), name)
                # merge replays the plan's reporters but not this one: the report holds
                # "[redacted]" where the password was, which it would send.
                merged = os.path.join(self.tmp, "merged")
                m = harness.run(["merge", "--report", merged, out], timeout=60)
                self.assertEqual(m.returncode, 0, m.stdout + m.stderr)
                self.assertIn("the prometheus reporter (plan line", m.stderr)
                self.assertIn("is not run: its options held secrets", m.stderr)
                self.assertTrue(os.path.exists(os.path.join(merged, "report.json")))

                # A wrong password: every push refused, and the run says so at its end.
                # Exit 3: a report (this reporter's push) could not be written.
                self.run_plan(nginx, lines, "tls-2", password="wrong-password", expect=3)
                self.assertIn("refused", self.run_output)
                self.assertIn("401 Unauthorized", self.run_output)
                self.assertNotIn("wrong-password", self.run_output)
                self.assertEqual(prom.query('stressplan_run_finished{run_id="tls-2"}'), [])

                # Without the CA, the receiver's certificate is not trusted: nothing is pushed.
                self.run_plan(nginx, lines.replace(tls[0], os.path.join(self.tmp, "pki", "server.crt"))
                              + "\n    remote_write_flush: 2s", "tls-3", expect=3)
                self.assertIn("certificate verify failed", self.run_output)
                self.assertEqual(prom.query('stressplan_run_finished{run_id="tls-3"}'), [])

    def test_validate_refuses_half_credentials_and_a_missing_ca_file(self):
        for lines, expected in (
                ('remote_write: "https://127.0.0.1:1/w"\n    remote_write_username: u',
                 "remote_write_username and remote_write_password go together"),
                ('remote_write: "https://127.0.0.1:1/w"\n    remote_write_ca_file: /nowhere.pem',
                 "/nowhere.pem is not a file"),
                ('remote_write: "http://127.0.0.1:1/w"\n    remote_write_headers: {X-A: [1]}',
                 'remote_write_headers: "X-A" must be a header name with a string value'),
                ('remote_write: "http://127.0.0.1:1/w"\n    remote_write_headers: {Content-Type: x}',
                 "remote_write_headers: Content-Type is set by every push itself"),
                ('remote_write: "https://127.0.0.1:1/w"\n    remote_write_ca_file: certs/ca.pem',
                 "remote_write_ca_file must be an absolute path"),
                ('remote_write: "http://u:p@127.0.0.1:1/w"',
                 "remote_write must not hold credentials")):
            plan = self.write("plan.yaml", PLAN % (lines, BUCKETS))
            r = harness.run(["validate", plan], env={"TARGET_URL": "http://127.0.0.1:1", "RUN_ID": "v"},
                            timeout=60)
            self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
            self.assertIn(expected, r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main()
