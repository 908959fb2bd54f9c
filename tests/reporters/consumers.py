"""Shared by the consumer tests: make a report from a (possibly modified) fixture stream with
the built plugin, through render_report, the same harness the Catch2 tests use."""
import copy
import json
import os
import subprocess
import tempfile

RENDER_REPORT = os.environ.get("RENDER_REPORT", "")
FIXTURE = os.environ.get("REPORTERS_FIXTURE", "")
OUTPUT_DIR = os.environ.get("REPORTERS_OUTPUT_DIR", "")


def fixture():
    """The fixed stream: a list of documents (run_start, snapshots, an event, the summary)."""
    with open(FIXTURE, encoding="utf-8") as f:
        return json.load(f)


def variant(change):
    """The fixture after change(documents) edited it in place."""
    documents = copy.deepcopy(fixture())
    change(documents)
    return documents


def render(plugin, documents, path, **options):
    """Writes the report for `documents` to `path`; raises AssertionError with the reason."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
        json.dump(documents, f)
        stream = f.name
    try:
        args = [RENDER_REPORT, plugin, stream, "path=" + path]
        args += ["%s=%s" % kv for kv in options.items()]
        done = subprocess.run(args, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise AssertionError("render_report failed: " + done.stderr)
    finally:
        os.unlink(stream)
    return path


def output_path(name):
    """Where a test keeps a file for people to look at (the build folder), or None."""
    if not OUTPUT_DIR:
        return None
    os.makedirs(OUTPUT_DIR, exist_ok=True)
    return os.path.join(OUTPUT_DIR, name)
