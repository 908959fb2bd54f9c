#include "core/plan/suggest.h"

#include <algorithm>
#include <cctype>

#include "core/plan/diagnostic.h"

namespace sp::plan {

int EditDistance(const std::string& a_in, const std::string& b_in) {
  std::string a = a_in, b = b_in;
  auto lower = [](std::string& s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  };
  lower(a);
  lower(b);
  const size_t n = a.size(), m = b.size();
  // Optimal string alignment distance over three rolling rows.
  std::vector<int> prev2(m + 1), prev(m + 1), cur(m + 1);
  for (size_t j = 0; j <= m; ++j) prev[j] = static_cast<int>(j);
  for (size_t i = 1; i <= n; ++i) {
    cur[0] = static_cast<int>(i);
    for (size_t j = 1; j <= m; ++j) {
      int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
      }
    }
    prev2.swap(prev);
    prev.swap(cur);
  }
  return prev[m];
}

std::string ClosestMatch(const std::string& word, const std::vector<std::string>& candidates) {
  const int allowed = std::min<int>(3, std::max<int>(1, static_cast<int>(word.size()) / 3));
  std::string best;
  int best_distance = allowed + 1;
  for (const std::string& c : candidates) {
    // The distance is at least the difference in length: skip the quadratic work (a
    // hostile 10 MB key against the known names).
    const size_t diff = word.size() > c.size() ? word.size() - c.size() : c.size() - word.size();
    if (diff > static_cast<size_t>(allowed)) continue;
    int d = EditDistance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

std::string DidYouMean(const std::string& word, const std::vector<std::string>& candidates) {
  std::string match = ClosestMatch(word, candidates);
  if (match.empty()) return "";
  return " (did you mean \"" + match + "\"?)";
}

std::string JoinNames(const std::vector<std::string>& names) {
  if (names.empty()) return "none";
  std::string out;
  for (const std::string& n : names) {
    if (!out.empty()) out += ", ";
    out += Excerpt(n);
  }
  return out;
}

}  // namespace sp::plan
