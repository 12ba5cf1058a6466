// A Keras-style Sequential model: a stack of layers, each fed the previous one's output.
//
//   rnngen::Sequential model;
//   model.add(rnngen::Embedding(5000, 100));
//   model.add(rnngen::SimpleRNN(128));
//   model.add(rnngen::Dense(1, "sigmoid"));
//   model.build({rnngen::None, rnngen::None});   // (batch, timesteps) like Keras's None
//   model.summary();                              // Keras's table; Total params: 529,441
#pragma once
#include <iosfwd>
#include <string>
#include <vector>

#include "rnngen/layers.h"
#include "rnngen/tensor.h"

namespace rnngen {

class Sequential {
 public:
  explicit Sequential(std::string name = "");  // empty: "sequential", "sequential_1", ...

  Sequential& add(const Layer& layer);

  // Builds every layer for an input shape that includes the batch axis; None is allowed
  // where Keras allows it (batch, timesteps).
  void build(const Shape& input_shape);
  bool built() const { return built_; }

  // Forward through every layer (each layer's primary output feeds the next).
  Tensor operator()(const Tensor& x);

  int64_t param_count(Convention c = Convention::Keras) const;

  // Keras's table: layer name (type), output shape, param #, then the totals.
  void summary(std::ostream& os) const;
  void summary() const;  // to std::cout
  std::string summary_string(Convention c = Convention::Keras) const;

  const std::vector<Layer>& layers() const { return layers_; }
  const std::string& name() const { return name_; }
  const std::vector<Shape>& output_shapes() const { return output_shapes_; }

 private:
  std::string name_;
  std::vector<Layer> layers_;
  std::vector<Shape> output_shapes_;
  bool built_ = false;
};

}  // namespace rnngen
