#include "text/hangul.h"

namespace rnngen::text::hangul {

char32_t compatibility_jamo(char32_t leading) {
  // ㄱ ㄲ ㄴ ㄷ ㄸ ㄹ ㅁ ㅂ ㅃ ㅅ ㅆ ㅇ ㅈ ㅉ ㅊ ㅋ ㅌ ㅍ ㅎ: the compatibility block interleaves
  // the final-only clusters, so the mapping is a table, not an offset.
  static constexpr char32_t kTable[kLeadingCount] = {
      0x3131, 0x3132, 0x3134, 0x3137, 0x3138, 0x3139, 0x3141, 0x3142, 0x3143, 0x3145,
      0x3146, 0x3147, 0x3148, 0x3149, 0x314A, 0x314B, 0x314C, 0x314D, 0x314E};
  return is_leading(leading) ? kTable[leading - kLeadingBase] : leading;
}

}  // namespace rnngen::text::hangul
