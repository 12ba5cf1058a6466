#include "ops/int8_gemm.h"

#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "ops/cpu.h"
#include "ops/onednn.h"
#include "ops/parallel.h"
#include "util/check.h"

// GCC 12's AVX-512 headers make their "undefined" vectors by self-initialisation, which
// -Wmaybe-uninitialized reports at every inlined use (GCC bug 105593, fixed in GCC 13).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace rnngen::ops {

namespace {

constexpr int kWeightMax = 63;  // see the header: keeps vpmaddubsw's int16 pair sums exact
constexpr int kActMax = 127;
// A batch-1 product of fewer int8 weights than this runs on one thread: waking the other costs
// more than it saves. Measured at 2 threads on Zen 3 (LSTM x 2, rnngen bench --weights int8):
// H512 (2 MB per layer) 0.107 ms/token on one thread vs 0.155 split; H640 (3.3 MB) 0.227 vs
// 0.206; H768 (4.7 MB) 0.474 vs 0.258; H1024 (8 MB) 1.55 vs 0.51.
constexpr size_t kParallelMinBytes = size_t{3} << 20;

inline int hsum(__m256i v) {
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(1, 0, 3, 2)));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
  return _mm_cvtsi128_si32(s);
}

// sum_k xq[k] * q[k] over 32 columns into 8 int32 lanes: u8 x s8 pair sums (exact, see the
// header), then pairs of those widened and added.
inline __m256i dot32(__m256i x, const int8_t* q, __m256i acc) {
  const __m256i p = _mm256_maddubs_epi16(x, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q)));
  return _mm256_add_epi32(acc, _mm256_madd_epi16(p, _mm256_set1_epi16(1)));
}

// Rows [r0, r1) of the batch-1 product, four rows at a time (the x loads shared).
void gemv_rows(int r0, int r1, int cols, const int8_t* w, const uint8_t* x, int32_t* dots) {
  const int c32 = cols & ~31;
  int r = r0;
  for (; r + 4 <= r1; r += 4) {
    const int8_t* w0 = w + static_cast<size_t>(r) * cols;
    const int8_t* w1 = w0 + cols;
    const int8_t* w2 = w1 + cols;
    const int8_t* w3 = w2 + cols;
    __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
    int k = 0;
    const bool pf = r + 8 <= r1;  // prefetch the next four rows, as ops/gemv.cc does
    for (; k < c32; k += 32) {
      if (pf && (k & 63) == 0) {
        _mm_prefetch(reinterpret_cast<const char*>(w0 + 4 * cols + k), _MM_HINT_T0);
        _mm_prefetch(reinterpret_cast<const char*>(w1 + 4 * cols + k), _MM_HINT_T0);
        _mm_prefetch(reinterpret_cast<const char*>(w2 + 4 * cols + k), _MM_HINT_T0);
        _mm_prefetch(reinterpret_cast<const char*>(w3 + 4 * cols + k), _MM_HINT_T0);
      }
      const __m256i xv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + k));
      a0 = dot32(xv, w0 + k, a0);
      a1 = dot32(xv, w1 + k, a1);
      a2 = dot32(xv, w2 + k, a2);
      a3 = dot32(xv, w3 + k, a3);
    }
    int s0 = hsum(a0), s1 = hsum(a1), s2 = hsum(a2), s3 = hsum(a3);
    for (; k < cols; ++k) {
      s0 += x[k] * w0[k];
      s1 += x[k] * w1[k];
      s2 += x[k] * w2[k];
      s3 += x[k] * w3[k];
    }
    dots[r] = s0;
    dots[r + 1] = s1;
    dots[r + 2] = s2;
    dots[r + 3] = s3;
  }
  for (; r < r1; ++r) {
    const int8_t* w0 = w + static_cast<size_t>(r) * cols;
    __m256i a0 = _mm256_setzero_si256();
    int k = 0;
    for (; k < c32; k += 32) a0 = dot32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + k)), w0 + k, a0);
    int s0 = hsum(a0);
    for (; k < cols; ++k) s0 += x[k] * w0[k];
    dots[r] = s0;
  }
}

// The same sums with AVX512-VNNI: vpdpbusd adds four u8 x s8 products into each int32 lane
// without an int16 step, 64 columns per instruction; the column tail is one masked load (zeros
// add nothing). Integer sums, so the same results as the AVX2 kernel to the bit.
// The two halves added, then the AVX2 sum (GCC 12's _mm512_reduce_add_epi32 warns spuriously).
RNNGEN_TARGET_AVX512 inline int hsum(__m512i v) {
  return hsum(_mm256_add_epi32(_mm512_castsi512_si256(v), _mm512_extracti64x4_epi64(v, 1)));
}

RNNGEN_TARGET_AVX512_VNNI void gemv_rows_vnni(int r0, int r1, int cols, const int8_t* w, const uint8_t* x,
                                              int32_t* dots) {
  const int c64 = cols & ~63;
  const __mmask64 tail = cols > c64 ? (~__mmask64{0} >> (64 - (cols - c64))) : 0;
  const __m512i xt = _mm512_maskz_loadu_epi8(tail, x + c64);
  int r = r0;
  for (; r + 4 <= r1; r += 4) {
    const int8_t* w0 = w + static_cast<size_t>(r) * cols;
    const int8_t* w1 = w0 + cols;
    const int8_t* w2 = w1 + cols;
    const int8_t* w3 = w2 + cols;
    __m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0;
    const bool pf = r + 8 <= r1;  // the next four rows, as the AVX2 kernel does
    int k = 0;
    for (; k < c64; k += 64) {
      if (pf) {
        _mm_prefetch(reinterpret_cast<const char*>(w0 + 4 * cols + k), _MM_HINT_T0);
        _mm_prefetch(reinterpret_cast<const char*>(w1 + 4 * cols + k), _MM_HINT_T0);
        _mm_prefetch(reinterpret_cast<const char*>(w2 + 4 * cols + k), _MM_HINT_T0);
        _mm_prefetch(reinterpret_cast<const char*>(w3 + 4 * cols + k), _MM_HINT_T0);
      }
      const __m512i xv = _mm512_loadu_si512(x + k);
      a0 = _mm512_dpbusd_epi32(a0, xv, _mm512_loadu_si512(w0 + k));
      a1 = _mm512_dpbusd_epi32(a1, xv, _mm512_loadu_si512(w1 + k));
      a2 = _mm512_dpbusd_epi32(a2, xv, _mm512_loadu_si512(w2 + k));
      a3 = _mm512_dpbusd_epi32(a3, xv, _mm512_loadu_si512(w3 + k));
    }
    if (tail) {
      a0 = _mm512_dpbusd_epi32(a0, xt, _mm512_maskz_loadu_epi8(tail, w0 + k));
      a1 = _mm512_dpbusd_epi32(a1, xt, _mm512_maskz_loadu_epi8(tail, w1 + k));
      a2 = _mm512_dpbusd_epi32(a2, xt, _mm512_maskz_loadu_epi8(tail, w2 + k));
      a3 = _mm512_dpbusd_epi32(a3, xt, _mm512_maskz_loadu_epi8(tail, w3 + k));
    }
    dots[r] = hsum(a0);
    dots[r + 1] = hsum(a1);
    dots[r + 2] = hsum(a2);
    dots[r + 3] = hsum(a3);
  }
  for (; r < r1; ++r) {
    const int8_t* w0 = w + static_cast<size_t>(r) * cols;
    __m512i a0 = _mm512_setzero_si512();
    int k = 0;
    for (; k < c64; k += 64) a0 = _mm512_dpbusd_epi32(a0, _mm512_loadu_si512(x + k), _mm512_loadu_si512(w0 + k));
    if (tail) a0 = _mm512_dpbusd_epi32(a0, xt, _mm512_maskz_loadu_epi8(tail, w0 + k));
    dots[r] = hsum(a0);
  }
}

}  // namespace

void quantize_rows_u8(int rows, int cols, const float* x, int ldx, uint8_t* q, int ldq, float* scale) {
  for (int r = 0; r < rows; ++r) {
    const float* xr = x + static_cast<size_t>(r) * ldx;
    uint8_t* qr = q + static_cast<size_t>(r) * ldq;
    float amax = 0;
    for (int k = 0; k < cols; ++k) amax = std::max(amax, std::fabs(xr[k]));
    const float s = amax / kActMax;
    scale[r] = s;
    const float inv = s > 0 ? 1.0f / s : 0.0f;
    for (int k = 0; k < cols; ++k) {
      const float v = std::nearbyint(xr[k] * inv);
      qr[k] = static_cast<uint8_t>(128 + std::clamp(static_cast<int>(v), -kActMax, kActMax));
    }
  }
}

int64_t int8_dot_ref(int cols, const uint8_t* xq, const int8_t* q) {
  int64_t s = 0;
  for (int k = 0; k < cols; ++k) s += (static_cast<int64_t>(xq[k]) - 128) * q[k];
  return s;
}

struct Int8Matrix::Dnnl {
  dnnl::stream stream;
  dnnl::matmul mm;
  dnnl::memory src, weights, dst;
  std::vector<int32_t> acc;  // [batch, rows]
};

Int8Matrix::Int8Matrix(int rows, int cols, const float* w, int ldw)
    : rows_(rows), cols_(cols), w_(static_cast<size_t>(rows) * cols), scale_(rows), rowsum_(rows), dots1_(rows) {
  for (int r = 0; r < rows; ++r) {
    const float* wr = w + static_cast<size_t>(r) * ldw;
    float amax = 0;
    for (int k = 0; k < cols; ++k) amax = std::max(amax, std::fabs(wr[k]));
    const float s = amax / kWeightMax;
    scale_[r] = s;
    const float inv = s > 0 ? 1.0f / s : 0.0f;
    int32_t sum = 0;
    for (int k = 0; k < cols; ++k) {
      const int v = std::clamp(static_cast<int>(std::nearbyint(wr[k] * inv)), -kWeightMax, kWeightMax);
      w_[static_cast<size_t>(r) * cols + k] = static_cast<int8_t>(v);
      sum += v;
    }
    rowsum_[r] = sum;
  }
}

Int8Matrix::Int8Matrix() = default;
Int8Matrix::Int8Matrix(Int8Matrix&&) noexcept = default;
Int8Matrix& Int8Matrix::operator=(Int8Matrix&&) noexcept = default;
Int8Matrix::~Int8Matrix() = default;

void Int8Matrix::gemm_acc(int batch, const uint8_t* xq, int ldx, const float* sx, float* y, int ldy) const {
  RNNGEN_CHECK(batch > 0 && ldx >= cols_ && ldy >= rows_);
  // Either path leaves the exact sums sum_k xq * q (zero point not yet removed) in dots.
  const int32_t* dots;
  if (batch == 1) {
    int32_t* one = dots1_.data();
    const int blocks = (rows_ + 3) / 4;
    const bool split = static_cast<size_t>(rows_) * cols_ >= kParallelMinBytes;
    const bool vnni = avx512_vnni();
    parallel_rows(blocks, split ? static_cast<size_t>(4) * cols_ : 0, [&](int b0, int b1) {
      const int r0 = b0 * 4, r1 = std::min(rows_, b1 * 4);
      if (vnni) gemv_rows_vnni(r0, r1, cols_, w_.data(), xq, one);
      else gemv_rows(r0, r1, cols_, w_.data(), xq, one);
    });
    dots = one;
  } else {
    // One primitive per (batch, ldx): oneDNN fixes shapes and strides when it creates one.
    auto& d = dnnl_[{batch, ldx}];
    if (!d) {
      using dnnl::memory;
      using dt = memory::data_type;
      dnnl::engine& eng = cpu_engine();
      d = std::make_unique<Dnnl>();
      d->stream = dnnl::stream(eng);
      const memory::desc src_md({batch, cols_}, dt::u8, memory::dims{ldx, 1});
      const memory::desc w_user({cols_, rows_}, dt::s8, memory::dims{1, cols_});  // W^T view of row-major W
      const memory::desc w_any({cols_, rows_}, dt::s8, memory::format_tag::any);
      const memory::desc dst_md({batch, rows_}, dt::s32, memory::format_tag::ab);
      const dnnl::matmul::primitive_desc pd = matmul_pd(src_md, w_any, dst_md, false);
      d->mm = dnnl::matmul(pd);
      d->acc.resize(static_cast<size_t>(batch) * rows_);
      d->src = memory(src_md, eng, nullptr);
      d->dst = memory(dst_md, eng, d->acc.data());
      d->weights = memory(pd.weights_desc(), eng);
      memory user(w_user, eng, const_cast<int8_t*>(w_.data()));
      dnnl::reorder(user, d->weights).execute(d->stream, user, d->weights);
      d->stream.wait();
    }
    d->src.set_data_handle(const_cast<uint8_t*>(xq));
    d->mm.execute(d->stream, {{DNNL_ARG_SRC, d->src}, {DNNL_ARG_WEIGHTS, d->weights}, {DNNL_ARG_DST, d->dst}});
    d->stream.wait();
    dots = d->acc.data();
  }
  for (int m = 0; m < batch; ++m) {
    const int32_t* dm = dots + static_cast<size_t>(m) * rows_;
    float* ym = y + static_cast<size_t>(m) * ldy;
    for (int r = 0; r < rows_; ++r)
      ym[r] += static_cast<float>(dm[r] - 128 * rowsum_[r]) * (sx[m] * scale_[r]);
  }
}

}  // namespace rnngen::ops
