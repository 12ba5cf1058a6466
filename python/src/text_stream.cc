#include "text_stream.h"

namespace py = pybind11;

namespace rnngen::python {

TextStream::TextStream(std::shared_ptr<const Model> model, GenerateRequest request) : model_(std::move(model)) {
  worker_ = std::thread([this, request = std::move(request)] {
    try {
      model_->generate(request, [this](std::string_view piece) {
        std::lock_guard lock(mu_);
        pieces_.emplace_back(piece);
        cv_.notify_one();
        return !cancelled_;
      });
    } catch (...) {
      std::lock_guard lock(mu_);
      error_ = std::current_exception();
    }
    std::lock_guard lock(mu_);
    done_ = true;
    cv_.notify_one();
  });
}

TextStream::~TextStream() {
  {
    std::lock_guard lock(mu_);
    cancelled_ = true;
  }
  // The destructor may run with the GIL held (garbage collection); the worker never takes it.
  if (worker_.joinable()) worker_.join();
}

void TextStream::close() {
  std::lock_guard lock(mu_);
  cancelled_ = true;
}

py::str TextStream::next() {
  std::string piece;
  {
    py::gil_scoped_release release;
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return !pieces_.empty() || done_; });
    if (!pieces_.empty()) {
      piece = std::move(pieces_.front());
      pieces_.pop_front();
    } else if (error_) {
      std::exception_ptr e = error_;
      error_ = nullptr;
      std::rethrow_exception(e);  // pybind11 translates it once the GIL is back
    } else {
      throw py::stop_iteration();
    }
  }
  return py::str(piece);
}

}  // namespace rnngen::python
