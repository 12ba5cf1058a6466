// Whole-file reads and crash-safe whole-file writes. Every file rnngen writes (model
// directory, checkpoints) goes through write_file_atomic, so a crash or kill -9 at any moment
// leaves either the old complete file or the new complete one, never a torn one.
#pragma once
#include <string>
#include <string_view>

namespace rnngen::io {

// Writes `bytes` to a temporary file in path's directory, fsyncs it, renames it over `path`
// and fsyncs the directory. On failure the temporary file is removed and the target is left
// as it was. Throws InputError naming the path when the directory is missing, not a
// directory, or not writable (or `path` is a directory); std::runtime_error for other I/O
// failures (disk full, I/O error). A new file gets mode 0644; an existing file keeps its mode.
void write_file_atomic(const std::string& path, std::string_view bytes);

// The whole contents of a regular file. Throws InputError "cannot read PATH: REASON" when it
// is missing, a directory or unreadable.
std::string read_file(const std::string& path);

}  // namespace rnngen::io
