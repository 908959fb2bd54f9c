// core/plugin/plugin_error.h: what a plugin's sp_error says, copied into the core's strings.
#include <catch2/catch.hpp>

#include <cstring>

#include "core/plugin/plugin_error.h"

using sp::plugin::PluginError;

TEST_CASE("plugin error: the three fields are copied, and Text names the option") {
  sp_error e{};
  std::strcpy(e.message, "port must be below 65536");
  std::strcpy(e.option, "listen");
  std::strcpy(e.path, "/port");
  const PluginError p = PluginError::From(e);
  CHECK(p.message == "port must be below 65536");
  CHECK(p.option == "listen");
  CHECK(p.path == "/port");
  CHECK(p.Text("no reason given") == "port must be below 65536 (option listen)");
}

TEST_CASE("plugin error: an empty message reads as the fallback") {
  const PluginError p = PluginError::From(sp_error{});
  CHECK(p.MessageOr("no reason given") == "no reason given");
  CHECK(p.Text("no reason given") == "no reason given");
}

TEST_CASE(
    "plugin error: a field filled to its last byte without a NUL is read to its end, not beyond") {
  sp_error e{};
  std::memset(e.message, 'm', sizeof e.message);
  std::memset(e.option, 'o', sizeof e.option);
  std::memset(e.path, 'p', sizeof e.path);
  const PluginError p = PluginError::From(e);
  CHECK(p.message == std::string(sizeof e.message, 'm'));
  CHECK(p.option == std::string(sizeof e.option, 'o'));
  CHECK(p.path == std::string(sizeof e.path, 'p'));
}
