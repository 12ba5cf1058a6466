// The iterator model.generate() returns: the generation runs on its own thread and hands its
// pieces over through a queue, so that Python holds the GIL only while taking a piece, and a
// dropped or closed iterator stops the generation at its next piece.
#pragma once
#include <pybind11/pybind11.h>

#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "rnngen/model.h"

namespace rnngen::python {

class TextStream {
 public:
  TextStream(std::shared_ptr<const Model> model, GenerateRequest request);
  ~TextStream();
  TextStream(const TextStream&) = delete;
  TextStream& operator=(const TextStream&) = delete;

  // The next piece; raises StopIteration at the end, or the generation's error.
  pybind11::str next();
  void close();

 private:
  std::shared_ptr<const Model> model_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> pieces_;
  bool done_ = false, cancelled_ = false;
  std::exception_ptr error_;
  std::thread worker_;
};

}  // namespace rnngen::python
