#!/usr/bin/env bash
# Installs what stressplan needs to build and test, from Debian 12 packages. Idempotent: when
# everything is present it installs nothing and does not touch the network. Arguments name
# further packages to install the same way.
set -euo pipefail

packages=(
  g++ cmake ninja-build ccache pkg-config python3
  libyaml-cpp-dev libpoco-dev libboost-dev libboost-filesystem-dev nlohmann-json3-dev catch2
  libssl-dev
  zlib1g-dev libbrotli-dev  # gzip/deflate and br response decoding (lib/http_body)
  libnghttp2-dev  # HTTP/2 in the http target (plugins/http_target/h2_session.h)
  nginx-light   # a real server for the integration tests
  libxml2-utils chromium  # xmllint and headless Chromium check the JUnit and HTML reports (tests/reporters)
  python3-jsonschema  # validates reports against docs/report-schema.json in the tests
  python3-yaml        # reads the CI examples (tests/integration/test_ci_examples.py)
  universal-ctags     # scripts/function-lengths.py measures the functions (a test)
  clang-format-14     # scripts/check-format.sh checks the layout of changed lines (CI, a test)
  # The Prometheus reporter's remote write (plugins/reporters/prometheus): its wire format is
  # protobuf (protoc compiles remote_write.proto) compressed with snappy.
  libprotobuf-dev protobuf-compiler libsnappy-dev
  prometheus  # a real Prometheus scrapes and receives the reporter (tests/integration/test_prometheus.py)
  python3-kubernetes  # deploy/kubernetes is checked against the API models (tests)
)
packages+=("$@")  # extra packages a caller needs (scripts/fuzz.sh: clang 14 and libFuzzer)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
# The nginx and prometheus packages start a system daemon (ports 80 and 9090); the tests start
# their own. Stop the ones the install started, and nothing else (scripts/package-service.sh).
package_service="$(dirname "$0")/package-service.sh"
declare -A before=()
for pair in nginx-light:nginx prometheus:prometheus; do
  if [[ " ${missing[*]} " == *" ${pair%%:*} "* ]]; then before[${pair#*:}]="$("$package_service" "${pair#*:}" state)"; fi
done
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
for service in "${!before[@]}"; do "$package_service" "$service" stop-new "${before[$service]}"; done
