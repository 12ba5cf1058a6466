// `rnngen serve`: one model behind an OpenAI-compatible HTTP API (docs/server.md).
//   POST /v1/completions   GET /v1/models   GET /health   POST /v1/score
//   POST /tokenize         POST /detokenize
// Requests run on cpp-httplib's thread pool and share the one loaded Model; a client that
// disconnects stops its generation at the next token.
#pragma once
#include <functional>
#include <memory>
#include <string>

#include "rnngen/model.h"
#include "serve/completion_request.h"

namespace rnngen::serve {

struct ServeOptions {
  std::string host = "127.0.0.1";
  int port = 8080;           // 0: any free port (bind() returns it)
  std::string model_id;      // what /v1/models lists and "model" must say; default: DIR's name
  Limits limits;
};

class Server {
 public:
  Server(std::shared_ptr<const Model> model, ServeOptions options);
  ~Server();
  // Binds the socket; returns the port. InputError when the address cannot be bound.
  int bind();
  // Serves until stop() (from another thread or a signal handler's thread).
  void run();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rnngen::serve
