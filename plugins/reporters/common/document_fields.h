// Fields of a run's documents, read defensively: a missing or mistyped field reads as absent,
// so a reporter never fails a run over a field a newer or older host spells differently.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace sp::reporters {

// j[key], or null when `j` is not an object or has no `key`.
const nlohmann::json& Field(const nlohmann::json& j, const char* key);
// j[key] when it is a string, else "".
std::string Text(const nlohmann::json& j, const char* key);
// j[key] when it is a finite number.
std::optional<double> Number(const nlohmann::json& j, const char* key);
double NumberOr(const nlohmann::json& j, const char* key, double fallback);
// j[key] when it is a boolean.
std::optional<bool> Bool(const nlohmann::json& j, const char* key);

}  // namespace sp::reporters
