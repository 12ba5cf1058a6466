#include "io/json_file.h"

#include "io/atomic_file.h"
#include "rnngen/error.h"

namespace rnngen::io {

nlohmann::json parse_json(std::string_view bytes, const std::string& source) {
  try {
    return nlohmann::json::parse(bytes.begin(), bytes.end());
  } catch (const nlohmann::json::parse_error& e) {
    // what() is "[json.exception.parse_error.101] parse error at line 1, column 2: ...";
    // the bracketed id means nothing to users. nlohmann already escapes control characters
    // in the "last read" excerpt, so the message stays on one line.
    std::string detail = e.what();
    if (auto close = detail.find("] "); detail.starts_with("[json.exception") &&
                                        close != std::string::npos)
      detail.erase(0, close + 2);
    for (char& c : detail)
      if (c == '\n' || c == '\r') c = ' ';
    throw InputError(source + ": not valid JSON: " + detail);
  } catch (const nlohmann::json::out_of_range&) {
    // A number too large for a double ("1E999"): out_of_range, not a parse error, in
    // nlohmann::json (found by fuzzing the safetensors header, which parses the same way).
    throw InputError(source + ": not valid JSON: a number out of range");
  }
}

nlohmann::json read_json_object(const std::string& path) {
  nlohmann::json j = parse_json(read_file(path), path);
  if (!j.is_object())
    throw InputError(path + ": expected a JSON object, got " + json_type_name(j));
  return j;
}

std::string json_type_name(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
      return "integer";
    case nlohmann::json::value_t::number_float:
      return "number";
    default:
      return value.type_name();  // null, object, array, string, boolean, binary
  }
}

std::string json_quote(std::string_view text) {
  return nlohmann::json(std::string(text)).dump(-1, ' ', false,
                                                nlohmann::json::error_handler_t::replace);
}

}  // namespace rnngen::io
