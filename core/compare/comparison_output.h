// A comparison written out: the console's verdicts and table, compare.json (the same, for
// tools) and compare-junit.xml (one testcase per rule, for a CI's test-report view).
#pragma once

#include <cstdio>
#include <string>

#include "core/compare/comparison.h"

namespace sp::compare {

void PrintComparison(FILE* out, const Comparison& c);

std::string ComparisonJson(const Comparison& c);
std::string ComparisonJunit(const Comparison& c);

// Writes compare.json and compare-junit.xml into `dir` (created if missing), each through a
// temporary file and a rename. false with *err naming the file.
bool WriteComparison(const std::string& dir, const Comparison& c, std::string* err);

}  // namespace sp::compare
