// A many-to-one binary classifier, the seed's sentiment model: Embedding -> one recurrent
// layer read at its last step -> Dense(1) -> sigmoid, trained with binary cross-entropy.
//
//   ids: [T, B] (time-major)   labels: [B] in {0, 1}
//   e = E[ids]                       E: [V, Emb]          e: [T, B, Emb]
//   h = Recurrent(e).final_h         W_ih: [G*H, Emb]     h: [B, H]
//   z = h w^T + b                    w: [1, H], b: [1]    z: [B]
//   loss = (1/B) sum_b BCE(sigmoid(z_b), y_b)
// All parameters live in one caller-owned buffer, laid out as tensors() lists them (the
// gradient buffer has the same layout).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "layers/recurrent.h"

namespace rnngen::models {

struct TensorInfo {
  std::string name;
  std::vector<int> shape;
  size_t offset, size;
};

template <typename T>
class ManyToOneClassifier {
 public:
  ManyToOneClassifier(layers::Cell cell, int vocab, int embed, int hidden);

  const std::vector<TensorInfo>& tensors() const { return tensors_; }
  size_t param_count() const { return total_; }

  // Returns the mean loss; keeps what backward needs.
  double forward(const T* params, int steps, int batch, const int32_t* ids, const T* labels);
  // Adds d(loss)/d(params) into grads (same layout as params).
  void backward(const T* params, T* grads);
  const T* logits() const { return z_.data(); }  // [B]

 private:
  layers::RecurrentWeights<T> recurrent_weights(const T* p) const;
  const TensorInfo& at(int k) const { return tensors_[static_cast<size_t>(k)]; }

  layers::Recurrent<T> rnn_;
  int vocab_, embed_, hidden_;
  std::vector<TensorInfo> tensors_;  // embedding, w_ih, w_hh, b_ih, b_hh, dense_w, dense_b
  size_t total_ = 0;

  int steps_ = 0, batch_ = 0;
  const int32_t* ids_ = nullptr;
  const T* labels_ = nullptr;
  std::vector<T> e_, z_, dz_, dh_, de_;
};

}  // namespace rnngen::models
