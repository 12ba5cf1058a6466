#include "text/word_split.h"

#include <utf8proc.h>

#include <algorithm>

#include "rnngen/error.h"
#include "text/code_points.h"

namespace rnngen::text {
namespace {

// Python's "cased" property: Lu, Ll, Lt, or any letter with a case mapping (Other_Lowercase
// modifier letters such as U+00AA are approximated by the mapping test).
bool is_cased(char32_t c) {
  const auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(c));
  if (cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LL || cat == UTF8PROC_CATEGORY_LT)
    return true;
  const auto cp = static_cast<utf8proc_int32_t>(c);
  return utf8proc_tolower(cp) != cp || utf8proc_toupper(cp) != cp;
}

// Unicode Case_Ignorable: Mn, Me, Cf, Lm, Sk, or Word_Break MidLetter/MidNumLet/Single_Quote.
bool is_case_ignorable(char32_t c) {
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(c))) {
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_CF:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_SK:
      return true;
    default:
      break;
  }
  static constexpr char32_t kMidLetters[] = {0x27,   0x2E,   0x3A,   0xB7,   0x387,  0x55F,
                                             0x5F4,  0x2018, 0x2019, 0x2024, 0x2027, 0xFE13,
                                             0xFE52, 0xFE55, 0xFF07, 0xFF0E, 0xFF1A};
  return std::find(std::begin(kMidLetters), std::end(kMidLetters), c) != std::end(kMidLetters);
}

// CPython's handle_capital_sigma: Σ lower-cases to ς after a cased letter (case-ignorables
// skipped) unless a cased letter follows (again skipping case-ignorables).
bool is_final_sigma(const std::u32string& s, size_t i) {
  size_t j = i;
  while (j > 0 && is_case_ignorable(s[j - 1])) --j;
  if (j == 0 || !is_cased(s[j - 1])) return false;
  size_t k = i + 1;
  while (k < s.size() && is_case_ignorable(s[k])) ++k;
  return k == s.size() || !is_cased(s[k]);
}

// Python str.split() whitespace: bidi classes WS, B, S and category Zs.
bool is_python_space(char32_t c) {
  if ((c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0) return true;
  if (c < 0x1680) return false;
  return c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
         c == 0x202F || c == 0x205F || c == 0x3000;
}

// Appends Python's lower case of s[i]; the whole of s is its context (final sigma).
void append_python_lower(const std::u32string& s, size_t i, std::u32string& out) {
  const char32_t c = s[i];
  if (c == 0x3A3) {
    out += is_final_sigma(s, i) ? char32_t{0x3C2} : char32_t{0x3C3};
  } else if (c == 0x130) {  // the one unconditional multi-character lower-case mapping
    out += U'i';
    out += char32_t{0x307};
  } else {
    out += static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(c)));
  }
}

// text_to_word_sequence on text[begin, end), appended to words.
void keras_words_of(std::string_view text, size_t begin, size_t end, const std::u32string& filters,
                    const std::u32string& split, bool lower, const std::string& source,
                    std::vector<Word>& words) {
  std::vector<CodePoint> cps;
  for (size_t pos = begin; pos < end;) {
    const auto [cp, n] = code_point_at(text, pos, source);
    cps.push_back({cp, pos});
    pos += n;
  }
  std::u32string original;
  original.reserve(cps.size());
  for (const auto& cp : cps) original += cp.value;

  // Lower-case code point by code point (not python_lower on the whole) so every result
  // keeps the source offset of the character it came from.
  std::u32string lowered;
  std::vector<size_t> offsets, ends;  // source bytes [offset, end) of each lowered character
  lowered.reserve(cps.size());
  offsets.reserve(cps.size());
  ends.reserve(cps.size());
  for (size_t i = 0; i < cps.size(); ++i) {
    if (lower)
      append_python_lower(original, i, lowered);
    else
      lowered += original[i];
    offsets.resize(lowered.size(), cps[i].offset);
    ends.resize(lowered.size(), i + 1 < cps.size() ? cps[i + 1].offset : end);
  }

  // str.translate: each filter character becomes the split string.
  std::u32string translated;
  std::vector<size_t> translated_offsets, translated_ends;
  translated.reserve(lowered.size());
  translated_offsets.reserve(lowered.size());
  translated_ends.reserve(lowered.size());
  for (size_t i = 0; i < lowered.size(); ++i) {
    if (std::binary_search(filters.begin(), filters.end(), lowered[i])) {
      translated += split;
      translated_offsets.resize(translated.size(), offsets[i]);
      translated_ends.resize(translated.size(), ends[i]);
    } else {
      translated += lowered[i];
      translated_offsets.push_back(offsets[i]);
      translated_ends.push_back(ends[i]);
    }
  }

  // str.split(split): non-overlapping matches left to right; empty pieces are dropped.
  std::string current;
  size_t start = 0, stop = 0;
  auto finish = [&] {
    if (!current.empty()) words.push_back({std::move(current), start, stop});
    current.clear();
  };
  for (size_t i = 0; i < translated.size();) {
    if (translated.compare(i, split.size(), split) == 0) {
      finish();
      i += split.size();
      continue;
    }
    if (current.empty()) start = translated_offsets[i];
    stop = translated_ends[i];
    append_utf8(current, translated[i]);
    ++i;
  }
  finish();
}

}  // namespace

std::vector<Word> keras_words(std::string_view text, const KerasSplitOptions& options,
                              const std::string& source) {
  if (options.split.empty()) throw InputError("word tokenizer: the split string is empty");
  std::u32string filters, split;
  for (const auto& cp : code_points(options.filters, "filters")) filters += cp.value;
  for (const auto& cp : code_points(options.split, "split")) split += cp.value;
  std::sort(filters.begin(), filters.end());

  std::vector<Word> words;
  // When '\n' turns into a one-character split, no word and no final-sigma context crosses
  // a line end ('\n' is neither cased nor case-ignorable), so lines can be done one at a time
  // with the same result and a fraction of the memory.
  const bool newline_splits =
      split.size() == 1 &&
      (split[0] == U'\n' || std::binary_search(filters.begin(), filters.end(), U'\n'));
  if (!newline_splits) {
    keras_words_of(text, 0, text.size(), filters, split, options.lower, source, words);
    return words;
  }
  for (size_t pos = 0; pos < text.size();) {
    const size_t nl = text.find('\n', pos);
    const size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
    keras_words_of(text, pos, end, filters, split, options.lower, source, words);
    pos = end;
  }
  return words;
}

std::vector<Word> ptb_words(std::string_view text, const std::string& eos,
                            const std::string& source) {
  std::vector<Word> words;
  std::string current;
  size_t start = 0;
  bool line_has_text = false;  // a final line without '\n' counts only when not empty
  auto finish = [&] {
    const size_t stop = start + current.size();  // before current is moved from
    if (!current.empty()) words.push_back({std::move(current), start, stop});
    current.clear();
  };
  for (size_t pos = 0; pos < text.size();) {
    const auto [cp, n] = code_point_at(text, pos, source);
    if (cp == '\n') {
      finish();
      words.push_back({eos, pos, pos + 1});
      line_has_text = false;
    } else if (line_has_text = true; is_python_space(cp)) {
      finish();
    } else {
      if (current.empty()) start = pos;
      current.append(text.substr(pos, n));
    }
    pos += n;
  }
  finish();
  if (line_has_text) words.push_back({eos, text.size(), text.size()});
  return words;
}

}  // namespace rnngen::text
