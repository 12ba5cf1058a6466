// The safetensors format (https://github.com/huggingface/safetensors), F32 only, read and
// written here so that the weights load into PyTorch with safetensors.torch.load_file.
//
//   [8 bytes]  N, unsigned little-endian
//   [N bytes]  JSON object: {"NAME": {"dtype": "F32", "shape": [d0, ...],
//                                     "data_offsets": [begin, end]}, ...,
//                            "__metadata__": {"key": "value", ...}}   (metadata optional)
//   [rest]     the data; offsets are relative to its start, tensors are row-major.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace rnngen::io {

// A tensor to write; `data` holds product(shape) floats and is only read during the call.
struct TensorRef {
  std::string name;
  std::vector<int64_t> shape;
  const float* data = nullptr;
};

struct LoadedTensor {
  std::vector<int64_t> shape;
  std::vector<float> data;
};

// Writes atomically (write_file_atomic). Tensors are laid out in the order given and the
// header lists them in that order after "__metadata__", so the same input gives the same
// bytes. The header is padded with spaces to a multiple of 8 so the data is 8-byte aligned.
// A duplicate or reserved name, a negative dimension or a null pointer for a non-empty tensor
// is a caller bug: std::invalid_argument.
void write_safetensors(const std::string& path, const std::vector<TensorRef>& tensors,
                       const std::map<std::string, std::string>& metadata = {});

// Reads and validates every size and offset before using it, by the rules of the format's
// reference reader (huggingface/safetensors, listed in docs/format.md) plus ours (F32 only).
// Any problem (truncated file, bad header, a dtype other than F32, shape not matching its
// byte range, ranges outside the data, overlapping, leaving a gap or not reaching the end of
// the file) is an InputError naming the file and, where there is one, the tensor.
std::map<std::string, LoadedTensor> read_safetensors(const std::string& path);

// Same as read_safetensors, on bytes already in memory; `source` names them in errors.
std::map<std::string, LoadedTensor> parse_safetensors(std::string_view bytes,
                                                      const std::string& source);

// A file's tensors read in place, from a read-only mapping of the file, for loading large
// weights without copying them twice (read_safetensors holds the file's bytes and a copy of
// every tensor). Validated as read_safetensors validates, with the same errors. The tensors'
// bytes are valid while the view lives; they may not be 4-byte aligned, hence copy_to.
class SafetensorsView {
 public:
  struct Tensor {
    std::vector<int64_t> shape;
    const char* bytes = nullptr;  // count floats, little-endian
    size_t count = 0;
    void copy_to(float* out) const;
  };
  explicit SafetensorsView(const std::string& path);
  ~SafetensorsView();
  SafetensorsView(const SafetensorsView&) = delete;
  SafetensorsView& operator=(const SafetensorsView&) = delete;

  const std::map<std::string, Tensor>& tensors() const { return tensors_; }
  const std::map<std::string, std::string>& metadata() const { return metadata_; }

 private:
  void* map_ = nullptr;  // the file, mapped
  size_t size_ = 0;
  std::string owned_;     // or its bytes, read (where it cannot be mapped)
  std::map<std::string, Tensor> tensors_;
  std::map<std::string, std::string> metadata_;
};

// The "__metadata__" entries of a file (empty when it has none), validated as above.
std::map<std::string, std::string> read_safetensors_metadata(const std::string& path);

// Largest header we accept: real headers are kilobytes; this stops a corrupt length from
// making us allocate gigabytes.
inline constexpr uint64_t kMaxSafetensorsHeader = 100'000'000;

}  // namespace rnngen::io
