#include "plugins/reporters/prometheus/remote_write_encoding.h"

#include <snappy.h>

#include <algorithm>
#include <vector>

#include "plugins/reporters/prometheus/remote_write.pb.h"

namespace sp::prometheus_reporter {

std::string WriteRequestBytes(const Exposition& e, int64_t timestamp_ms) {
  stressplan::prompb::WriteRequest request;
  for (const Family& f : e.families) {
    for (const Sample& s : f.samples) {
      std::vector<Label> labels = e.constant_labels;
      labels.insert(labels.end(), s.labels.begin(), s.labels.end());
      labels.push_back({"__name__", f.name + s.suffix});
      std::sort(labels.begin(), labels.end(),
                [](const Label& a, const Label& b) { return a.name < b.name; });
      stressplan::prompb::TimeSeries* series = request.add_timeseries();
      for (const Label& l : labels) {
        if (l.value.empty()) continue;  // the spec: a label with an empty value is no label
        stressplan::prompb::Label* out = series->add_labels();
        out->set_name(l.name);
        out->set_value(l.value);
      }
      stressplan::prompb::Sample* sample = series->add_samples();
      sample->set_value(s.value);
      sample->set_timestamp(timestamp_ms);
    }
  }
  return request.SerializeAsString();
}

std::string RemoteWriteBody(const Exposition& e, int64_t timestamp_ms) {
  const std::string raw = WriteRequestBytes(e, timestamp_ms);
  std::string compressed;
  snappy::Compress(raw.data(), raw.size(), &compressed);
  return compressed;
}

}  // namespace sp::prometheus_reporter
