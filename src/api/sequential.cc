#include "rnngen/sequential.h"

#include <iostream>
#include <sstream>

#include "api/layer_impl.h"
#include "api/summary_table.h"
#include "rnngen/error.h"

namespace rnngen {

Sequential::Sequential(std::string name) : name_(api::unique_name("sequential", name)) {}

Sequential& Sequential::add(const Layer& layer) {
  layers_.push_back(layer);
  built_ = false;
  return *this;
}

void Sequential::build(const Shape& input_shape) {
  if (layers_.empty()) throw InputError(name_ + ": add a layer before building");
  output_shapes_.clear();
  Shape s = input_shape;
  for (auto& layer : layers_) {
    s = layer.build(s);
    output_shapes_.push_back(s);
  }
  built_ = true;
}

Tensor Sequential::operator()(const Tensor& x) {
  if (!built_) build(x.shape());
  Tensor h = x;
  for (auto& layer : layers_) h = layer(h).output;
  return h;
}

int64_t Sequential::param_count(Convention c) const {
  int64_t n = 0;
  for (const auto& layer : layers_) n += layer.param_count(c);
  return n;
}

std::string Sequential::summary_string(Convention c) const {
  if (!built_)
    throw InputError(name_ + ".summary: build the model first (model.build({None, ...}))");
  std::vector<api::SummaryRow> rows;
  for (size_t k = 0; k < layers_.size(); ++k)
    rows.push_back({layers_[k].name() + " (" + layers_[k].class_name() + ")",
                    format_shape(output_shapes_[k]), layers_[k].param_count(c)});
  return api::format_summary(name_, rows);
}

void Sequential::summary(std::ostream& os) const { os << summary_string(); }
void Sequential::summary() const { summary(std::cout); }

}  // namespace rnngen
