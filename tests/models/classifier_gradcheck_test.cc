// The many-to-one classifier (Embedding -> SimpleRNN/LSTM/GRU -> Dense(1) sigmoid + binary
// cross-entropy): analytic gradients of the mean loss against central differences, in double,
// for every parameter. Max rel error (gradcheck.h) <= 1e-6.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "gradcheck.h"
#include "models/classifier.h"

namespace rnngen {
namespace {

using layers::Cell;

void check_classifier(Cell cell, const char* what) {
  const int V = 7, E = 4, H = 5, T = 5, B = 3;
  models::ManyToOneClassifier<double> model(cell, V, E, H);
  Rng rng(3);
  std::vector<double> params = testing::random_vector(model.param_count(), rng, -0.5, 0.5);
  std::vector<int32_t> ids(T * B);
  for (auto& id : ids) id = static_cast<int32_t>(rng.below(V - 1));  // id V-1 stays unused
  const std::vector<double> labels = {1, 0, 1};

  auto loss = [&] { return model.forward(params.data(), T, B, ids.data(), labels.data()); };
  loss();
  std::vector<double> grads(params.size(), 0.0);
  model.backward(params.data(), grads.data());

  const auto r = testing::gradcheck(params, grads, loss);
  size_t t = 0;
  while (t + 1 < model.tensors().size() && model.tensors()[t + 1].offset <= r.worst) ++t;
  EXPECT_LE(r.max_rel, 1e-6) << what << " worst in " << model.tensors()[t].name << " [" << r.worst
                             << "]: analytic " << r.analytic << " numeric " << r.numeric;
}

TEST(ClassifierGradcheck, SimpleRnn) { check_classifier(Cell::kRnnTanh, "SimpleRNN"); }
TEST(ClassifierGradcheck, Lstm) { check_classifier(Cell::kLstm, "LSTM"); }
TEST(ClassifierGradcheck, Gru) { check_classifier(Cell::kGru, "GRU"); }

}  // namespace
}  // namespace rnngen
