// Parsing JSON files with errors that name the file and the place, in one line.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace rnngen::io {

// Parses `bytes` as JSON. InputError "SOURCE: not valid JSON: parse error at line L,
// column C: ..." when it is not.
nlohmann::json parse_json(std::string_view bytes, const std::string& source);

// read_file + parse_json, and the top level must be an object ("PATH: expected a JSON
// object, got array").
nlohmann::json read_json_object(const std::string& path);

// The JSON type of a value as users know it ("string", "number", "array", ...), for messages.
std::string json_type_name(const nlohmann::json& value);

// `text` as a JSON string literal ("a\nb" with quotes), so that names read from files show
// up on one line and unambiguous in messages. Invalid UTF-8 is shown as U+FFFD.
std::string json_quote(std::string_view text);

}  // namespace rnngen::io
