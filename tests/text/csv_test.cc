// The CSV reader on RFC 4180's corner cases and on malformed input.
#include <gtest/gtest.h>

#include "rnngen/error.h"
#include "text/csv.h"
#include "text/test_files.h"

namespace rnngen::text {
namespace {

using Rows = std::vector<std::vector<std::string>>;

std::string error_of(std::string_view data) {
  try {
    parse_csv(data, "f.csv");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(Csv, PlainRecordsWithLfOrCrlf) {
  for (const char* data : {"a,b\n1,2\n3,4\n", "a,b\r\n1,2\r\n3,4\r\n", "a,b\n1,2\n3,4"}) {
    const auto t = parse_csv(data, "f.csv");
    EXPECT_EQ(t.header, (std::vector<std::string>{"a", "b"})) << data;
    EXPECT_EQ(t.rows, (Rows{{"1", "2"}, {"3", "4"}})) << data;
  }
}

TEST(Csv, QuotedFields) {
  const auto t = parse_csv(
      "id,text\n"
      "1,\"a, b\"\n"
      "2,\"say \"\"hi\"\"\"\n"
      "3,\"two\nlines\"\n"
      "4,\"crlf\r\ninside\"\r\n"
      "5,\"\"\n"
      "6, spaced \n",
      "f.csv");
  EXPECT_EQ(t.rows, (Rows{{"1", "a, b"},
                          {"2", "say \"hi\""},
                          {"3", "two\nlines"},
                          {"4", "crlf\r\ninside"},
                          {"5", ""},
                          {"6", " spaced "}}));
}

TEST(Csv, EmptyFieldsBlankLinesAndBom) {
  const auto t = parse_csv("\xEF\xBB\xBFx,y,z\n,,\n\n1,,3\n", "f.csv");
  EXPECT_EQ(t.header, (std::vector<std::string>{"x", "y", "z"}));
  EXPECT_EQ(t.rows, (Rows{{"", "", ""}, {"1", "", "3"}}));
}

TEST(Csv, MalformedRecordsNameTheirLine) {
  EXPECT_NE(error_of("a,b\n1,2\n3\n").find("f.csv:3:"), std::string::npos) << error_of("a,b\n1,2\n3\n");
  EXPECT_NE(error_of("a,b\n1,2,3\n").find("f.csv:2:"), std::string::npos);
  // A record that spans lines is named by the line it starts on.
  EXPECT_NE(error_of("a,b\n\"x\ny\"\n").find("f.csv:2:"), std::string::npos)
      << error_of("a,b\n\"x\ny\"\n");
  EXPECT_NE(error_of("a,b\n1,\"open\n2,3\n").find("f.csv:2:"), std::string::npos)
      << error_of("a,b\n1,\"open\n2,3\n");
  EXPECT_NE(error_of("a,b\n1,\"x\"y\n").find("f.csv:2:"), std::string::npos);
  EXPECT_NE(error_of("a,b\n1,x\"y\n").find("f.csv:2:"), std::string::npos);
  EXPECT_NE(error_of("").find("empty"), std::string::npos);
}

TEST(Csv, MissingColumnListsTheColumns) {
  const auto t = parse_csv("Q,A,label\nhi,hello,0\n", "chat.csv");
  EXPECT_EQ(csv_column(t, "A", "chat.csv"), (std::vector<std::string>{"hello"}));
  try {
    csv_column(t, "headline", "chat.csv");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("Q, A, label"), std::string::npos) << e.what();
  }
  EXPECT_THROW(read_csv_column("/nonexistent/x.csv", "A"), InputError);
}

TEST(Csv, NytHeadlines) {
  const auto path = testing::shared_data_path("nyt/ArticlesApril2018.csv");
  if (!testing::read_file_if_present(path))
    GTEST_SKIP() << path << " is absent (shared data not checked out beside the repo)";
  const auto headlines = read_csv_column(path, "headline");
  ASSERT_EQ(headlines.size(), 1324u);
  EXPECT_EQ(headlines[0],
            "Former N.F.L. Cheerleaders\xE2\x80\x99 Settlement Offer: $1 and a Meeting With Goodell");
}

TEST(Csv, ChatbotDataWithCrlf) {
  const auto path = testing::shared_data_path("korean/ChatbotData.csv");
  if (!testing::read_file_if_present(path))
    GTEST_SKIP() << path << " is absent (shared data not checked out beside the repo)";
  const auto table = read_csv(path);
  EXPECT_EQ(table.header, (std::vector<std::string>{"Q", "A", "label"}));
  EXPECT_EQ(table.rows.size(), 11823u);
}

}  // namespace
}  // namespace rnngen::text
