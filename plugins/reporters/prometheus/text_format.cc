#include "plugins/reporters/prometheus/text_format.h"

#include <charconv>
#include <cmath>

namespace sp::prometheus_reporter {

namespace {

// Label values escape \ " and newline; HELP text escapes \ and newline.
std::string Escape(const std::string& s, bool quotes) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (c == '"' && quotes)
      out += "\\\"";
    else
      out += c;
  }
  return out;
}

void AppendLabels(const std::vector<Label>& constant, const std::vector<Label>& own,
                  std::string* out) {
  if (constant.empty() && own.empty()) return;
  *out += '{';
  bool first = true;
  for (const auto* list : {&constant, &own}) {
    for (const Label& l : *list) {
      if (!first) *out += ',';
      first = false;
      *out += l.name + "=\"" + Escape(l.value, true) + '"';
    }
  }
  *out += '}';
}

}  // namespace

std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string TextExposition(const Exposition& e) {
  std::string out;
  for (const Family& f : e.families) {
    out += "# HELP " + f.name + " " + Escape(f.help, false) + "\n";
    out += "# TYPE " + f.name + " " + f.type + "\n";
    for (const Sample& s : f.samples) {
      out += f.name + s.suffix;
      AppendLabels(e.constant_labels, s.labels, &out);
      out += ' ' + FormatValue(s.value) + '\n';
    }
  }
  return out;
}

}  // namespace sp::prometheus_reporter
