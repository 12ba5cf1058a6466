// Hangul syllable arithmetic (The Unicode Standard, ch. 3.12 "Conjoining Jamo Behavior"):
// a precomposed syllable U+AC00..U+D7A3 is exactly one leading consonant (L, U+1100..U+1112),
// one vowel (V, U+1161..U+1175) and an optional trailing consonant (T, U+11A8..U+11C2).
// Only these modern jamo compose; archaic jamo never do.
#pragma once

namespace rnngen::text::hangul {

inline constexpr char32_t kSyllableBase = 0xAC00, kLeadingBase = 0x1100, kVowelBase = 0x1161,
                          kTrailingBase = 0x11A7;  // kTrailingBase itself is "no trailing"
inline constexpr int kLeadingCount = 19, kVowelCount = 21, kTrailingCount = 28;
inline constexpr int kPerLeading = kVowelCount * kTrailingCount;  // 588
inline constexpr int kSyllableCount = kLeadingCount * kPerLeading;  // 11172

constexpr bool is_syllable(char32_t c) {
  return c >= kSyllableBase && c < kSyllableBase + kSyllableCount;
}
constexpr bool is_leading(char32_t c) {
  return c >= kLeadingBase && c < kLeadingBase + kLeadingCount;
}
constexpr bool is_vowel(char32_t c) { return c >= kVowelBase && c < kVowelBase + kVowelCount; }
constexpr bool is_trailing(char32_t c) {
  return c > kTrailingBase && c < kTrailingBase + kTrailingCount;
}
// A syllable without a trailing consonant: the only kind a trailing jamo can join.
constexpr bool is_lv_syllable(char32_t c) {
  return is_syllable(c) && (c - kSyllableBase) % kTrailingCount == 0;
}

struct Jamo {
  char32_t leading, vowel, trailing;  // trailing == 0 when the syllable has none
};

constexpr Jamo decompose(char32_t syllable) {
  const int s = static_cast<int>(syllable - kSyllableBase);
  const int t = s % kTrailingCount;
  return {kLeadingBase + static_cast<char32_t>(s / kPerLeading),
          kVowelBase + static_cast<char32_t>(s % kPerLeading / kTrailingCount),
          t == 0 ? char32_t{0} : kTrailingBase + static_cast<char32_t>(t)};
}

constexpr char32_t compose_lv(char32_t leading, char32_t vowel) {
  return kSyllableBase +
         static_cast<char32_t>((leading - kLeadingBase) * kPerLeading +
                               (vowel - kVowelBase) * kTrailingCount);
}
constexpr char32_t compose_lvt(char32_t lv_syllable, char32_t trailing) {
  return lv_syllable + (trailing - kTrailingBase);
}

// The Hangul Compatibility Jamo (U+3131..) that shows a leading consonant on its own, the
// way a keyboard prints a consonant typed without its vowel.
char32_t compatibility_jamo(char32_t leading);

}  // namespace rnngen::text::hangul
