// A text saved on Windows (a byte order mark, CRLF line ends) is the same text as its Unix
// copy: every tokenizer trains the same model bytes from either, and `eval` scores both alike.
// Several files are one text with a line end between them.
#include <gtest/gtest.h>

#include "cli/cli_fixtures.h"
#include "temp_dir.h"

namespace rnngen::testing {
namespace {

std::string windows_copy(const std::string& text) {
  std::string out = "\xEF\xBB\xBF";
  for (char c : text) out += c == '\n' ? std::string("\r\n") : std::string(1, c);
  return out;
}

class LineEndings : public ::testing::TestWithParam<std::vector<std::string>> {};

TEST_P(LineEndings, WindowsTextTrainsTheSameModelAsUnixText) {
  TempDir tmp;
  const std::string unix_text = tiny_corpus();
  const std::string unix_file = tmp.write("unix.txt", unix_text);
  const std::string win_file = tmp.write("win.txt", windows_copy(unix_text));
  std::string bytes[2], tokenizer[2], eval[2];
  for (int i = 0; i < 2; ++i) {
    const std::string out = tmp.file(i ? "win" : "unix");
    const CliResult r = run_cli(tiny_train_args(i ? win_file : unix_file, out) + std::vector<std::string>{"--max-steps", "3"} +
                                GetParam());
    ASSERT_EQ(r.exit_code, 0) << show(r);
    bytes[i] = TempDir::read(out + "/model.safetensors");
    tokenizer[i] = TempDir::read(out + "/tokenizer.json");
    const CliResult e = run_cli({"eval", out, i ? win_file : unix_file, "--json", "--threads", "1"});
    ASSERT_EQ(e.exit_code, 0) << show(e);
    eval[i] = e.out.substr(0, e.out.find("\"seconds\""));  // the timing fields differ run to run
  }
  EXPECT_EQ(tokenizer[1], tokenizer[0]);
  EXPECT_TRUE(bytes[1] == bytes[0]) << "model.safetensors differs";
  EXPECT_EQ(eval[1], eval[0]);
}

// Two files, the first without a final newline, train as the one file that has it: the last
// line of the first does not run into the first line of the second.
TEST_P(LineEndings, FilesAreJoinedAtALineEnd) {
  TempDir tmp;
  const std::string text = tiny_corpus();
  const size_t half = text.find('\n', text.size() / 2);
  const std::string one = tmp.write("one.txt", text);
  const std::string first = tmp.write("first.txt", text.substr(0, half));  // no final newline
  const std::string second = tmp.write("second.txt", text.substr(half + 1));
  auto train = [&](const std::vector<std::string>& files, const std::string& out) {
    std::vector<std::string> args = tiny_train_args(files[0], out) + std::vector<std::string>{"--max-steps", "3"} + GetParam();
    args.insert(args.begin() + 2, files.begin() + 1, files.end());
    const CliResult r = run_cli(args);
    EXPECT_EQ(r.exit_code, 0) << show(r);
    return TempDir::read(out + "/tokenizer.json") + TempDir::read(out + "/model.safetensors");
  };
  EXPECT_TRUE(train({first, second}, tmp.file("two")) == train({one}, tmp.file("one")));
}

INSTANTIATE_TEST_SUITE_P(Tokenizers, LineEndings,
                         ::testing::Values(std::vector<std::string>{"--tokenizer", "char"},
                                           std::vector<std::string>{"--tokenizer", "word"},
                                           std::vector<std::string>{"--tokenizer", "word", "--word-style", "ptb"},
                                           std::vector<std::string>{"--tokenizer", "char", "--sequences", "lines"}),
                         [](const auto& info) { return "case" + std::to_string(info.index); });

}  // namespace
}  // namespace rnngen::testing
