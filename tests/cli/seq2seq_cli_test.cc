// `rnngen train --task seq2seq`, `translate` and `eval` end to end on a tiny task (reverse a
// word), against PyTorch (scripts/torch_seq2seq.py: the module of docs/format.md loads the
// weights with strict=True and computes the same loss), and the bad-input rows of the issue.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "cli/cli_fixtures.h"
#include "temp_dir.h"

namespace rnngen::testing {
namespace {

constexpr const char* kPython = "/usr/bin/python3";

// "abc_cba" lines: sources of 1 to 5 letters (so batches mix lengths), the target reversed.
std::string reversal_pairs(int n, uint32_t seed = 99) {
  std::string text;
  uint32_t x = seed;
  for (int i = 0; i < n; ++i) {
    x = x * 1664525u + 1013904223u;
    const int len = 1 + static_cast<int>((x >> 16) % 5);
    std::string s;
    for (int k = 0; k < len; ++k) {
      x = x * 1664525u + 1013904223u;
      s += static_cast<char>('a' + (x >> 16) % 6);
    }
    text += s + "_" + std::string(s.rbegin(), s.rend()) + "\n";
  }
  return text;
}

std::vector<std::string> s2s_args(const std::string& data, const std::string& out) {
  return {"train", data, "--out", out, "--task", "seq2seq", "--separator", "_", "--embed-size", "6",
          "--hidden-size", "12", "--num-layers", "1", "--batch-size", "8", "--threads", "1", "--seed", "3", "-q"};
}

TEST(Seq2SeqTorch, LoadsStrictAndGivesTheSameLoss) {
  TempDir tmp;
  const std::string data = tmp.write("pairs.txt", reversal_pairs(64));
  const std::string held = tmp.write("held.txt", reversal_pairs(20, 5));
  const std::vector<std::vector<std::string>> variants{
      {"--decoder", "plain", "--cell", "gru", "--num-layers", "2", "--dropout", "0.2"},
      {"--decoder", "peeky", "--reverse-source"},
      {"--decoder", "attention", "--bidirectional-encoder", "--cell", "rnn"},
      {"--decoder", "attention", "--bidirectional-encoder", "--reverse-source", "--num-layers", "2"}};
  std::vector<std::string> command{kPython, std::string(RNNGEN_SOURCE_DIR) + "/scripts/torch_seq2seq.py", "loss", held,
                                   "_"};
  std::vector<double> ours;
  for (size_t i = 0; i < variants.size(); ++i) {
    const std::string out = tmp.file(std::to_string(i) + "-model");
    const CliResult t = run_cli(s2s_args(data, out) + variants[i] + std::vector<std::string>{"--max-steps", "20"});
    ASSERT_EQ(t.exit_code, 0) << show(t);
    const CliResult e = run_cli({"eval", out, held, "--json"});
    ASSERT_EQ(e.exit_code, 0) << show(e);
    ours.push_back(nlohmann::json::parse(e.out).at("nll").get<double>());
    command.push_back(out);
  }
  const CliResult r = run_program(command);
  if (r.exit_code == 127 || r.err.find("No module named 'torch'") != std::string::npos)
    GTEST_SKIP() << kPython << " cannot import torch (install python3-torch to run this check): " << r.err;
  ASSERT_EQ(r.exit_code, 0) << show(r);
  std::istringstream lines(r.out);
  std::string line;
  for (size_t i = 0; i < variants.size(); ++i) {
    ASSERT_TRUE(std::getline(lines, line)) << r.out;
    const double theirs = nlohmann::json::parse(line).at("nll").get<double>();
    EXPECT_NEAR(ours[i], theirs, 2e-6 * theirs) << "variant " << i;
  }
}

TEST(Seq2SeqCli, LearnsTheTaskAndTranslates) {
  TempDir tmp;
  const std::string data = tmp.write("pairs.txt", reversal_pairs(400));
  const std::string out = tmp.file("m");
  const CliResult t = run_cli(s2s_args(data, out) + std::vector<std::string>{"--decoder", "attention", "--hidden-size",
                                                                             "32", "--epochs", "40", "--lr", "0.01"});
  ASSERT_EQ(t.exit_code, 0) << show(t);
  // Per-epoch validation accuracy in the log, rising to most of the held-out pairs.
  std::ifstream log(out + "/train_log.jsonl");
  std::string l, last;
  int records = 0;
  while (std::getline(log, l)) {
    const auto j = nlohmann::json::parse(l);
    ASSERT_TRUE(j.contains("val_accuracy")) << l;
    last = l;
    ++records;
  }
  EXPECT_EQ(records, 40);
  EXPECT_GE(nlohmann::json::parse(last).at("val_accuracy").get<double>(), 0.8) << last;

  const CliResult g = run_cli({"translate", out, "--input", "abcd"});
  ASSERT_EQ(g.exit_code, 0) << show(g);
  EXPECT_EQ(g.out, "dcba\n");
  // Beam search: n-best lists, best first, as JSON; the best is the greedy answer here.
  const CliResult b = run_cli({"translate", out, "--input", "abcd", "--beam", "4", "--n-best", "3", "--json"});
  ASSERT_EQ(b.exit_code, 0) << show(b);
  const auto j = nlohmann::json::parse(b.out);
  EXPECT_EQ(j.at("output"), "dcba");
  ASSERT_EQ(j.at("n_best").size(), 3u);
  EXPECT_GE(j["n_best"][0]["score"].get<double>(), j["n_best"][1]["score"].get<double>());
  EXPECT_LE(j.at("logprob").get<double>(), 0.0);
  // One answer per stdin line.
  const std::string in = tmp.write("in.txt", "ab\nfed\n");
  const CliResult s = run_program({"/bin/sh", "-c", std::string(cli_path()) + " translate " + out + " < " + in});
  ASSERT_EQ(s.exit_code, 0) << show(s);
  EXPECT_EQ(s.out, "ba\ndef\n");
  // eval: exact-match accuracy over the file, as the log's last record measured on the same pairs.
  const CliResult e = run_cli({"eval", out, data, "--json"});
  ASSERT_EQ(e.exit_code, 0) << show(e);
  const auto ej = nlohmann::json::parse(e.out);
  EXPECT_EQ(ej.at("examples"), 400);
  EXPECT_GE(ej.at("accuracy").get<double>(), 0.8);
  // summary lists the encoder and decoder tensors.
  const CliResult sm = run_cli({"summary", out});
  ASSERT_EQ(sm.exit_code, 0) << show(sm);
  EXPECT_NE(sm.out.find("decoder.out.weight"), std::string::npos) << sm.out;
  EXPECT_NE(sm.out.find("encoder.rnn.weight_hh_l0"), std::string::npos) << sm.out;
}

TEST(Seq2SeqCli, ResumeEndsWithTheSameBytes) {
  TempDir tmp;
  const std::string data = tmp.write("pairs.txt", reversal_pairs(100));
  const auto args = [&](const std::string& out) {
    return s2s_args(data, out) + std::vector<std::string>{"--decoder", "attention", "--dropout", "0.1", "--num-layers",
                                                          "2", "--epochs", "3", "--checkpoint-every", "5"};
  };
  ASSERT_EQ(run_cli(args(tmp.file("whole"))).exit_code, 0);
  ASSERT_EQ(run_cli(args(tmp.file("parts")) + std::vector<std::string>{"--max-steps", "17"}).exit_code, 0);
  const CliResult r = run_cli(args(tmp.file("parts")) + std::vector<std::string>{"--resume"});
  ASSERT_EQ(r.exit_code, 0) << show(r);
  auto bytes = [](const std::string& p) {
    std::ifstream f(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), {});
  };
  EXPECT_EQ(bytes(tmp.file("whole") + "/model.safetensors"), bytes(tmp.file("parts") + "/model.safetensors"));
}

TEST(Seq2SeqCli, BadInputIsOneLineAndExit2) {
  TempDir tmp;
  const std::string good = tmp.write("good.txt", reversal_pairs(40));
  const std::string out = tmp.file("m");
  // A line without the separator, naming file and line.
  const std::string nosep = tmp.write("nosep.txt", "ab_ba\ncd dc\n");
  expect_input_error(run_cli(s2s_args(nosep, tmp.file("x"))), {"nosep.txt:2", "separator"});
  // Empty source or target.
  const std::string empty = tmp.write("empty.txt", "ab_ba\nab_\n");
  expect_input_error(run_cli(s2s_args(empty, tmp.file("x"))), {"empty.txt:2", "empty target"});
  const std::string empty_src = tmp.write("empty_src.txt", "_ba\n");
  expect_input_error(run_cli(s2s_args(empty_src, tmp.file("x"))), {"empty_src.txt:1", "empty source"});
  // A CSV column that does not exist, naming the columns there are.
  const std::string csv = tmp.write("d.csv", "Q,A,label\r\n\"a, b\",\"b a\",0\r\nc,d,1");
  expect_input_error(run_cli(s2s_args(csv, tmp.file("x")) +
                             std::vector<std::string>{"--source-column", "Q", "--target-column", "Answer"}),
                     {"d.csv", "Answer", "Q", "A", "label"});
  // A target longer than --max-target-len.
  expect_input_error(run_cli(s2s_args(good, tmp.file("x")) + std::vector<std::string>{"--max-target-len", "3"}),
                     {"good.txt:", "--max-target-len 3"});
  EXPECT_FALSE(std::filesystem::exists(tmp.file("x")));
  // A CSV with quoted fields, CRLF and no final newline trains.
  ASSERT_EQ(run_cli(s2s_args(csv, tmp.file("csv")) + std::vector<std::string>{"--source-column", "Q", "--target-column",
                                                                               "A", "--max-steps", "2", "--val-fraction",
                                                                               "0"}).exit_code, 0);

  ASSERT_EQ(run_cli(s2s_args(good, out) + std::vector<std::string>{"--max-steps", "3"}).exit_code, 0);
  // A source token outside the vocabulary at translate time, naming it.
  expect_input_error(run_cli({"translate", out, "--input", "abz"}), {"'z'"});
  // sample on a seq2seq model, translate on a language model.
  expect_input_error(run_cli({"sample", out}), {out, "seq2seq", "translate"});
  const std::string lm = train_tiny_model(tmp.path(), "lm");
  expect_input_error(run_cli({"translate", lm, "--input", "the"}), {lm, "language model", "sample"});
  // Flags of translate.
  expect_input_error(run_cli({"translate", out, "--input", "ab", "--beam", "2", "--n-best", "3"}), {"--n-best"});
  expect_input_error(run_cli({"translate", out, "--input", "ab", "--attention-map", tmp.file("a.png")}),
                     {"--attention-map", "plain"});
}

}  // namespace
}  // namespace rnngen::testing
