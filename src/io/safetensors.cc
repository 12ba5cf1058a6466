#include "io/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <memory>
#include <utility>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "io/atomic_file.h"
#include "io/json_file.h"
#include "rnngen/error.h"

namespace rnngen::io {

// The data section is copied byte for byte into floats; a big-endian host would need swaps.
static_assert(std::endian::native == std::endian::little, "safetensors I/O assumes little-endian");

namespace {

using nlohmann::json;

struct Parsed {
  std::map<std::string, LoadedTensor> tensors;
  std::map<std::string, std::string> metadata;
};

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

std::string range_text(uint64_t begin, uint64_t end) {
  return "[" + std::to_string(begin) + ", " + std::to_string(end) + "]";
}

// A JSON integer >= 0 (floats such as 2.0 are not integers here: PyTorch never writes them).
bool as_unsigned(const json& v, uint64_t& out) {
  if (v.is_number_unsigned()) {
    out = v.get<uint64_t>();
    return true;
  }
  if (v.is_number_integer() && v.get<int64_t>() >= 0) {
    out = static_cast<uint64_t>(v.get<int64_t>());
    return true;
  }
  return false;
}

struct Entry {
  std::string name;
  std::vector<int64_t> shape;
  uint64_t begin = 0, end = 0;
};

Entry parse_entry(const std::string& source, const std::string& name, const json& e,
                  uint64_t data_size) {
  const std::string where = source + ": tensor " + json_quote(name) + ": ";
  if (!e.is_object())
    throw InputError(where + "entry must be an object, got " + json_type_name(e));
  for (const char* key : {"dtype", "shape", "data_offsets"})
    if (!e.contains(key)) throw InputError(where + "missing \"" + key + "\"");

  const json& dtype = e["dtype"];
  if (!dtype.is_string())
    throw InputError(where + "\"dtype\" must be a string, got " + json_type_name(dtype));
  if (dtype.get<std::string>() != "F32")
    throw InputError(where + "dtype " + json_quote(dtype.get<std::string>()) +
                     " is not supported (only F32)");

  Entry out;
  out.name = name;
  const json& shape = e["shape"];
  if (!shape.is_array())
    throw InputError(where + "\"shape\" must be an array of integers, got " +
                     json_type_name(shape));
  // Count elements in unsigned 64-bit arithmetic with overflow checks: a corrupt shape must
  // not wrap around to a product that happens to match the byte range.
  uint64_t bytes = sizeof(float);
  bool overflow = false;
  for (const json& d : shape) {
    uint64_t dim = 0;
    if (!as_unsigned(d, dim)) {
      if (d.is_number_integer())
        throw InputError(where + "negative dimension " + d.dump() + " in \"shape\"");
      throw InputError(where + "\"shape\" must be an array of integers, found " +
                       json_type_name(d) + " " + d.dump());
    }
    if (dim > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      throw InputError(where + "dimension " + std::to_string(dim) + " in \"shape\" is too large");
    out.shape.push_back(static_cast<int64_t>(dim));
    if (__builtin_mul_overflow(bytes, dim, &bytes)) overflow = true;
  }
  // The reference multiplies left to right with checked arithmetic and refuses any overflow,
  // even where a later zero dimension would make the product 0; so do we.
  if (overflow) throw InputError(where + "shape " + shape_text(out.shape) + " is too large");

  const json& offsets = e["data_offsets"];
  if (!offsets.is_array() || offsets.size() != 2 || !as_unsigned(offsets[0], out.begin) ||
      !as_unsigned(offsets[1], out.end))
    throw InputError(where + "\"data_offsets\" must be [begin, end] with non-negative integers, got " +
                     offsets.dump());
  if (out.begin > out.end)
    throw InputError(where + "data_offsets " + range_text(out.begin, out.end) +
                     " end before they begin");
  if (out.end > data_size)
    throw InputError(where + "data_offsets " + range_text(out.begin, out.end) +
                     " run past the end of the data section (" + std::to_string(data_size) +
                     " bytes)");
  if (out.end - out.begin != bytes)
    throw InputError(where + "shape " + shape_text(out.shape) + " needs " +
                     std::to_string(bytes) + " bytes but data_offsets " +
                     range_text(out.begin, out.end) + " hold " +
                     std::to_string(out.end - out.begin));
  return out;
}

std::map<std::string, std::string> parse_metadata(const std::string& source, const json& m) {
  const std::string where = source + ": \"__metadata__\" ";
  if (m.is_null()) return {};  // the reference reads it as Option<...>: null is "none"
  if (!m.is_object())
    throw InputError(where + "must be an object of strings, got " + json_type_name(m));
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : m.items()) {
    if (!value.is_string())
      throw InputError(where + "values must be strings, but " + json_quote(key) + " is " +
                       json_type_name(value));
    out[key] = value.get<std::string>();
  }
  return out;
}

// serde (the reference) refuses a repeated field of a struct: "__metadata__" at the top and
// "dtype", "shape" or "data_offsets" in a tensor's entry. Repeated tensor names and metadata
// keys are maps there, where the later one wins, as it does in nlohmann::json.
json::parser_callback_t duplicate_key_check(const std::string& source) {
  struct Level {
    bool object = false;
    std::string key;  // the key being read at this level
    std::vector<std::string> seen;  // the watched keys read so far: a few at most
  };
  auto stack = std::make_shared<std::vector<Level>>();
  return [stack, source](int, json::parse_event_t event, json& parsed) {
    using E = json::parse_event_t;
    switch (event) {
      case E::object_start: stack->push_back({true, {}, {}}); break;
      case E::array_start: stack->push_back({false, {}, {}}); break;
      case E::object_end:
      case E::array_end: if (!stack->empty()) stack->pop_back(); break;
      case E::key: {
        Level& top = stack->back();
        std::string key = parsed.get<std::string>();
        const bool repeated = std::find(top.seen.begin(), top.seen.end(), key) != top.seen.end();
        const size_t depth = stack->size();
        const bool in_entry = depth == 2 && (*stack)[0].object && (*stack)[0].key != "__metadata__";
        const bool watched =
            (depth == 1 && key == "__metadata__") ||
            (in_entry && (key == "dtype" || key == "shape" || key == "data_offsets"));
        if (repeated && watched) {
          const std::string where =
              depth == 1 ? "" : "tensor " + json_quote((*stack)[0].key) + ": ";
          throw InputError(source + ": " + where + "duplicate field " + json_quote(key) +
                           " in the safetensors header");
        }
        if (watched) top.seen.push_back(key);
        top.key = std::move(key);
        break;
      }
      case E::value: break;
    }
    return true;
  };
}

// The header, validated against the bytes: every tensor's name, shape and byte range in the
// data section, which starts `data_offset` bytes into the file.
struct Index {
  std::vector<Entry> entries;
  std::map<std::string, std::string> metadata;
  uint64_t data_offset = 0;
};

Index parse_index(std::string_view bytes, const std::string& source) {
  if (bytes.size() < 8)
    throw InputError(source + ": not a safetensors file: " + std::to_string(bytes.size()) +
                     " bytes, too short for the 8-byte header length");
  uint64_t header_len = 0;
  for (int i = 7; i >= 0; --i) header_len = (header_len << 8) | static_cast<uint8_t>(bytes[i]);
  if (header_len > kMaxSafetensorsHeader)
    throw InputError(source + ": safetensors header length " + std::to_string(header_len) +
                     " exceeds the limit of " + std::to_string(kMaxSafetensorsHeader) +
                     " bytes (corrupt or not a safetensors file)");
  const uint64_t rest = bytes.size() - 8;
  if (header_len > rest)
    throw InputError(source + ": safetensors header length " + std::to_string(header_len) +
                     " runs past the end of the file (" + std::to_string(bytes.size()) +
                     " bytes)");
  const std::string_view header = bytes.substr(8, header_len);
  const std::string_view data = bytes.substr(8 + header_len);

  // serde_json (the reference's parser) takes no byte-order mark and nothing but whitespace
  // after the value; nlohmann::json skips a BOM and stops quietly at a NUL byte.
  if (header.starts_with("\xEF\xBB\xBF"))
    throw InputError(source + ": safetensors header starts with a byte-order mark");
  if (const size_t nul = header.find('\0'); nul != std::string_view::npos)
    throw InputError(source + ": safetensors header is not valid JSON (NUL byte at header byte " +
                     std::to_string(nul) + ")");
  json h;
  try {
    h = json::parse(header.begin(), header.end(), duplicate_key_check(source));
  } catch (const json::parse_error& e) {
    throw InputError(source + ": safetensors header is not valid JSON (at header byte " +
                     std::to_string(e.byte) + ")");
  } catch (const json::out_of_range&) {
    // A number too large for a double (found by fuzz/safetensors_fuzz): nlohmann::json
    // reports it as out_of_range, not as a parse error; serde_json refuses it too.
    throw InputError(source + ": safetensors header is not valid JSON (a number out of range)");
  }
  if (!h.is_object())
    throw InputError(source + ": safetensors header must be a JSON object, got " +
                     json_type_name(h));

  Index out;
  out.data_offset = 8 + header_len;
  std::vector<Entry>& entries = out.entries;
  for (const auto& [name, value] : h.items()) {
    if (name == "__metadata__") {
      out.metadata = parse_metadata(source, value);
      continue;
    }
    entries.push_back(parse_entry(source, name, value, data.size()));
  }

  // As the reference (Metadata::validate): sorted by (begin, end), the tensors tile the data
  // section from 0 with no gap and no overlap, and the last one ends where the file ends.
  std::vector<const Entry*> by_offset;
  for (const Entry& e : entries) by_offset.push_back(&e);
  std::sort(by_offset.begin(), by_offset.end(), [](const Entry* a, const Entry* b) {
    return std::pair(a->begin, a->end) < std::pair(b->begin, b->end);
  });
  uint64_t covered = 0;
  const Entry* prev = nullptr;
  for (const Entry* e : by_offset) {
    if (e->begin < covered)
      throw InputError(source + ": tensors " + json_quote(prev->name) + " " +
                       range_text(prev->begin, prev->end) + " and " + json_quote(e->name) + " " +
                       range_text(e->begin, e->end) + " overlap");
    if (e->begin > covered)
      throw InputError(source + ": tensor " + json_quote(e->name) + ": data_offsets " +
                       range_text(e->begin, e->end) + " leave a gap: bytes " +
                       range_text(covered, e->begin) + " of the data section belong to no tensor");
    covered = e->end;
    prev = e;
  }
  if (covered != data.size())
    throw InputError(source + ": the tensors cover " + std::to_string(covered) +
                     " bytes but the data section holds " + std::to_string(data.size()) +
                     " (bytes after the last tensor)");

  return out;
}

Parsed parse(std::string_view bytes, const std::string& source) {
  const Index index = parse_index(bytes, source);
  Parsed out;
  out.metadata = index.metadata;
  for (const Entry& e : index.entries) {
    LoadedTensor t;
    t.shape = e.shape;
    t.data.resize((e.end - e.begin) / sizeof(float));
    if (!t.data.empty()) std::memcpy(t.data.data(), bytes.data() + index.data_offset + e.begin, e.end - e.begin);
    out.tensors.emplace(e.name, std::move(t));
  }
  return out;
}

}  // namespace

void write_safetensors(const std::string& path, const std::vector<TensorRef>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) {
    nlohmann::ordered_json m = nlohmann::ordered_json::object();
    for (const auto& [k, v] : metadata) m[k] = v;
    header["__metadata__"] = std::move(m);
  }
  std::vector<size_t> counts;
  uint64_t offset = 0;
  for (const TensorRef& t : tensors) {
    if (t.name == "__metadata__")
      throw std::invalid_argument("write_safetensors: reserved tensor name __metadata__");
    if (header.contains(t.name))
      throw std::invalid_argument("write_safetensors: duplicate tensor name " + t.name);
    uint64_t count = 1;
    for (int64_t d : t.shape) {
      if (d < 0 || __builtin_mul_overflow(count, static_cast<uint64_t>(d), &count))
        throw std::invalid_argument("write_safetensors: bad shape " + shape_text(t.shape) +
                                    " for " + t.name);
    }
    if (count > 0 && t.data == nullptr)
      throw std::invalid_argument("write_safetensors: no data for " + t.name);
    counts.push_back(static_cast<size_t>(count));
    const uint64_t end = offset + count * sizeof(float);
    header[t.name] = {{"dtype", "F32"}, {"shape", t.shape}, {"data_offsets", {offset, end}}};
    offset = end;
  }

  std::string h = header.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::strict);
  h.append((8 - h.size() % 8) % 8, ' ');

  std::string out;
  out.reserve(8 + h.size() + offset);
  uint64_t n = h.size();
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  out += h;
  for (size_t i = 0; i < tensors.size(); ++i)
    if (counts[i] > 0)
      out.append(reinterpret_cast<const char*>(tensors[i].data), counts[i] * sizeof(float));
  write_file_atomic(path, out);
}

std::map<std::string, LoadedTensor> parse_safetensors(std::string_view bytes,
                                                      const std::string& source) {
  return parse(bytes, source).tensors;
}

std::map<std::string, LoadedTensor> read_safetensors(const std::string& path) {
  return parse(read_file(path), path).tensors;
}

std::map<std::string, std::string> read_safetensors_metadata(const std::string& path) {
  return SafetensorsView(path).metadata();  // the header only: the tensors stay in the mapping
}

SafetensorsView::SafetensorsView(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat st {};
  if (fd >= 0 && ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    // Read-only pages of the page cache, faulted in with one call: no copy of the file and
    // no fresh memory to zero, where reading it would make both.
    size_ = static_cast<size_t>(st.st_size);
    void* m = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    map_ = m == MAP_FAILED ? nullptr : m;
  }
  if (fd >= 0) ::close(fd);
  std::string_view bytes;
  if (map_) {
    bytes = std::string_view(static_cast<const char*>(map_), size_);
  } else {  // empty, not a regular file, or not mappable: read it, with read_file's errors
    owned_ = read_file(path);
    bytes = owned_;
  }
  try {
    Index index = parse_index(bytes, path);
    metadata_ = std::move(index.metadata);
    for (Entry& e : index.entries)
      tensors_.emplace(e.name, Tensor{std::move(e.shape), bytes.data() + index.data_offset + e.begin,
                                      (e.end - e.begin) / sizeof(float)});
  } catch (...) {
    if (map_) ::munmap(map_, size_);
    throw;
  }
}

SafetensorsView::~SafetensorsView() {
  if (map_) ::munmap(map_, size_);
}

void SafetensorsView::Tensor::copy_to(float* out) const {
  if (count) std::memcpy(out, bytes, count * sizeof(float));
}

}  // namespace rnngen::io
