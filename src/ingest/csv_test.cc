// Tests of the CSV reader (csv.h) and the text helpers (internal.h).
#include "csv.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "internal.h"

namespace spcoop::ingest {
namespace {

using namespace std::string_view_literals;

struct Record {
  int64_t line;
  std::vector<std::string> fields;
};

std::vector<Record> ReadAll(std::string_view data) {
  CsvReader reader(data);
  std::vector<Record> out;
  while (reader.Next()) {
    Record r{reader.line(), {}};
    for (std::string_view f : reader.fields()) r.fields.emplace_back(f);
    out.push_back(std::move(r));
  }
  return out;
}

using Fields = std::vector<std::string>;

TEST(CsvReaderTest, ReadsPlainFieldsAndLineNumbers) {
  auto r = ReadAll("a,b,c\n1,2,3\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].fields, (Fields{"a", "b", "c"}));
  EXPECT_EQ(r[0].line, 1);
  EXPECT_EQ(r[1].fields, (Fields{"1", "2", "3"}));
  EXPECT_EQ(r[1].line, 2);
}

TEST(CsvReaderTest, LastLineWithoutLineBreakAndEmptyFields) {
  auto r = ReadAll("a,,c,\n,x");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].fields, (Fields{"a", "", "c", ""}));
  EXPECT_EQ(r[1].fields, (Fields{"", "x"}));
}

TEST(CsvReaderTest, QuotedFieldsWithCommasAndDoubledQuotes) {
  auto r = ReadAll(R"(name,note
"Hong Kong, China","said ""hello"""
"",""""
)");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[1].fields, (Fields{"Hong Kong, China", "said \"hello\""}));
  EXPECT_EQ(r[2].fields, (Fields{"", "\""}));
}

TEST(CsvReaderTest, EmbeddedNewlinesKeepLineNumbersRight) {
  // Record 2 starts on line 2 and spans lines 2-4; record 3 starts on line 5.
  auto r = ReadAll("a,b\n\"one\ntwo\nthree\",x\nlast,y\n");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[1].line, 2);
  EXPECT_EQ(r[1].fields, (Fields{"one\ntwo\nthree", "x"}));
  EXPECT_EQ(r[2].line, 5);
  EXPECT_EQ(r[2].fields, (Fields{"last", "y"}));
}

TEST(CsvReaderTest, EmbeddedNewlineWithDoubledQuotes) {
  auto r = ReadAll("a\n\"x \"\"q\"\"\r\ny\"\nz\n");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[1].fields, (Fields{"x \"q\"\r\ny"}));
  EXPECT_EQ(r[2].line, 4);
}

TEST(CsvReaderTest, CrlfAndLoneCrLineEnds) {
  auto r = ReadAll("a,b\r\n1,2\r\n3,4\r5,6");
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[1].fields, (Fields{"1", "2"}));
  EXPECT_EQ(r[2].fields, (Fields{"3", "4"}));
  EXPECT_EQ(r[3].fields, (Fields{"5", "6"}));
  EXPECT_EQ(r[3].line, 4);
}

TEST(CsvReaderTest, BlankLinesAreSkippedButCounted) {
  auto r = ReadAll("a\n\n\r\n1\n\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[1].line, 4);
  EXPECT_EQ(r[1].fields, (Fields{"1"}));
}

TEST(CsvReaderTest, ByteOrderMarkIsSkipped) {
  CsvReader reader("\xEF\xBB\xBFseries,value\n");
  ASSERT_TRUE(reader.Next());
  EXPECT_TRUE(reader.had_bom());
  EXPECT_EQ(reader.fields()[0], "series");
  EXPECT_EQ(reader.line(), 1);
  EXPECT_FALSE(reader.Next());
}

TEST(CsvReaderTest, EmptyInputHasNoRecords) {
  CsvReader empty("");
  EXPECT_FALSE(empty.Next());
  CsvReader bom_only("\xEF\xBB\xBF");
  EXPECT_FALSE(bom_only.Next());
  CsvReader blank("\n\r\n");
  EXPECT_FALSE(blank.Next());
}

TEST(CsvReaderTest, QuoteInsideUnquotedFieldIsLiteral) {
  auto r = ReadAll("5\"3,x\n");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].fields, (Fields{"5\"3", "x"}));
}

TEST(CsvReaderTest, UnclosedQuoteIsReportedAtItsColumn) {
  CsvReader reader("a,b\n1,\"open\n2,3\n");
  ASSERT_TRUE(reader.Next());
  ASSERT_TRUE(reader.Next());
  EXPECT_EQ(reader.line(), 2);
  EXPECT_EQ(reader.problem(), CsvReader::Problem::kUnclosedQuote);
  EXPECT_EQ(reader.problem_column(), 2);
  EXPECT_FALSE(reader.Next());
}

TEST(CsvReaderTest, TextAfterClosingQuoteKeepsTheRawText) {
  CsvReader reader("\"2019\"x,20\nnext\n");
  ASSERT_TRUE(reader.Next());
  EXPECT_EQ(reader.problem(), CsvReader::Problem::kTextAfterQuote);
  EXPECT_EQ(reader.problem_column(), 1);
  EXPECT_EQ(reader.fields()[0], "\"2019\"x");
  EXPECT_EQ(reader.fields()[1], "20");
  ASSERT_TRUE(reader.Next());
  EXPECT_EQ(reader.problem(), CsvReader::Problem::kNone);
  EXPECT_EQ(reader.fields()[0], "next");
}

TEST(CsvReaderTest, InvalidUtf8IsReportedByColumn) {
  CsvReader reader("ok,K\xC9M,Vi\xE1\xBB\x87t,\"\xFF\"\n");
  ASSERT_TRUE(reader.Next());
  EXPECT_EQ(reader.invalid_utf8_columns(), (std::vector<int>{2, 4}));
}

TEST(CsvReaderTest, OffsetReachesTheEnd) {
  std::string data = "a,b\n1,2\n";
  CsvReader reader(data);
  while (reader.Next()) {
  }
  EXPECT_EQ(reader.offset(), data.size());
}

TEST(CsvReaderTest, ScratchViewsStayValidForTheWholeRecord) {
  // Several escaped fields in one record: each view must point at its own text.
  auto r = ReadAll("\"a\"\"\",\"b\"\"\"\"\",plain,\"c\"\"\"\n");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].fields, (Fields{"a\"", "b\"\"", "plain", "c\""}));
}

TEST(Utf8Test, FindsTheFirstInvalidByte) {
  EXPECT_EQ(FindInvalidUtf8("plain ascii"), std::string_view::npos);
  EXPECT_EQ(FindInvalidUtf8("中国 Türkiye Россия"), std::string_view::npos);
  EXPECT_EQ(FindInvalidUtf8("\xF0\x9F\x98\x80"), std::string_view::npos);  // U+1F600
  EXPECT_EQ(FindInvalidUtf8("ab\xC9"), 2u);                                // Latin-1 É
  EXPECT_EQ(FindInvalidUtf8("\xC0\xAF"), 0u);                              // overlong '/'
  EXPECT_EQ(FindInvalidUtf8("\xE0\x80\xAF"), 0u);                          // overlong
  EXPECT_EQ(FindInvalidUtf8("x\xED\xA0\x80"), 1u);                         // surrogate D800
  EXPECT_EQ(FindInvalidUtf8("\xF4\x90\x80\x80"), 0u);                      // above U+10FFFF
  EXPECT_EQ(FindInvalidUtf8("\xE1\xBB"), 0u);                              // cut short
  EXPECT_EQ(FindInvalidUtf8("\x80"), 0u);                                  // lone continuation
}

TEST(InternalTest, PrintableEscapesBadBytesAndCutsLongValues) {
  EXPECT_EQ(internal::Printable("K\xC9M"), "K\\xC9M");
  EXPECT_EQ(internal::Printable("a\nb\tc"), "a\\nb\\tc");
  EXPECT_EQ(internal::Printable("Việt"), "Việt");
  EXPECT_EQ(internal::Printable(std::string(70, 'x')), std::string(60, 'x') + "...");
}

TEST(InternalTest, ParsesNumbersStrictly) {
  EXPECT_EQ(internal::ParseNumber("42.5"), 42.5);
  EXPECT_EQ(internal::ParseNumber("+7"), 7.0);
  EXPECT_EQ(internal::ParseNumber("-3"), -3.0);
  EXPECT_EQ(internal::ParseNumber(".5"), 0.5);
  EXPECT_EQ(internal::ParseNumber("1e2"), 100.0);
  for (std::string_view bad :
       {""sv, "n/a"sv, "42%"sv, "42,5"sv, "nan"sv, "inf"sv, "-inf"sv, "1e999"sv, "4 2"sv, "-"sv}) {
    EXPECT_FALSE(internal::ParseNumber(bad)) << bad;
  }
  EXPECT_EQ(internal::ParseWholeNumber("2019"), 2019);
  EXPECT_FALSE(internal::ParseWholeNumber("2019.0"));
  EXPECT_FALSE(internal::ParseWholeNumber("20l9"));
  EXPECT_FALSE(internal::ParseWholeNumber(""));
}

TEST(InternalTest, BaseName) {
  EXPECT_EQ(internal::BaseName("a/b/c.csv"), "c.csv");
  EXPECT_EQ(internal::BaseName("c.csv"), "c.csv");
}

}  // namespace
}  // namespace spcoop::ingest
