#include "models/classifier.h"

#include <algorithm>

#include "layers/embedding.h"
#include "layers/linear.h"
#include "layers/softmax_ce.h"
#include "util/check.h"

namespace rnngen::models {

enum { kEmbedding, kWih, kWhh, kBih, kBhh, kDenseW, kDenseB };

template <typename T>
ManyToOneClassifier<T>::ManyToOneClassifier(layers::Cell cell, int vocab, int embed, int hidden)
    : rnn_(cell, embed, hidden), vocab_(vocab), embed_(embed), hidden_(hidden) {
  const int GH = layers::gate_count(cell) * hidden;
  auto add = [&](std::string name, std::vector<int> shape) {
    size_t n = 1;
    for (int d : shape) n *= static_cast<size_t>(d);
    tensors_.push_back({std::move(name), std::move(shape), total_, n});
    total_ += n;
  };
  add("embedding.weight", {vocab, embed});
  add("rnn.weight_ih", {GH, embed});
  add("rnn.weight_hh", {GH, hidden});
  add("rnn.bias_ih", {GH});
  add("rnn.bias_hh", {GH});
  add("dense.weight", {1, hidden});
  add("dense.bias", {1});
}

template <typename T>
layers::RecurrentWeights<T> ManyToOneClassifier<T>::recurrent_weights(const T* p) const {
  return {p + at(kWih).offset, p + at(kWhh).offset, p + at(kBih).offset, p + at(kBhh).offset};
}

template <typename T>
double ManyToOneClassifier<T>::forward(const T* params, int steps, int batch, const int32_t* ids,
                                       const T* labels) {
  steps_ = steps;
  batch_ = batch;
  ids_ = ids;
  labels_ = labels;
  const size_t rows = static_cast<size_t>(steps) * batch;
  e_.resize(rows * embed_);
  z_.resize(batch);
  for (size_t r = 0; r < rows; ++r) RNNGEN_CHECK(ids[r] >= 0 && ids[r] < vocab_);
  layers::embedding_forward(static_cast<int>(rows), embed_, ids, params + at(kEmbedding).offset,
                            e_.data());
  rnn_.forward(recurrent_weights(params), steps, batch, e_.data(), nullptr, nullptr, nullptr);
  layers::linear_forward(batch, hidden_, 1, rnn_.final_h(), params + at(kDenseW).offset,
                         params + at(kDenseB).offset, z_.data());
  return layers::sigmoid_bce(batch, z_.data(), labels, T(1), static_cast<T*>(nullptr)) / batch;
}

template <typename T>
void ManyToOneClassifier<T>::backward(const T* params, T* grads) {
  RNNGEN_CHECK(steps_ > 0);
  const size_t rows = static_cast<size_t>(steps_) * batch_;
  dz_.resize(batch_);
  dh_.resize(static_cast<size_t>(batch_) * hidden_);
  de_.resize(rows * embed_);
  layers::sigmoid_bce(batch_, z_.data(), labels_, T(1) / batch_, dz_.data());
  layers::linear_backward(batch_, hidden_, 1, rnn_.final_h(), params + at(kDenseW).offset,
                          dz_.data(), grads + at(kDenseW).offset, grads + at(kDenseB).offset,
                          dh_.data());
  // Only the last step's h feeds the loss: no dy, the gradient enters as dh_T.
  const layers::RecurrentGrads<T> g{grads + at(kWih).offset, grads + at(kWhh).offset,
                                    grads + at(kBih).offset, grads + at(kBhh).offset};
  rnn_.backward(recurrent_weights(params), g, nullptr, dh_.data(), nullptr, de_.data(), nullptr,
                nullptr);
  layers::embedding_backward(static_cast<int>(rows), embed_, ids_, de_.data(),
                             grads + at(kEmbedding).offset);
}

template class ManyToOneClassifier<float>;
template class ManyToOneClassifier<double>;

}  // namespace rnngen::models
