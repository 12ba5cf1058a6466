// rnngen serve DIR: the model behind an OpenAI-compatible HTTP API (src/serve/, docs/server.md).
#include <csignal>
#include <cstdio>
#include <thread>

#include "commands.h"
#include "ops/gemm.h"
#include "rnngen/error.h"
#include "rnngen/model.h"
#include "serve/server.h"

namespace rnngen::cli {

namespace {

serve::Server* g_server = nullptr;

bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

}  // namespace

void add_serve(CLI::App& app, Runner& run) {
  auto* sub = app.add_subcommand("serve", "Serve a model over HTTP (OpenAI completions API)");
  struct Opts {
    std::string dir, host = "127.0.0.1", name;
    int port = 8080, threads = 1;
    serve::Limits limits;
  };
  auto o = std::make_shared<Opts>();
  sub->add_option("DIR", o->dir, "model directory")->required();
  sub->add_option("--host", o->host, "address to listen on (a warning when not loopback)")->capture_default_str();
  sub->add_option("--port", o->port, "TCP port (0 = any free one, printed on stderr)")->capture_default_str()->check(CLI::Range(0, 65535));
  sub->add_option("--model-name", o->name, "the model id clients send (default: DIR's name)");
  sub->add_option("--threads", o->threads, "GEMM threads per generation (>= 1)")->capture_default_str()->check(CLI::PositiveNumber);
  sub->add_option("--max-tokens", o->limits.max_tokens, "largest max_tokens a request may ask")->capture_default_str()->check(CLI::PositiveNumber);
  sub->add_option("--max-streams", o->limits.max_streams, "generations at once over all requests (429 beyond)")->capture_default_str()->check(CLI::PositiveNumber);
  sub->add_option("--max-body", o->limits.max_body_bytes, "largest request body in bytes (413 beyond)")->capture_default_str();
  sub->add_option("--request-seconds", o->limits.request_seconds, "a generation is cut after this long")->capture_default_str()->check(CLI::PositiveNumber);
  sub->callback([&run, o] {
    run = [o] {
      ops::set_num_threads(o->threads);
      serve::ServeOptions so;
      so.host = o->host;
      so.port = o->port;
      so.model_id = o->name;
      so.limits = o->limits;
      serve::Server server(Model::load(o->dir), so);
      const int port = server.bind();
      if (!is_loopback(o->host))
        std::fprintf(stderr, "rnngen serve: warning: listening on %s, reachable from other machines; there is no authentication\n",
                     o->host.c_str());
      std::fprintf(stderr, "rnngen serve: listening on http://%s:%d\n", o->host.c_str(), port);
      std::fflush(stderr);
      // SIGINT/SIGTERM end the server cleanly (ASan's leak check and coverage want an exit).
      g_server = &server;
      for (int sig : {SIGINT, SIGTERM})
        std::signal(sig, [](int) {
          if (g_server) g_server->stop();
        });
      server.run();
      g_server = nullptr;
      return 0;
    };
  });
}

}  // namespace rnngen::cli
