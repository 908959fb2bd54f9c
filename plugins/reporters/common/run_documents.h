// The run's documents (reporter.h) handed to a reporter one at a time, parsed and sorted by
// kind: the run_start and summary documents to its OnRunStart and OnSummary, each snapshot and
// event to its OnSnapshot and OnEvent. A reporter that has no OnSnapshot and OnEvent does not
// need them, and they are not even parsed.
#pragma once

#include <stressplan/reporter.h>

#include <nlohmann/json.hpp>
#include <utility>

namespace sp::reporters {

template <class Reporter>
concept ReadsSnapshots = requires(Reporter& r, nlohmann::json d) { r.OnSnapshot(std::move(d)); };
template <class Reporter>
concept ReadsEvents = requires(Reporter& r, nlohmann::json d) { r.OnEvent(std::move(d)); };

// Parses `doc` and hands it to `reporter` by `kind`. Throws what nlohmann::json::parse throws
// for a document that is not JSON.
template <class Reporter>
void DeliverDocument(Reporter& reporter, sp_document_kind kind, sp_str doc) {
  constexpr bool kReadsStream = ReadsSnapshots<Reporter>;
  static_assert(kReadsStream == ReadsEvents<Reporter>,
                "a reporter reads both snapshots and events (OnSnapshot, OnEvent) or neither");
  if constexpr (!kReadsStream) {
    if (kind != SP_DOC_RUN_START && kind != SP_DOC_SUMMARY) return;
  }
  nlohmann::json d = nlohmann::json::parse(doc.ptr, doc.ptr + doc.len);
  switch (kind) {
    case SP_DOC_RUN_START: reporter.OnRunStart(std::move(d)); break;
    case SP_DOC_SNAPSHOT:
      if constexpr (kReadsStream) reporter.OnSnapshot(std::move(d));
      break;
    case SP_DOC_EVENT:
      if constexpr (kReadsStream) reporter.OnEvent(std::move(d));
      break;
    case SP_DOC_SUMMARY: reporter.OnSummary(std::move(d)); break;
  }
}

}  // namespace sp::reporters
