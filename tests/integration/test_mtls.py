"""Mutual TLS against a real nginx on loopback (`ssl_verify_client on`): the target's
client_cert is presented on every connection and the report's request count equals nginx's
own; a missing or foreign certificate is reported as what nginx really does with it.

What nginx 1.22 does (TLS 1.2 and 1.3 alike): with `ssl_verify_client on` alone it completes
every handshake and answers each request 400 ("No required SSL certificate was sent" / "The
SSL certificate error"), so those requests are http_4xx, logged with $ssl_client_verify NONE
or FAILED:...; with `ssl_conf_command VerifyMode Peer,Require` a missing certificate fails the
handshake instead, which the target reports as tls_client_cert (TLS 1.3: on each request, the
verdict arriving after the client's handshake; TLS 1.2: already in preflight)."""
import os
import subprocess
import unittest

import harness

KEY_PASSWORD = "kp-51e0c7-mtls-secret"


def mtls_conf():
    """harness.Nginx's configuration, serving https that requires client certificates (the
    log format is MtlsNginx.LOG_FORMAT)."""
    old = "listen 127.0.0.1:{port}{listen};"
    assert old in harness.Nginx.CONF, old
    return harness.Nginx.CONF.replace(old,
                                      "listen 127.0.0.1:{port} ssl;\n"
                                      "    ssl_certificate @PKI@/server.crt;\n"
                                      "    ssl_certificate_key @PKI@/server.key;\n"
                                      "    ssl_protocols @PROTOCOLS@;\n"
                                      "    ssl_client_certificate @PKI@/ca.crt;\n"
                                      "    ssl_verify_client on;\n"
                                      "    @EXTRA@")


PLAN = """\
secrets: [KEY_PASSWORD]
target:
  plugin: http
  base_url: "${TARGET_URL}"
  ca_file: pki/ca.crt
  tls_min_version: "${TLS_MIN}"
%s
scenarios:
  - name: s
    requests:
      - {name: hello, path: /hello}
profile: p
profiles: {p: {stages: [{duration: 1s, users: 2}]}}
reporters:
  - {plugin: json, path: report.json}
"""

WITH_CERT = """\
  client_cert: pki/client.crt
  client_key: pki/client.key
  client_key_password: "${KEY_PASSWORD}"
"""
OTHER_CA_CERT = """\
  client_cert: pki/stranger.pem
"""


def openssl(*args):
    subprocess.run(["openssl"] + list(args), check=True, capture_output=True, timeout=60)


def make_pki(folder):
    """A CA signing the server (127.0.0.1) and the client (key encrypted with KEY_PASSWORD);
    another CA signing a stranger, whose key and certificate share one file."""
    os.makedirs(folder)
    p = lambda name: os.path.join(folder, name)  # noqa: E731
    for ca in ("ca", "other-ca"):
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", p(ca + ".key"), "-out", p(ca + ".crt"), "-subj", "/CN=" + ca, "-days", "2")
    with open(p("server.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
    with open(p("client.ext"), "w") as f:
        f.write("extendedKeyUsage=clientAuth\n")
    for name, ca, ext in (("server", "ca", "server.ext"), ("client", "ca", "client.ext"),
                          ("stranger", "other-ca", "client.ext")):
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", p(name + ".plain.key"), "-out", p(name + ".csr"), "-subj", "/CN=" + name)
        openssl("x509", "-req", "-in", p(name + ".csr"), "-CA", p(ca + ".crt"), "-CAkey", p(ca + ".key"),
                "-CAcreateserial", "-out", p(name + ".crt"), "-days", "2", "-extfile", p(ext))
    os.rename(p("server.plain.key"), p("server.key"))
    openssl("pkcs8", "-topk8", "-in", p("client.plain.key"), "-out", p("client.key"),
            "-v2", "aes-256-cbc", "-passout", "pass:" + KEY_PASSWORD)
    with open(p("stranger.pem"), "w") as out:
        for part in ("stranger.crt", "stranger.plain.key"):
            with open(p(part)) as f:
                out.write(f.read())


class MtlsNginx(harness.Nginx):
    """harness.Nginx serving https with client certificates required, logging each request's
    status, protocol and $ssl_client_verify."""

    LOG_FORMAT = "$status|$ssl_protocol|$ssl_client_verify"
    started = 0

    def __init__(self, workdir, pki, protocols, extra=""):
        MtlsNginx.started += 1  # each its own folder, so each access log starts empty
        super().__init__(os.path.join(workdir, "nginx-%d" % MtlsNginx.started))
        self.url = "https://127.0.0.1:%d" % self.port
        self.CONF = (mtls_conf().replace("@PKI@", pki).replace("@PROTOCOLS@", protocols)
                     .replace("@EXTRA@", extra))

    def log_lines(self):
        with open(os.path.join(self.dir, "access.log")) as f:
            return [line.rstrip("\n").split("|") for line in f if line.strip()]


VERSIONS = (("TLSv1.2", "1.2"), ("TLSv1.3", "1.3"))


class MutualTls(harness.TempDirTest):
    def setUp(self):
        super().setUp()
        make_pki(os.path.join(self.tmp, "pki"))

    def run_plan(self, nginx, tls_min, target_lines, name):
        plan = self.write(name + ".yaml", PLAN % target_lines)
        out = os.path.join(self.tmp, name)
        r = harness.run(["run", plan, "--report", out],
                        env={"TARGET_URL": nginx.url, "TLS_MIN": tls_min, "KEY_PASSWORD": KEY_PASSWORD})
        return r, out

    def summary_of(self, r, out):
        self.assertNotIn(KEY_PASSWORD, r.stdout + r.stderr)
        with open(os.path.join(out, "report.json"), encoding="utf-8") as f:
            text = f.read()
        self.assertNotIn(KEY_PASSWORD, text)  # a secret: [redacted] in the recorded options
        harness.validate_report(self, os.path.join(out, "report.json"))
        return harness.read_json(os.path.join(out, "report.json"))["summary"]

    def test_the_right_certificate_every_request_succeeds_and_counts_match(self):
        for protocol, tls_min in VERSIONS:
            with self.subTest(protocol), MtlsNginx(self.tmp, os.path.join(self.tmp, "pki"), protocol) as nginx:
                r, out = self.run_plan(nginx, tls_min, WITH_CERT, "ok-" + tls_min)
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                summary = self.summary_of(r, out)
                self.assertGreater(summary["requests"], 10)
                self.assertEqual(summary["errors"], 0, summary["errors_by_type"])
                lines = nginx.log_lines()
                self.assertEqual(len(lines), summary["requests"])
                for line in lines:
                    self.assertEqual(line, ["200", protocol, "SUCCESS"])

    def test_nginx_answers_a_missing_or_foreign_certificate_with_400(self):
        for protocol, tls_min in VERSIONS:
            for label, lines in (("none", ""), ("other-ca", OTHER_CA_CERT)):
                with self.subTest(protocol=protocol, cert=label), \
                        MtlsNginx(self.tmp, os.path.join(self.tmp, "pki"), protocol) as nginx:
                    r, out = self.run_plan(nginx, tls_min, lines, "%s-%s" % (label, tls_min))
                    summary = self.summary_of(r, out)
                    self.assertGreater(summary["requests"], 10)
                    self.assertEqual(summary["errors_by_type"], {"http_4xx": summary["requests"]})
                    self.assertEqual(summary["status_codes"], {"400": summary["requests"]})
                    logged = nginx.log_lines()
                    self.assertEqual(len(logged), summary["requests"])
                    for line in logged:
                        self.assertEqual(line[:2], ["400", protocol])
                        if label == "none":
                            self.assertEqual(line[2], "NONE", line)
                        else:
                            self.assertTrue(line[2].startswith("FAILED:"), line)

    def test_a_missing_certificate_refused_in_tls_is_tls_client_cert(self):
        require = "ssl_conf_command VerifyMode Peer,Require;"
        pki = os.path.join(self.tmp, "pki")
        with MtlsNginx(self.tmp, pki, "TLSv1.3", require) as nginx:
            r, out = self.run_plan(nginx, "1.3", "", "required-1.3")
            summary = self.summary_of(r, out)
            self.assertGreater(summary["requests"], 10)
            self.assertEqual(summary["errors_by_type"], {"tls_client_cert": summary["requests"]})
            self.assertEqual(nginx.log_lines(), [])  # no request got past the handshake
        # TLS 1.2: the refusal is in the handshake, so preflight stops the run before any load.
        with MtlsNginx(self.tmp, pki, "TLSv1.2", require) as nginx:
            r, _ = self.run_plan(nginx, "1.2", "", "required-1.2")
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("the server requires a client certificate and none is set (client_cert): "
                          "sslv3 alert handshake failure; set client_cert", r.stderr)
            self.assertEqual(nginx.log_lines(), [])

    def test_validate_refuses_a_wrong_key_password_without_echoing_it(self):
        plan = self.write("wrong.yaml", PLAN % WITH_CERT)
        wrong = "wrong-kp-0d15ea5e"
        r = harness.run(["validate", plan], env={"TARGET_URL": "https://127.0.0.1:1", "TLS_MIN": "1.2",
                                                 "KEY_PASSWORD": wrong})
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("client_key_password does not decrypt the key in", r.stderr)
        self.assertNotIn(wrong, r.stdout + r.stderr)
        r = harness.run(["validate", plan], env={"TARGET_URL": "https://127.0.0.1:1", "TLS_MIN": "1.2",
                                                 "KEY_PASSWORD": KEY_PASSWORD})
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main()
