// What the oneDNN users here (int8_gemm, packed_gemm, bf16_gemm) share: one CPU engine, and a
// matmul dst = src x weights that adds into dst when asked.
#pragma once
#include <oneapi/dnnl/dnnl.hpp>

namespace rnngen::ops {

dnnl::engine& cpu_engine();

// weights may have format_tag::any: the primitive's choice is then pd.weights_desc().
dnnl::matmul::primitive_desc matmul_pd(const dnnl::memory::desc& src, const dnnl::memory::desc& weights,
                                       const dnnl::memory::desc& dst, bool accumulate);

}  // namespace rnngen::ops
