"""scripts/package-service.sh, which scripts/install-deps.sh uses to stop the nginx or prometheus
that installing Debian's package started: it must stop that one only, never a user's. Real nginx
and prometheus processes stand in for both (their own pid files, loopback ports); a fake
systemctl records what it is asked. Nothing is installed."""
import os
import stat
import subprocess
import time
import unittest

import harness

SCRIPT = os.path.join(harness.SOURCE_DIR, "scripts", "package-service.sh")


def script(*args, env=None, service="nginx"):
    full = {k: v for k, v in os.environ.items() if k not in ("SYSTEMCTL", "SERVICE_PID_FILE")}
    full.update(env or {})
    return subprocess.run(["bash", SCRIPT, service] + list(args), env=full, capture_output=True,
                          text=True, timeout=30)


def pid_file(nginx):
    return os.path.join(nginx.dir, "nginx.pid")


def read_pid_file(nginx):
    try:
        with open(pid_file(nginx)) as f:
            return f.read().strip()
    except FileNotFoundError:
        return ""


def wait_for_pid_file(nginx):
    harness.wait_until(lambda: read_pid_file(nginx), 10, what="nginx's pid file")


def exited(nginx, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if nginx.proc.poll() is not None:
            return True
        time.sleep(0.05)
    return False


class PackageNginx(harness.TempDirTest):
    def nginx(self, name):
        return harness.Nginx(os.path.join(self.tmp, name))

    def test_without_systemd_only_the_nginx_the_package_started_is_stopped(self):
        # A user's nginx, started from its own pid file before the install, and still serving.
        with self.nginx("user") as user:
            wait_for_pid_file(user)
            package_pid_file = os.path.join(self.tmp, "package", "nginx", "nginx.pid")
            env = {"SERVICE_PID_FILE": package_pid_file}
            before = script("state", env=env)
            self.assertEqual(before.returncode, 0, before.stderr)
            if os.path.isdir("/run/systemd/system"):
                self.skipTest("systemd runs here: the pid-file path is not the one taken")
            self.assertEqual(before.stdout.strip(), "unit=none pid=0")
            # The install starts the package's nginx, which writes the package's pid file.
            with self.nginx("package") as package:
                wait_for_pid_file(package)
                self.assertEqual(pid_file(package), package_pid_file)
                r = script("stop-new", before.stdout.strip(), env=env)
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                self.assertIn("pid %d" % package.proc.pid, r.stdout)
                self.assertTrue(exited(package), "the package's nginx was not stopped")
            self.assertIsNone(user.proc.poll(), "the user's nginx was stopped")
            self.assertEqual(subprocess.run(["curl", "-sf", user.url + "/hello"], capture_output=True,
                                            text=True, timeout=10).stdout, "hello")

    def test_without_systemd_an_nginx_running_before_is_left_alone(self):
        # The user's nginx uses the very pid file the package uses: it was there before, so it stays.
        with self.nginx("user") as user:
            wait_for_pid_file(user)
            if os.path.isdir("/run/systemd/system"):
                self.skipTest("systemd runs here: the pid-file path is not the one taken")
            env = {"SERVICE_PID_FILE": pid_file(user)}
            before = script("state", env=env).stdout.strip()
            self.assertEqual(before, "unit=none pid=%d" % user.proc.pid)
            r = script("stop-new", before, env=env)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertEqual(r.stdout, "")
            time.sleep(0.3)
            self.assertIsNone(user.proc.poll(), "the user's nginx was stopped")

    def fake_systemctl(self, active):
        """A systemctl that says the nginx unit is `active` and logs every call."""
        path = os.path.join(self.tmp, "systemctl")
        log = os.path.join(self.tmp, "systemctl.log")
        with open(path, "w") as f:
            f.write('#!/bin/sh\necho "$@" >> %s\n'
                    'if [ "$1" = is-active ]; then [ "$(cat %s)" = active ]; exit $?; fi\nexit 0\n'
                    % (log, os.path.join(self.tmp, "unit-state")))
        os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
        self.set_unit(active)
        return path, log

    def set_unit(self, state):
        with open(os.path.join(self.tmp, "unit-state"), "w") as f:
            f.write(state)

    def calls(self, log):
        if not os.path.exists(log):
            return []
        with open(log) as f:
            return f.read().splitlines()

    def test_with_systemd_the_unit_is_stopped_only_if_the_install_started_it(self):
        systemctl, log = self.fake_systemctl("inactive")
        env = {"SYSTEMCTL": systemctl, "SERVICE_PID_FILE": os.path.join(self.tmp, "none.pid")}
        before = script("state", env=env).stdout.strip()
        self.assertEqual(before, "unit=inactive pid=0")
        self.set_unit("active")  # the package's postinst started it
        r = script("stop-new", before, env=env)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("disable --now nginx", self.calls(log))

        # Running before the install: the user's, left alone.
        os.remove(log)
        before = script("state", env=env).stdout.strip()
        self.assertEqual(before, "unit=active pid=0")
        r = script("stop-new", before, env=env)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual([c for c in self.calls(log) if not c.startswith("is-active")], [])

    def test_without_systemd_the_prometheus_the_package_started_is_stopped(self):
        # The package's init script starts prometheus with a pid file (start-stop-daemon
        # --make-pidfile); a real prometheus on loopback stands in for it.
        if os.path.isdir("/run/systemd/system"):
            self.skipTest("systemd runs here: the pid-file path is not the one taken")
        package_pid_file = os.path.join(self.tmp, "prometheus", "prometheus.pid")
        env = {"SERVICE_PID_FILE": package_pid_file}
        before = script("state", env=env, service="prometheus")
        self.assertEqual(before.stdout.strip(), "unit=none pid=0", before.stderr)
        os.makedirs(os.path.dirname(package_pid_file))
        config = self.write("prometheus.yml", "global: {}\n")
        with open(os.path.join(self.tmp, "prometheus.log"), "w") as log:
            proc = subprocess.Popen(
                ["prometheus", "--config.file", config, "--web.listen-address",
                 "127.0.0.1:%d" % harness.free_port(), "--storage.tsdb.path",
                 os.path.join(self.tmp, "data")], stdout=log, stderr=subprocess.STDOUT)
        try:
            with open(package_pid_file, "w") as f:
                f.write("%d\n" % proc.pid)
            # Not a prometheus we know of before: nginx's name does not match it.
            self.assertEqual(script("state", env=env).stdout.strip(), "unit=none pid=0")
            r = script("stop-new", before.stdout.strip(), env=env, service="prometheus")
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertIn("stopping the prometheus the package started (pid %d" % proc.pid, r.stdout)
            proc.wait(timeout=30)  # stopped (SIGTERM: during its start-up it dies of it)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()

    def test_an_unknown_service_is_refused(self):
        r = script("state", service="postgresql")
        self.assertEqual(r.returncode, 2)
        self.assertIn("usage: package-service.sh nginx|prometheus", r.stderr)

    def test_install_deps_no_longer_kills_by_name(self):
        with open(os.path.join(harness.SOURCE_DIR, "scripts", "install-deps.sh"), encoding="utf-8") as f:
            text = f.read()
        code = "\n".join(l for l in text.splitlines() if not l.lstrip().startswith("#"))
        self.assertNotIn("pkill", code)
        self.assertNotIn("killall", code)
        self.assertIn("package-service.sh", code)


if __name__ == "__main__":
    unittest.main()
