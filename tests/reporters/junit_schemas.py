"""The schemas every JUnit file the tests produce must validate against: the project's own
(junit-stressplan.xsd, beside this file: always) and the Jenkins xUnit plugin's junit-10.xsd
from ../shared/conformance when that folder exists beside the clone (a user's clone has none;
STRESSPLAN_SHARED_DIR points elsewhere, e.g. to a folder that does not exist to check that a
plain clone passes). Shared by tests/reporters and tests/integration."""
import os
import shutil
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECT_XSD = os.path.join(HERE, "junit-stressplan.xsd")
SHARED_DIR = os.environ.get("STRESSPLAN_SHARED_DIR", os.path.join(HERE, "..", "..", "..", "shared"))
CONFORMANCE_XSD = os.path.join(SHARED_DIR, "conformance", "junit-10.xsd")


def schemas():
    """The project's schema, then junit-10.xsd if it is there."""
    found = [PROJECT_XSD]
    if os.path.isfile(CONFORMANCE_XSD):
        found.append(CONFORMANCE_XSD)
    return found


def xmllint():
    path = shutil.which("xmllint")
    if not path:
        raise AssertionError("xmllint not found: install libxml2-utils (scripts/install-deps.sh)")
    return path


def check(path, xsd):
    """xmllint's verdict on `path` against one schema: (ok, message)."""
    done = subprocess.run([xmllint(), "--noout", "--schema", xsd, path], capture_output=True, text=True,
                          timeout=60)
    return done.returncode == 0, done.stdout + done.stderr


def validate(test, path):
    """Asserts (unittest `test`) that `path` validates against every schema in schemas()."""
    for xsd in schemas():
        ok, message = check(path, xsd)
        if not ok:
            with open(path, encoding="utf-8", errors="replace") as f:
                message += "\n" + f.read()
        test.assertTrue(ok, "%s does not validate against %s:\n%s" % (path, os.path.basename(xsd), message))
