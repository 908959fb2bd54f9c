#!/usr/bin/env python3
"""Fetches a GitLab job's artifacts from the latest successful pipeline of the default branch,
the baseline examples/ci/load-test.sh compares a run with (docs/ci.md):

    examples/ci/fetch-baseline.py DEST

reads GitLab's predefined variables: CI_API_V4_URL, CI_PROJECT_ID, CI_DEFAULT_BRANCH,
CI_JOB_NAME (the same job's artifacts: "load-test: [staging]" on main for "load-test: [staging]"
here) and CI_JOB_TOKEN, and unpacks the artifacts archive into DEST (created), where they keep
their paths (DEST/reports/run/report.json). GitLab's API:
GET /projects/:id/jobs/artifacts/:ref_name/download?job=NAME, with the JOB-TOKEN header.

Exit 0 with the artifacts in DEST, or with DEST empty when there are none yet (404: the first
pipeline of the branch, expired artifacts, a new job); 3 on any other failure (the server
refused the token, the network is down, the archive is broken), saying what failed.
"""
import io
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
import zipfile

NEEDED = ("CI_API_V4_URL", "CI_PROJECT_ID", "CI_DEFAULT_BRANCH", "CI_JOB_NAME", "CI_JOB_TOKEN")


def artifacts_url(env):
    return "%s/projects/%s/jobs/artifacts/%s/download?%s" % (
        env["CI_API_V4_URL"].rstrip("/"), urllib.parse.quote(env["CI_PROJECT_ID"], safe=""),
        urllib.parse.quote(env["CI_DEFAULT_BRANCH"], safe=""),
        urllib.parse.urlencode({"job": env["CI_JOB_NAME"]}))


def download(url, token):
    """The archive's bytes, or None when GitLab has no such artifacts (404)."""
    request = urllib.request.Request(url, headers={"JOB-TOKEN": token})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.read()
    except urllib.error.HTTPError as e:
        if e.code == 404:
            return None
        raise


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: %s DEST\n" % argv[0])
        return 2
    dest = argv[1]
    missing = [name for name in NEEDED if not os.environ.get(name)]
    if missing:
        sys.stderr.write("fetch-baseline: %s not set (GitLab CI sets them)\n" % ", ".join(missing))
        return 2
    url = artifacts_url(os.environ)
    os.makedirs(dest, exist_ok=True)
    try:
        data = download(url, os.environ["CI_JOB_TOKEN"])
        if data is None:
            print("fetch-baseline: no artifacts of job %r on %s yet: no baseline"
                  % (os.environ["CI_JOB_NAME"], os.environ["CI_DEFAULT_BRANCH"]))
            return 0
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            archive.extractall(dest)
            names = archive.namelist()
    except (OSError, zipfile.BadZipFile) as e:
        sys.stderr.write("fetch-baseline: %s: %s\n" % (url, e))
        return 3
    print("fetch-baseline: %d files of job %r on %s into %s"
          % (len(names), os.environ["CI_JOB_NAME"], os.environ["CI_DEFAULT_BRANCH"], dest))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
