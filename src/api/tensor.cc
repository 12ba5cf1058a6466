#include "rnngen/tensor.h"

#include <sstream>
#include "rnngen/error.h"

namespace rnngen {

std::string format_shape(const Shape& shape) {
  std::ostringstream os;
  os << '(';
  for (size_t k = 0; k < shape.size(); ++k) {
    if (k) os << ", ";
    if (shape[k] < 0) os << "None";
    else os << shape[k];
  }
  if (shape.size() == 1) os << ',';
  os << ')';
  return os.str();
}

int64_t shape_size(const Shape& shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0) throw InputError("shape " + format_shape(shape) + " is not fully known");
    n *= d;
  }
  return n;
}

Tensor::Tensor(Shape shape, float fill)
    : shape_(std::move(shape)), data_(static_cast<size_t>(shape_size(shape_)), fill) {}

Tensor::Tensor(Shape shape, std::vector<float> data) : shape_(std::move(shape)), data_(std::move(data)) {
  if (static_cast<int64_t>(data_.size()) != shape_size(shape_))
    throw InputError("Tensor: " + std::to_string(data_.size()) +
                                " values do not fill shape " + format_shape(shape_));
}

int64_t Tensor::dim(int axis) const {
  const int r = rank();
  if (axis < 0) axis += r;
  if (axis < 0 || axis >= r)
    throw InputError("Tensor::dim: axis out of range for shape " + shape_str());
  return shape_[static_cast<size_t>(axis)];
}

size_t Tensor::offset(std::initializer_list<int64_t> index) const {
  if (index.size() != shape_.size())
    throw InputError("Tensor::at: index rank differs from shape " + shape_str());
  size_t off = 0, k = 0;
  for (int64_t i : index) {
    if (i < 0 || i >= shape_[k])
      throw InputError("Tensor::at: index out of range for shape " + shape_str());
    off = off * static_cast<size_t>(shape_[k]) + static_cast<size_t>(i);
    ++k;
  }
  return off;
}

float& Tensor::at(std::initializer_list<int64_t> index) { return data_[offset(index)]; }
float Tensor::at(std::initializer_list<int64_t> index) const { return data_[offset(index)]; }

Tensor Tensor::reshaped(Shape shape) const { return Tensor(std::move(shape), data_); }

}  // namespace rnngen
