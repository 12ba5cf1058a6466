// What every Keras-style layer implements behind the public rnngen::Layer handle.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "rnngen/layers.h"
#include "rnngen/tensor.h"

namespace rnngen::api {

class LayerImpl {
 public:
  explicit LayerImpl(std::string name) : name_(std::move(name)) {}
  virtual ~LayerImpl() = default;

  virtual std::string class_name() const = 0;
  // Creates the weights on first use; afterwards checks the input shape still fits.
  // Returns the primary output shape.
  virtual Shape build(const Shape& input_shape) = 0;
  virtual int64_t param_count(Convention c) const = 0;
  virtual LayerOutput call(const Tensor& x) = 0;
  virtual std::vector<Tensor> get_weights(Convention c) const = 0;
  virtual void set_weights(const std::vector<Tensor>& weights, Convention c) = 0;

  bool built() const { return built_; }
  const std::string& name() const { return name_; }

 protected:
  bool built_ = false;
  std::string name_;
};

// Keras's automatic layer names: the first "lstm", then "lstm_1", "lstm_2", ... per base name
// across the process. A non-empty requested name is used as is.
std::string unique_name(const std::string& base, const std::string& requested = "");

// The seed a layer uses when its options leave seed at 0: 1, 2, 3, ... in creation order, so a
// program builds the same weights every run.
uint64_t next_seed();

// Throws InputError unless t has exactly this shape.
void expect_shape(const Tensor& t, const Shape& shape, const std::string& what);

// [a, b, d] -> [b, a, d]: between Keras's batch-major and our time-major layouts.
void swap_leading_axes(int64_t a, int64_t b, int64_t d, const float* in, float* out);

}  // namespace rnngen::api
