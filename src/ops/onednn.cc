#include "ops/onednn.h"

namespace rnngen::ops {

dnnl::engine& cpu_engine() {
  static dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  return eng;
}

dnnl::matmul::primitive_desc matmul_pd(const dnnl::memory::desc& src, const dnnl::memory::desc& weights,
                                       const dnnl::memory::desc& dst, bool accumulate) {
  dnnl::primitive_attr attr;
  if (accumulate) {  // dst += product: a sum post-op
    dnnl::post_ops po;
    po.append_sum(1.0f);
    attr.set_post_ops(po);
  }
  return dnnl::matmul::primitive_desc(dnnl::matmul::desc(src, weights, dst), attr, cpu_engine());  // oneDNN 2.x API
}

}  // namespace rnngen::ops
