"""stressplan-bench-sink (bench/sink/sink.cc) answers what bench/run.sh relies on: one fixed
response per request head, pipelined heads in one read included, a count on /sink_status that
matches, a 400 and a closed connection for a request with a body, and a clean exit on SIGTERM.
Runs the built binary on a free loopback port it picks itself (argument 0)."""
import os
import signal
import socket
import subprocess
import unittest

SINK = os.environ.get("STRESSPLAN_BENCH_SINK", "stressplan-bench-sink")
RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello"
HEAD = b"GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def read_exactly(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            break
        data += chunk
    return data


class SinkTest(unittest.TestCase):
    def setUp(self):
        self.proc = subprocess.Popen([SINK, "0"], stdout=subprocess.PIPE, text=True)
        self.addCleanup(self.stop)
        self.port = int(self.proc.stdout.readline())

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.proc.stdout.close()

    def connect(self):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        self.addCleanup(s.close)
        return s

    def status(self):
        s = self.connect()
        s.sendall(b"GET /sink_status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        head = b""
        while b"\r\n\r\n" not in head:
            head += s.recv(4096)
        head, _, body = head.partition(b"\r\n\r\n")
        length = int([l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")][0]
                     .split(b":")[1])
        body += read_exactly(s, length - len(body))
        return dict(l.split(" ") for l in body.decode().splitlines())

    def test_pipelined_requests_get_one_response_each_and_are_counted(self):
        s = self.connect()
        s.sendall(HEAD + HEAD)  # one write: both heads arrive in one read
        self.assertEqual(read_exactly(s, 2 * len(RESPONSE)), 2 * RESPONSE)
        s.sendall(HEAD[:10])    # a head split over two reads
        s.sendall(HEAD[10:])
        self.assertEqual(read_exactly(s, len(RESPONSE)), RESPONSE)
        self.assertEqual(self.status(), {"requests": "3", "connections": "2"})

    def test_a_request_with_a_body_is_refused_and_closed(self):
        s = self.connect()
        s.sendall(b"POST /x HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-length: 3\r\n\r\nabc")
        answer = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            answer += chunk
        self.assertTrue(answer.startswith(b"HTTP/1.1 400 "), answer)
        s2 = self.connect()
        s2.sendall(b"GET /hello HTTP/1.1\r\nContent-Length: 0\r\n\r\n")  # an empty body is fine
        self.assertEqual(read_exactly(s2, len(RESPONSE)), RESPONSE)
        self.assertEqual(self.status()["requests"], "1")

    def test_sigterm_ends_it_cleanly_with_the_count(self):
        s = self.connect()
        s.sendall(HEAD)
        self.assertEqual(read_exactly(s, len(RESPONSE)), RESPONSE)
        self.proc.send_signal(signal.SIGTERM)
        self.assertEqual(self.proc.wait(timeout=10), 0)
        self.assertEqual(self.proc.stdout.read(), "requests 1\n")


if __name__ == "__main__":
    unittest.main()
