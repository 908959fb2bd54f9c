// Text for the HTML page: escaping for element content and attribute values, JSON that is
// safe inside a <script> element, and the number formats the page uses throughout.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace sp::html {

// `text` escaped for element content and quoted attribute values alike: & < > " ' become
// references, and control characters other than tab, newline and carriage return are dropped.
// Every string from the plan, the server or a plugin reaches the page through this.
std::string Html(std::string_view text);

// `value` as JSON text that can sit inside <script type="application/json">: every < > & is
// written \u003c \u003e \u0026 (so neither "</script" nor "<!--" can appear) and U+2028/U+2029
// as \u2028/\u2029. Still valid JSON: those characters only occur inside strings. Invalid UTF-8
// is replaced by U+FFFD.
std::string ScriptJson(const nlohmann::json& value);

// Number formats, all locale-independent.
std::string Count(double n);                  // "4,808"
std::string Decimal(double v, int decimals);  // "961.3", with thousands separators
std::string Ms(double ms);                    // "0.074", "12.3", "1,234": 3 significant-ish digits
std::string Plain(double v);                  // whole numbers as Count, others as Ms
std::string Bytes(double n);                  // "512 B", "1.1 MB", "2.0 GB"
std::string Percent(double fraction);         // "0.25%", "<0.01%", "0%"
std::string Seconds(double s);                // "5.0 s", "2 m 05 s", "1 h 02 m"
std::string Clock(double s);                  // axis labels: "30s", "1:30", "1:02:00"

}  // namespace sp::html
