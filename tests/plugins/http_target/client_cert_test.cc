// client_cert, client_key and client_key_password: what create and check_options accept and
// refuse (with the option named), through the plugin's vtable as the host calls it. The
// handshakes that present the certificate are in worker_tls_test.cc.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "test_host.h"
#include "test_pki.h"

using namespace sp::http::test;

namespace {

TargetSettings Https() {
  TargetSettings t;
  t.base_url = "https://127.0.0.1:1";
  t.ca_file = TestCaFile();
  return t;
}

struct Refusal {
  std::string message, option;
};

// create refuses, and check_options (stressplan validate) refuses with the same words.
Refusal Refuse(const TargetSettings& t) {
  Target target;
  CHECK(target.Create(t, {}) == SP_INVALID_ARGUMENT);
  CHECK(target.check_status() == SP_INVALID_ARGUMENT);
  CHECK(std::string(target.check_error().message) == target.error().message);
  CHECK(std::string(target.check_error().option) == target.error().option);
  return {target.error().message, target.error().option};
}

void Accept(const TargetSettings& t) {
  Target target;
  INFO(target.error().message);
  CHECK(target.Create(t, {}) == SP_OK);
  CHECK(target.check_status() == SP_OK);
}

// A temporary file holding `text`, removed when the test case ends.
struct TextFile {
  std::string path = "/tmp/stressplan-test-pem-XXXXXX";
  explicit TextFile(const std::string& text) {
    const int fd = mkstemp(path.data());
    REQUIRE(fd >= 0);
    REQUIRE(write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
    close(fd);
  }
  ~TextFile() { std::remove(path.c_str()); }
};

}  // namespace

TEST_CASE("client_cert: a certificate and its key are accepted in the forms PEM allows",
          "[tls][client_cert]") {
  const ClientCertFiles& files = TestClientCerts();
  TargetSettings t = Https();
  t.client_cert = files.cert;
  t.client_key = files.key;
  Accept(t);

  SECTION("the key in client_cert's own file (before the certificate)") {
    t.client_cert = files.combined;
    t.client_key.reset();
    Accept(t);
  }
  SECTION("an encrypted key with its password") {
    t.client_key = files.encrypted_key;
    t.client_key_password = kClientKeyPassword;
    Accept(t);
  }
  SECTION("a password for a key that is not encrypted is not needed, and not an error") {
    t.client_key_password = "unused-password";
    Accept(t);
  }
}

TEST_CASE("client_cert: unusable files are refused before the run, naming the option",
          "[tls][client_cert]") {
  const ClientCertFiles& files = TestClientCerts();
  TargetSettings t = Https();
  t.client_cert = files.cert;
  t.client_key = files.key;

  SECTION("a missing certificate file") {
    t.client_cert = "/nonexistent/client.pem";
    const Refusal r = Refuse(t);
    CHECK(r.option == "client_cert");
    CHECK(r.message == "client_cert /nonexistent/client.pem: No such file or directory");
  }
  SECTION("a missing key file") {
    t.client_key = "/nonexistent/client.key";
    const Refusal r = Refuse(t);
    CHECK(r.option == "client_key");
    CHECK(r.message == "client_key /nonexistent/client.key: No such file or directory");
  }
  SECTION("a certificate file that is not PEM") {
    TextFile junk("not a certificate\n");
    t.client_cert = junk.path;
    const Refusal r = Refuse(t);
    CHECK(r.option == "client_cert");
    CHECK(r.message ==
          "client_cert " + junk.path + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
  }
  SECTION("a key file that holds a certificate, not a key") {
    t.client_key = files.cert;
    const Refusal r = Refuse(t);
    CHECK(r.option == "client_key");
    CHECK(r.message ==
          "client_key " + files.cert + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
  }
  SECTION("no client_key and no key in client_cert's file") {
    t.client_key.reset();
    const Refusal r = Refuse(t);
    CHECK(r.option == "client_cert");
    CHECK_THAT(r.message, Catch::EndsWith("; set client_key to the key's file"));
  }
  SECTION("a key that is not the certificate's") {
    t.client_key = files.other_ca_key;
    const Refusal r = Refuse(t);
    CHECK(r.option == "client_key");
    CHECK(r.message == "client_key " + files.other_ca_key +
                           ": the private key does not match the certificate in client_cert " +
                           files.cert);
  }
  SECTION("an encrypted key without a password") {
    t.client_key = files.encrypted_key;
    const Refusal r = Refuse(t);
    CHECK(r.option == "client_key_password");
    CHECK(r.message == "client_key " + files.encrypted_key +
                           " is encrypted; set client_key_password (from a variable listed in "
                           "secrets:)");
  }
  SECTION("an encrypted key with the wrong password, which no message repeats") {
    t.client_key = files.encrypted_key;
    t.client_key_password = "wrong-password-7a7a";
    const Refusal r = Refuse(t);
    CHECK(r.option == "client_key_password");
    CHECK(r.message == "client_key_password does not decrypt the key in " + files.encrypted_key);
    CHECK(r.message.find("wrong-password-7a7a") == std::string::npos);
  }
}

TEST_CASE("client_cert: a key or password without the certificate is refused, for any URL",
          "[tls][client_cert]") {
  for (const char* url : {"https://127.0.0.1:1", "http://127.0.0.1:1"}) {
    INFO(url);
    TargetSettings t;
    t.base_url = url;
    t.client_key = TestClientCerts().key;
    Refusal r = Refuse(t);
    CHECK(r.option == "client_key");
    CHECK(r.message ==
          "client_key is set but client_cert is not; set client_cert to the PEM file of the "
          "client certificate");
    t.client_key.reset();
    t.client_key_password = "secret-password";
    r = Refuse(t);
    CHECK(r.option == "client_key_password");
    CHECK(r.message.find("secret-password") == std::string::npos);
  }
}

TEST_CASE("client_cert: accepted and ignored with http://, like the other TLS options",
          "[tls][client_cert]") {
  TargetSettings t;
  t.base_url = "http://127.0.0.1:1";
  t.client_cert = "/nonexistent/client.pem";  // not read: http:// never presents it
  t.client_key = "/nonexistent/client.key";
  t.client_key_password = "pass-word";
  Accept(t);
}
