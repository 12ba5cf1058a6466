// The whole model against PyTorch: for each case in tests/golden/cases.json (written by
// scripts/make_golden.py from the contract's RNNLM module), load PyTorch's parameters into
// RnnLm by their state_dict names, run the same inputs, and compare logits, mean loss, final
// states and every gradient (parameters, h0, c0).
//
// The reference was computed in float64 from the float32 values stored, then rounded to
// float32. Two checks:
//  - RnnLm<float>, the acceptance criterion: an element passes when
//        |ours - ref| <= 1e-5 * max(|ref|, 0.1 * max_j |ref_j|)     (j over the tensor)
//    i.e. 1e-5 relative, with a floor at a tenth of the tensor's largest magnitude. The floor
//    is there because float32 error scales with the terms summed into an element, not with
//    the result: an entry that cancels to near zero (a gradient, a logit, a state near 0)
//    carries the absolute error of its larger neighbours, and a pure relative test would
//    ask for more digits of it than float32 has (we see up to 6e-4 on such entries).
//  - RnnLm<double>, with no room for float32 noise: 1e-7 elementwise, which only the
//    float32 rounding of the stored reference (<= 2^-24) may use. A wrong equation cannot
//    hide in this one behind a tolerance.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "io/safetensors.h"
#include "models/rnnlm.h"

namespace rnngen {
namespace {

const std::string kGoldenDir = std::string(RNNGEN_SOURCE_DIR) + "/tests/golden/";

nlohmann::json read_cases() {
  std::ifstream f(kGoldenDir + "cases.json");
  if (!f) return nlohmann::json::array();
  return nlohmann::json::parse(f).at("cases");
}

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (const auto& c : read_cases()) names.push_back(c.at("name").get<std::string>());
  // A missing index must fail loudly, not pass as zero tests.
  if (names.empty()) names.push_back("missing_cases_json");
  return names;
}

struct Comparison {
  double max_rel = 0;  // max over elements of |ours - ref| / max(|ref|, floor)
  size_t worst = 0;
  double ours = 0, ref = 0;
};

struct Tolerance {
  double rel;             // allowed |ours - ref| / max(|ref|, floor)
  double floor_fraction;  // floor = floor_fraction * max_j |ref_j| over the tensor
};

// See the top of the file. Float64: the stored float32 reference is within 2^-24 = 6e-8 of the
// exact value, so 1e-7 elementwise; the tiny floor only spares values that cancel to ~0.
const Tolerance kFloat32{1e-5, 0.1};
const Tolerance kFloat64{1e-7, 1e-6};

// ours_at(i) gives our value for the reference's flat index i (layouts may differ).
template <typename F>
Comparison compare(const std::vector<float>& ref, const Tolerance& tol, F ours_at) {
  double scale = 0;
  for (float r : ref) scale = std::max(scale, std::fabs(static_cast<double>(r)));
  const double floor = tol.floor_fraction * scale;
  Comparison c;
  for (size_t i = 0; i < ref.size(); ++i) {
    const double a = ours_at(i), b = ref[i];
    const double denom = std::max(std::fabs(b), floor);
    const double rel = denom > 0 ? std::fabs(a - b) / denom : std::fabs(a - b);
    if (!(rel <= c.max_rel)) {  // also catches NaN
      c.max_rel = std::isnan(rel) ? INFINITY : rel;
      c.worst = i;
      c.ours = a;
      c.ref = b;
    }
  }
  return c;
}

#define EXPECT_CLOSE(cmp, tol, what)  \
  EXPECT_LE((cmp).max_rel, (tol).rel) \
      << (what) << "[" << (cmp).worst << "]: ours " << (cmp).ours << ", PyTorch " << (cmp).ref

template <typename Scalar>
void check_case(const std::string& name, const Tolerance& tol) {
  nlohmann::json spec;
  for (const auto& c : read_cases())
    if (c.at("name") == name) spec = c;
  ASSERT_FALSE(spec.is_null()) << "no case " << name << " in " << kGoldenDir << "cases.json";

  ModelConfig cfg;
  cfg.cell = spec.at("cell").get<std::string>();
  cfg.vocab_size = spec.at("vocab_size").get<int>();
  cfg.embed_size = spec.at("embed_size").get<int>();
  cfg.hidden_size = spec.at("hidden_size").get<int>();
  cfg.num_layers = spec.at("num_layers").get<int>();
  const int V = cfg.vocab_size, H = cfg.hidden_size, L = cfg.num_layers;
  const bool lstm = cfg.cell == "lstm";

  auto file = io::read_safetensors(kGoldenDir + spec.at("file").get<std::string>());
  auto get = [&](const std::string& key) -> const io::LoadedTensor& {
    auto it = file.find(key);
    if (it == file.end()) throw std::runtime_error("golden file has no tensor " + key);
    return it->second;
  };

  // Parameters, by PyTorch's names; the sets of names must be the same both ways.
  models::RnnLm<Scalar> m(cfg);
  std::set<std::string> ours, theirs;
  for (const auto& p : m.table().entries()) {
    ours.insert(p.name);
    const auto& t = get("param/" + p.name);
    ASSERT_EQ(t.shape, p.shape) << p.name;
    std::copy(t.data.begin(), t.data.end(), m.params() + p.offset);  // exact in double too
  }
  for (const auto& [key, t] : file)
    if (key.rfind("param/", 0) == 0) theirs.insert(key.substr(6));
  EXPECT_EQ(ours, theirs) << "tensor names differ from PyTorch's state_dict";

  const auto& ids_f = get("input/ids");
  const auto& tg_f = get("input/targets");
  ASSERT_EQ(ids_f.shape.size(), 2u);
  const int B = static_cast<int>(ids_f.shape[0]), T = static_cast<int>(ids_f.shape[1]);
  // Ids are stored as F32 (exact small integers), the only dtype our reader takes.
  std::vector<int32_t> ids(ids_f.data.size()), targets(tg_f.data.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    ids[i] = static_cast<int32_t>(ids_f.data[i]);
    targets[i] = static_cast<int32_t>(tg_f.data[i]);
    ASSERT_TRUE(ids[i] >= 0 && ids[i] < V && ids[i] == ids_f.data[i]) << "input/ids[" << i << "]";
    ASSERT_TRUE(targets[i] < V && targets[i] == tg_f.data[i]) << "input/targets[" << i << "]";
  }

  models::LmState<Scalar> init;
  init.h.assign(get("input/h0").data.begin(), get("input/h0").data.end());
  if (lstm) init.c.assign(get("input/c0").data.begin(), get("input/c0").data.end());
  const size_t state_size = static_cast<size_t>(L) * B * H;
  ASSERT_EQ(init.h.size(), state_size);
  ASSERT_EQ(get("expect/h_n").data.size(), state_size);
  if (lstm) {
    ASSERT_EQ(init.c.size(), state_size);
    ASSERT_EQ(get("expect/c_n").data.size(), state_size);
  }
  ASSERT_EQ(get("expect/logits").data.size(), static_cast<size_t>(B) * T * V);

  models::ForwardOptions opt;
  opt.keep_grad = true;
  const double summed = m.forward(ids.data(), targets.data(), B, T, &init, opt);
  ASSERT_EQ(m.counted(), spec.at("counted").get<int>());
  const double loss = summed / m.counted();

  std::map<std::string, double> worst_by_kind;  // for the summary line
  auto record = [&](const std::string& kind, const Comparison& c) {
    worst_by_kind[kind] = std::max(worst_by_kind[kind], c.max_rel);
  };

  // Logits: PyTorch's are batch-first [B, T, V], ours time-major [T, B, V].
  const Scalar* logits = m.logits();
  auto cl = compare(get("expect/logits").data, tol, [&](size_t i) {
    const size_t v = i % V, t = (i / V) % T, b = i / (static_cast<size_t>(V) * T);
    return static_cast<double>(logits[(t * B + b) * V + v]);
  });
  EXPECT_CLOSE(cl, tol, "logits");
  record("logits", cl);

  auto closs = compare(get("expect/loss").data, tol, [&](size_t) { return loss; });
  EXPECT_CLOSE(closs, tol, "loss");
  record("loss", closs);

  models::LmState<Scalar> fin;
  m.final_state(fin);
  auto ch =
      compare(get("expect/h_n").data, tol, [&](size_t i) { return static_cast<double>(fin.h[i]); });
  EXPECT_CLOSE(ch, tol, "h_n");
  record("state", ch);
  if (lstm) {
    auto cc = compare(get("expect/c_n").data, tol,
                      [&](size_t i) { return static_cast<double>(fin.c[i]); });
    EXPECT_CLOSE(cc, tol, "c_n");
    record("state", cc);
  }

  // PyTorch's loss is the mean, so its gradients are ours of the sum scaled by 1/counted.
  m.zero_grads();
  models::LmState<Scalar> dinit;
  m.backward(Scalar(1) / static_cast<Scalar>(m.counted()), &dinit);
  for (const auto& p : m.table().entries()) {
    const Scalar* g = m.grads() + p.offset;
    const auto& ref = get("grad/" + p.name);
    ASSERT_EQ(ref.data.size(), p.size) << p.name;
    auto cg = compare(ref.data, tol, [&](size_t i) { return static_cast<double>(g[i]); });
    EXPECT_CLOSE(cg, tol, "grad " + p.name);
    record("grad params", cg);
  }
  auto cdh =
      compare(get("grad/h0").data, tol, [&](size_t i) { return static_cast<double>(dinit.h[i]); });
  EXPECT_CLOSE(cdh, tol, "grad h0");
  record("grad state", cdh);
  if (lstm) {
    auto cdc = compare(get("grad/c0").data, tol,
                       [&](size_t i) { return static_cast<double>(dinit.c[i]); });
    EXPECT_CLOSE(cdc, tol, "grad c0");
    record("grad state", cdc);
  }

  std::string summary =
      "[golden] " + name + (sizeof(Scalar) == 4 ? " float32" : " float64") + " max rel error:";
  for (const auto& [kind, e] : worst_by_kind) {
    char buf[64];
    std::snprintf(buf, sizeof buf, " %s %.2e;", kind.c_str(), e);
    summary += buf;
  }
  std::printf("%s\n", summary.c_str());
}

class Golden : public ::testing::TestWithParam<std::string> {};

TEST_P(Golden, Float32MatchesPyTorch) { check_case<float>(GetParam(), kFloat32); }
TEST_P(Golden, Float64MatchesPyTorch) { check_case<double>(GetParam(), kFloat64); }

INSTANTIATE_TEST_SUITE_P(PyTorch, Golden, ::testing::ValuesIn(case_names()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

// A model directory written by PyTorch (make_golden.py) loads by name into RnnLm and scores
// its text as PyTorch did: zero initial state, the whole text as one stream. This is the
// library-level half of the `rnngen eval` acceptance test on the same files.
TEST(Golden, TorchModelDirectoryScoresLikePyTorch) {
  const std::string dir = kGoldenDir + "torch_model/";
  nlohmann::json config, tokenizer, expected;
  std::ifstream(dir + "config.json") >> config;
  std::ifstream(dir + "tokenizer.json") >> tokenizer;
  std::ifstream(kGoldenDir + "torch_eval.json") >> expected;
  std::ifstream text_file(kGoldenDir + "torch_eval_text.txt", std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(text_file)), {});

  ModelConfig cfg;
  cfg.cell = config.at("cell").get<std::string>();
  cfg.vocab_size = config.at("vocab_size").get<int>();
  cfg.embed_size = config.at("embed_size").get<int>();
  cfg.hidden_size = config.at("hidden_size").get<int>();
  cfg.num_layers = config.at("num_layers").get<int>();
  models::RnnLm<float> m(cfg);
  auto weights = io::read_safetensors(dir + "model.safetensors");
  ASSERT_EQ(weights.size(), m.table().entries().size());
  for (const auto& p : m.table().entries()) {
    const auto& t = weights.at(p.name);
    ASSERT_EQ(t.shape, p.shape) << p.name;
    std::copy(t.data.begin(), t.data.end(), m.params() + p.offset);
  }

  // The text is ASCII, so a char token is one byte here; the real tokenizer is tested elsewhere.
  std::map<char, int32_t> id_of;
  const auto& tokens = tokenizer.at("tokens");
  for (size_t i = 0; i < tokens.size(); ++i) {
    const auto tok = tokens[i].get<std::string>();
    ASSERT_EQ(tok.size(), 1u) << "token " << i;
    id_of[tok[0]] = static_cast<int32_t>(i);
  }
  std::vector<int32_t> ids;
  for (char ch : text) ids.push_back(id_of.at(ch));
  const int n = static_cast<int>(ids.size());
  ASSERT_EQ(n, expected.at("tokens").get<int>());

  const double summed = m.forward(ids.data(), ids.data() + 1, 1, n - 1, nullptr, {});
  const double nll = summed / (n - 1);
  const double ref = expected.at("nll").get<double>();
  EXPECT_LE(std::fabs(nll - ref), 1e-5 * ref) << "ours " << nll << ", PyTorch " << ref;
  std::printf("[golden] torch_model nll: ours %.9f, PyTorch %.9f, rel error %.2e\n", nll, ref,
              std::fabs(nll - ref) / ref);
}

// The acceptance criterion names what the cases must cover; regenerating them must keep it.
TEST(Golden, CasesCoverEveryCellAndSize) {
  std::set<std::string> cells;
  std::set<int> embeds, hiddens, layers, vocabs;
  for (const auto& c : read_cases()) {
    cells.insert(c.at("cell").get<std::string>());
    embeds.insert(c.at("embed_size").get<int>());
    hiddens.insert(c.at("hidden_size").get<int>());
    layers.insert(c.at("num_layers").get<int>());
    vocabs.insert(c.at("vocab_size").get<int>());
  }
  EXPECT_EQ(cells, (std::set<std::string>{"gru", "lstm", "rnn"}));
  EXPECT_EQ(embeds, (std::set<int>{0, 11}));
  EXPECT_EQ(hiddens, (std::set<int>{1, 13, 64}));
  EXPECT_EQ(layers, (std::set<int>{1, 2, 3}));
  EXPECT_EQ(vocabs, (std::set<int>{37}));
}

}  // namespace
}  // namespace rnngen
