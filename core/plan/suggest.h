// "Did you mean ...?" for unknown keys, profile names, environment names and options.
#pragma once

#include <string>
#include <vector>

namespace sp::plan {

// Edit distance (insertions, deletions, substitutions, adjacent swaps), case-insensitive.
int EditDistance(const std::string& a, const std::string& b);

// The candidate closest to `word`, if it is close enough to be a plausible typo (about one
// edit per three characters, at most 3), else "". Ties go to the earlier candidate.
std::string ClosestMatch(const std::string& word, const std::vector<std::string>& candidates);

// " (did you mean \"x\"?)" or "" when nothing is close.
std::string DidYouMean(const std::string& word, const std::vector<std::string>& candidates);

// "a, b, c" (or "none" when empty).
std::string JoinNames(const std::vector<std::string>& names);

}  // namespace sp::plan
