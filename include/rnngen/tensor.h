// A small owning float tensor for the Keras-style API: a shape and row-major data.
//
//   rnngen::Tensor x({1, 4, 5}, {0.1f, 4.2f, ...});   // (batch, timesteps, features)
//   x.shape_str() == "(1, 4, 5)"                      // printed the way Keras prints shapes
//
// A dimension of rnngen::None (-1) stands for Keras's None (unknown batch size or length);
// such shapes describe layers in summary(), a Tensor holding data never has one.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace rnngen {

inline constexpr int64_t None = -1;

using Shape = std::vector<int64_t>;

// "(None, 10, 16)", "(1, 3)", and "(5,)" for rank 1, as Python prints tuples.
std::string format_shape(const Shape& shape);

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(Shape shape, float fill = 0.0f);
  Tensor(Shape shape, std::vector<float> data);  // data.size() must equal the element count

  const Shape& shape() const { return shape_; }
  int rank() const { return static_cast<int>(shape_.size()); }
  int64_t dim(int axis) const;  // negative axis counts from the end, like Python
  int64_t size() const { return static_cast<int64_t>(data_.size()); }
  std::string shape_str() const { return format_shape(shape_); }

  float* data() { return data_.data(); }
  const float* data() const { return data_.data(); }
  const std::vector<float>& values() const { return data_; }
  float& operator[](int64_t i) { return data_[static_cast<size_t>(i)]; }
  float operator[](int64_t i) const { return data_[static_cast<size_t>(i)]; }
  // Element by full index, e.g. t.at({0, 3, 2}); checks bounds.
  float& at(std::initializer_list<int64_t> index);
  float at(std::initializer_list<int64_t> index) const;

  // Same data, new shape (element counts must match).
  Tensor reshaped(Shape shape) const;

 private:
  size_t offset(std::initializer_list<int64_t> index) const;

  Shape shape_;
  std::vector<float> data_;
};

// Element count of a fully known shape.
int64_t shape_size(const Shape& shape);

}  // namespace rnngen
