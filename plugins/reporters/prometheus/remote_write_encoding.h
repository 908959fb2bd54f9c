// An Exposition as a remote write 1.0 request body: a prompb WriteRequest (remote_write.proto)
// with one TimeSeries per sample - __name__, the constant labels and the sample's own, sorted
// by name as the spec requires, those with empty values left out - each with one sample at
// `timestamp_ms`, serialised and compressed in snappy's block format (not the framed one).
// libprotobuf and libsnappy do the wire formats: well-kept libraries that every Prometheus client
// uses.
#pragma once

#include <cstdint>
#include <string>

#include "plugins/reporters/prometheus/metric_families.h"

namespace sp::prometheus_reporter {

// The uncompressed WriteRequest.
std::string WriteRequestBytes(const Exposition& e, int64_t timestamp_ms);

// WriteRequestBytes, snappy-compressed: what is POSTed.
std::string RemoteWriteBody(const Exposition& e, int64_t timestamp_ms);

}  // namespace sp::prometheus_reporter
