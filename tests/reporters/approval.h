// Approval tests (Catch2's ApprovalTests style): a report made from a fixed document stream,
// with what legitimately changes between runs normalised away, must equal the checked-in
// baseline tests/reporters/baselines/<name> byte for byte.
//
// To accept a change, look at the diff the failing test prints, then re-run with APPROVE=1:
//   APPROVE=1 ctest --test-dir <build> -R '^reporters\.' --output-on-failure
// which rewrites the baselines in the source tree; review and keep them with the change.
#pragma once

#include <string>

namespace sp::reporters_test {

// The JUnit file with timestamp, hostname and the stressplan version replaced by placeholders.
std::string NormaliseJunit(std::string xml);
// The HTML page with the start time, the stressplan and reporter versions replaced.
std::string NormaliseHtml(std::string html);

// True if `received` equals the baseline `name`. Otherwise false, with *message saying where
// the received file was written and how to diff or approve it. With APPROVE=1 in the
// environment, writes `received` as the baseline and returns true.
bool MatchesBaseline(const std::string& name, const std::string& received, std::string* message);

}  // namespace sp::reporters_test
