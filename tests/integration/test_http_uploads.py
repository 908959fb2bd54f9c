"""Multipart uploads through `stressplan run` (docs/targets/http.md "Multipart uploads"): a small
HTTP/1.1 server in this process parses every multipart/form-data body it receives with Python's
own email parser; each upload must carry the plan's fields and the file's exact bytes (found
relative to the plan's folder), and the report must count exactly the uploads the server
received. Over HTTP/2 the uploads go through a private nginx (h2c) that passes them on to the
same server: every one must still arrive whole. A plan naming a missing file fails in
`stressplan validate`, at the file's line."""
import email.parser
import email.policy
import http.server
import json
import os
import threading
import unittest

import harness


class UploadServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), UploadHandler)
        self.lock = threading.Lock()
        self.uploads = []  # per request: [(name, filename or None, content type, bytes)]


class UploadHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        head = b"Content-Type: " + self.headers["Content-Type"].encode() + b"\r\n\r\n"
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
        parts = [(p.get_param("name", header="content-disposition"), p.get_filename(),
                  p.get_content_type(), p.get_payload(decode=True)) for p in message.iter_parts()]
        with self.server.lock:
            self.server.uploads.append(parts)
        self.send_response(201)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class Uploads(harness.TempDirTest):
    def setUp(self):
        super().setUp()
        self.server = UploadServer()
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        os.makedirs(os.path.join(self.tmp, "fixtures"))
        self.photo = bytes(range(256)) * 1024 + b"\r\n--end"  # 256 KiB and a near-boundary tail
        with open(os.path.join(self.tmp, "fixtures", "photo.jpg"), "wb") as f:
            f.write(self.photo)

    def tearDown(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
        super().tearDown()

    def plan(self, photo_path, **target):
        doc = {
            "name": "uploads",
            "target": dict({"plugin": "http", "base_url": "http://127.0.0.1:%d" % self.server.server_port},
                           **target),  # a base_url in `target` replaces the server's
            "scenarios": [{"name": "album", "requests": [
                {"name": "upload", "method": "POST", "path": "/photos",
                 "multipart": {"title": "Our cat", "tags": ["pets", "cats"],
                               "photo": {"file": photo_path}}},
            ]}],
            "profile": "p",
            "profiles": {"p": {"stages": [{"duration": "1s", "users": 3}]}},
            "reporters": [{"plugin": "json", "path": "report.json"}],
        }
        # Written from another folder's point of view: relative paths must follow the plan.
        return self.write("plan.yaml", json.dumps(doc, indent=1))

    def check_uploads(self, plan):
        out = os.path.join(self.tmp, "out")
        r = harness.run(["run", plan, "--report", out], cwd="/")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        summary = harness.read_json(os.path.join(out, "report.json"))["summary"]
        self.assertGreater(len(self.server.uploads), 3)
        for parts in self.server.uploads:
            self.assertEqual(parts, [("title", None, "text/plain", b"Our cat"),
                                     ("tags", None, "text/plain", b"pets"),
                                     ("tags", None, "text/plain", b"cats"),
                                     ("photo", "photo.jpg", "image/jpeg", self.photo)])
        self.assertEqual(summary["requests"], len(self.server.uploads))
        self.assertEqual(summary["errors"], 0, summary["errors_by_type"])

    def test_every_upload_arrives_whole_and_is_counted(self):
        self.check_uploads(self.plan("fixtures/photo.jpg"))

    def test_over_http2_every_upload_arrives_whole_and_is_counted(self):
        nginx = harness.Nginx(self.tmp)
        nginx.LISTEN = "http2"
        nginx.LOG_FORMAT = "$server_protocol $status"
        nginx.LOCATIONS = """
    client_max_body_size 10m;
    client_body_buffer_size 1m;  # in memory: the worker (nobody, as root) cannot write temp files here
    location / { proxy_pass http://127.0.0.1:%d; }""" % self.server.server_port
        with nginx:
            self.check_uploads(self.plan("fixtures/photo.jpg", protocol="http2", base_url=nginx.url))
            with open(os.path.join(nginx.dir, "access.log"), encoding="utf-8") as f:
                log = [line.split() for line in f if line.strip()]
        self.assertEqual(len(log), len(self.server.uploads))
        self.assertEqual({tuple(fields) for fields in log}, {("HTTP/2.0", "201")})

    def test_a_missing_file_fails_validate_at_its_line(self):
        plan = self.plan("fixtures/missing.jpg")
        r = harness.run(["validate", plan])
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("plan.yaml:", r.stderr)
        self.assertIn("missing.jpg", r.stderr)
        self.assertIn("No such file or directory", r.stderr)
        self.assertEqual(self.server.uploads, [])


if __name__ == "__main__":
    unittest.main()
