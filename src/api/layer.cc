// The public Layer handle: forwards every call to its shared LayerImpl.
#include "api/layer_impl.h"
#include "rnngen/layers.h"

namespace rnngen {

LayerOutput Layer::operator()(const Tensor& x) { return impl_->call(x); }
Shape Layer::build(const Shape& input_shape) { return impl_->build(input_shape); }
bool Layer::built() const { return impl_->built(); }
const std::string& Layer::name() const { return impl_->name(); }
std::string Layer::class_name() const { return impl_->class_name(); }
int64_t Layer::param_count(Convention c) const { return impl_->param_count(c); }
std::vector<Tensor> Layer::get_weights(Convention c) const { return impl_->get_weights(c); }
void Layer::set_weights(const std::vector<Tensor>& w, Convention c) { impl_->set_weights(w, c); }

}  // namespace rnngen
