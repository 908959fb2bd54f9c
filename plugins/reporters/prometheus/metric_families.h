// The reporter's metrics as Prometheus sees them - families of samples with labels - kept
// apart from how they travel: the text exposition (text_format.h) and remote write
// (remote_write_encoding.h) both read this.
#pragma once

#include <string>
#include <vector>

namespace sp::prometheus_reporter {

struct Label {
  std::string name;
  std::string value;
};

struct Sample {
  std::string suffix;         // appended to the family's name: "", "_bucket", "_sum", "_count"
  std::vector<Label> labels;  // the sample's own labels (not the constant ones)
  double value = 0;
};

struct Family {
  std::string name;  // stressplan_requests_total
  std::string type;  // counter, gauge, histogram
  std::string help;
  std::vector<Sample> samples;
};

// What is exported at one moment: the families and the labels every sample carries (plan,
// profile, environment, run_id, segment).
struct Exposition {
  std::vector<Label> constant_labels;
  std::vector<Family> families;
};

}  // namespace sp::prometheus_reporter
