"""HTTP/2 through `stressplan run` (docs/targets/http.md "HTTP/2") against nginx on loopback:
prior-knowledge h2c and h2 over TLS (ALPN), checked against nginx's own access log, which must
count exactly the report's requests and say HTTP/2.0 for each; max_streams multiplexes users'
requests on fewer connections; nginx's `return 444` resets the stream (RST_STREAM), which is a
stream_reset and leaves the connection in use; a TLS server without h2 is refused."""
import json
import os
import subprocess

import harness

CONF = """
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 4096; }}
http {{
  log_format h2 '$connection $request_uri $status $server_protocol';
  access_log {dir}/access.log h2;
  client_body_temp_path {dir}/body;
  keepalive_requests 1000000;
  server {{
    listen 127.0.0.1:{port} http2;
    listen 127.0.0.1:@TLS_H2@ ssl http2;
    listen 127.0.0.1:@TLS_H1@ ssl;
    ssl_certificate {dir}/cert.pem;
    ssl_certificate_key {dir}/key.pem;
    root {dir}/www;
    location /hello {{ return 200 "hello"; }}
    location /reset {{ return 444; }}
    location /big.bin {{ }}
  }}
}}
"""

BIG = 3 * 1024 * 1024  # over our 1 MiB stream window and nginx's 64 KiB: flow control must run


class Http2Nginx(harness.Nginx):
    """harness.Nginx with h2c on `port`, h2 over TLS on `tls_h2_port`, HTTP/1.1 over TLS only
    on `tls_h1_port`, a test certificate for 127.0.0.1 and a 3 MiB file /big.bin."""

    def __init__(self, workdir):
        super().__init__(workdir)
        self.tls_h2_port = harness.free_port()
        self.tls_h1_port = harness.free_port()
        self.CONF = CONF.replace("@TLS_H2@", str(self.tls_h2_port)).replace("@TLS_H1@", str(self.tls_h1_port))
        os.makedirs(os.path.join(self.dir, "www"), exist_ok=True)
        with open(os.path.join(self.dir, "www", "big.bin"), "wb") as f:
            f.write(os.urandom(BIG))
        # nginx's worker runs as nobody when the tests run as root: it must reach the file.
        for path in (workdir, self.dir, os.path.join(self.dir, "www")):
            os.chmod(path, 0o755)
        self.cert = os.path.join(self.dir, "cert.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-keyout", os.path.join(self.dir, "key.pem"), "-out", self.cert,
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                       check=True, capture_output=True)

    def log(self):
        """(connection, path, status, protocol) of each request nginx served."""
        with open(os.path.join(self.dir, "access.log"), encoding="utf-8") as f:
            return [tuple(line.split()) for line in f if line.strip()]


class Http2(harness.TempDirTest):
    def run_plan(self, nginx, base_url, requests, stage, expect=0, **target):
        doc = {
            "name": "h2",
            "target": dict({"plugin": "http", "base_url": base_url, "protocol": "http2"}, **target),
            "scenarios": [{"name": "s", "requests": requests}],
            "profile": "p",
            "profiles": {"p": {"stages": [stage]}},
            "workers": 1,
            "reporters": [{"plugin": "json", "path": "report.json"}],
        }
        plan = self.write("plan.yaml", json.dumps(doc, indent=1))
        out = os.path.join(self.tmp, "out")
        r = harness.run(["run", plan, "--report", out, "--quiet"])
        report = os.path.join(out, "report.json")
        summary = harness.read_json(report)["summary"] if os.path.exists(report) else None
        self.assertEqual(r.returncode, expect, "%s%s\n%s" % (r.stdout, r.stderr, summary))
        harness.validate_report(self, report)
        return summary, nginx.log()

    def assert_all_http2(self, summary, log):
        self.assertGreater(len(log), 0)
        self.assertEqual(summary["requests"], len(log))  # each exactly once, as nginx saw them
        self.assertEqual({entry[3] for entry in log}, {"HTTP/2.0"})

    def test_h2c_counts_match_nginx_and_large_bodies_stream(self):
        steps = [{"name": "hello", "path": "/hello", "checks": [{"body_contains": "hello"}]},
                 {"name": "post", "method": "POST", "path": "/hello", "body": '{"a": 1}'},
                 {"name": "big", "path": "/big.bin"}]
        with Http2Nginx(self.tmp) as nginx:
            summary, log = self.run_plan(nginx, nginx.url, steps, {"duration": "2s", "users": 4})
        self.assert_all_http2(summary, log)
        self.assertEqual(summary["errors"], 0, summary["errors_by_type"])
        self.assertGreater(sum(1 for e in log if e[1] == "/big.bin"), 0)
        # Response bytes are the frames' payloads: at least every body, 3 MiB per /big.bin.
        bigs = sum(1 for e in log if e[1] == "/big.bin")
        self.assertGreaterEqual(summary["bytes_received"], bigs * BIG)

    def test_server_reset_is_a_stream_reset_and_the_connection_goes_on(self):
        steps = [{"name": "reset", "path": "/reset"}, {"name": "hello", "path": "/hello"}]
        with Http2Nginx(self.tmp) as nginx:
            summary, log = self.run_plan(nginx, nginx.url, steps, {"duration": "2s", "users": 2},
                                         expect=0)
        self.assert_all_http2(summary, log)
        resets = sum(1 for e in log if e[1] == "/reset")
        self.assertGreater(resets, 0)
        self.assertEqual(summary["errors_by_type"], {"stream_reset": resets})
        # A stream reset is not a connection reset: the users kept their connections.
        self.assertLessEqual(len({e[0] for e in log}), 2)

    def test_max_streams_multiplexes_users_on_fewer_connections(self):
        steps = [{"name": "hello", "path": "/hello"}]
        with Http2Nginx(self.tmp) as nginx:
            summary, log = self.run_plan(nginx, nginx.url, steps, {"duration": "2s", "users": 20},
                                         max_streams=10)
        self.assert_all_http2(summary, log)
        self.assertEqual(summary["errors"], 0, summary["errors_by_type"])
        self.assertLessEqual(len({e[0] for e in log}), 2)  # 20 users, 10 streams each

    def test_open_model_with_max_streams_counts_every_request(self):
        steps = [{"name": "hello", "path": "/hello"}, {"name": "big", "path": "/big.bin"}]
        with Http2Nginx(self.tmp) as nginx:
            summary, log = self.run_plan(nginx, nginx.url, steps, {"duration": "2s", "rate": "100/s"},
                                         max_streams=10)
        self.assert_all_http2(summary, log)
        self.assertEqual(summary["errors"], 0, summary["errors_by_type"])
        self.assertAlmostEqual(summary["requests"], 400, delta=8)

    def test_h2_over_tls_by_alpn(self):
        steps = [{"name": "hello", "path": "/hello"}, {"name": "big", "path": "/big.bin"}]
        with Http2Nginx(self.tmp) as nginx:
            url = "https://127.0.0.1:%d" % nginx.tls_h2_port
            summary, log = self.run_plan(nginx, url, steps, {"duration": "2s", "users": 3},
                                         ca_file=nginx.cert)
        self.assert_all_http2(summary, log)
        self.assertEqual(summary["errors"], 0, summary["errors_by_type"])

    def test_tls_server_without_h2_is_refused_before_the_run(self):
        # nginx without http2 answers ALPN h2 with a no_application_protocol alert: preflight
        # says so, and nothing is sent in HTTP/1.1.
        doc = {"name": "h2", "target": {"plugin": "http", "protocol": "http2", "ca_file": "",
                                        "base_url": ""},
               "scenarios": [{"name": "s", "requests": [{"name": "hello", "path": "/hello"}]}],
               "profile": "p", "profiles": {"p": {"stages": [{"duration": "1s", "users": 1}]}}}
        with Http2Nginx(self.tmp) as nginx:
            doc["target"]["base_url"] = "https://127.0.0.1:%d" % nginx.tls_h1_port
            doc["target"]["ca_file"] = nginx.cert
            plan = self.write("plan.yaml", json.dumps(doc))
            r = harness.run(["run", plan, "--report", os.path.join(self.tmp, "out"), "--quiet"])
            log = nginx.log()
        self.assertEqual(r.returncode, 3, r.stdout + r.stderr)  # the target is not reachable
        self.assertIn("refused ALPN h2", r.stderr)
        self.assertEqual(log, [])

if __name__ == "__main__":
    import unittest
    unittest.main()
