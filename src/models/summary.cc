#include "models/summary.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace rnngen::models {

static std::string with_commas(int64_t v) {
  std::string s = std::to_string(v), r;
  int n = 0;
  for (auto it = s.rbegin(); it != s.rend(); ++it) {
    if (n && n % 3 == 0 && *it != '-') r.insert(r.begin(), ',');
    r.insert(r.begin(), *it);
    ++n;
  }
  return r;
}

ParamCounts count_params(const ModelConfig& cfg, const ParamTable& table) {
  ParamCounts c;
  for (const ParamInfo& p : table.entries()) {
    c.pytorch += static_cast<int64_t>(p.size);
    const bool second_bias = p.name.find(".bias_hh_l") != std::string::npos;
    if (!(second_bias && cfg.cell != "gru")) c.keras += static_cast<int64_t>(p.size);
  }
  return c;
}

std::string summary_text(const ModelConfig& cfg, const ParamTable& table,
                         const std::string& tokenizer_type) {
  std::ostringstream os;
  os << "Model: " << cfg.task << ", " << cfg.num_layers << " x " << cfg.cell << " "
     << cfg.hidden_size << ", vocab " << cfg.vocab_size << " (" << tokenizer_type << "), "
     << (cfg.embed_size ? "embedding " + std::to_string(cfg.embed_size) : std::string("one-hot input"))
     << ", dropout " << cfg.dropout << (cfg.tie_weights ? ", tied weights" : "") << "\n";
  if (cfg.task == "seq2seq")
    os << "Seq2seq: " << cfg.decoder << " decoder"
       << (cfg.bidirectional_encoder ? ", bidirectional encoder (decoder " + std::to_string(2 * cfg.hidden_size) + " units)"
                                     : std::string())
       << (cfg.reverse_source ? ", reversed source" : "") << ", answers up to " << cfg.max_target_len
       << " tokens\n";
  os << "\n";
  // Seq2seq names ("encoder.rnn.weight_ih_l0_reverse") are longer than the language model's.
  int width = 24;
  for (const ParamInfo& p : table.entries()) width = std::max(width, static_cast<int>(p.name.size()));
  const int rule = width + 32;
  char line[512];
  std::snprintf(line, sizeof line, "%-*s %-16s %14s\n", width, "tensor", "shape", "parameters");
  os << line << std::string(rule, '-') << "\n";
  for (const ParamInfo& p : table.entries()) {
    std::string shape = "[";
    for (size_t i = 0; i < p.shape.size(); ++i) shape += (i ? ", " : "") + std::to_string(p.shape[i]);
    shape += "]";
    std::snprintf(line, sizeof line, "%-*s %-16s %14s\n", width, p.name.c_str(), shape.c_str(),
                  with_commas(static_cast<int64_t>(p.size)).c_str());
    os << line;
  }
  const ParamCounts c = count_params(cfg, table);
  os << std::string(rule, '-') << "\n";
  os << "Total parameters (PyTorch, b_ih and b_hh): " << with_commas(c.pytorch) << "\n";
  os << "Total parameters (Keras, one bias per gate" << (cfg.cell == "gru" ? "; GRU reset_after keeps two" : "")
     << "): " << with_commas(c.keras) << "\n";
  os << "Size in float32: " << std::fixed;
  os.precision(2);
  os << static_cast<double>(c.pytorch) * 4 / (1024.0 * 1024.0) << " MiB\n";
  return os.str();
}

}  // namespace rnngen::models
