#include "serve/server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <fstream>
#include <filesystem>
#include <mutex>
#include <random>

#include "rnngen/error.h"
#include "serve/chat_request.h"
#include "serve/completion_request.h"
#include "serve/playground.h"

namespace rnngen::serve {

using nlohmann::json;

namespace {

constexpr const char* kJson = "application/json";

// Messages can quote the client's bytes (a JSON parser's does): replace invalid UTF-8 there
// rather than fail to answer.
std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

void send_error(httplib::Response& res, const RequestError& e) {
  res.status = e.status;
  res.set_content(dump(error_json(e)), kJson);
}

std::string completion_id() {
  static std::atomic<uint64_t> counter{0};
  static const uint64_t salt = std::random_device{}();
  return "cmpl-" + std::to_string(salt % 1000000) + "-" + std::to_string(++counter);
}

int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Counts generations running at once; a request over the limit is refused with a 429 rather
// than queued behind the others without bound.
class StreamSlots {
 public:
  explicit StreamSlots(int max) : max_(max) {}
  bool take(int k) {
    int cur = used_.load();
    do {
      if (cur + k > max_) return false;
    } while (!used_.compare_exchange_weak(cur, cur + k));
    return true;
  }
  void give(int k) { used_ -= k; }

 private:
  int max_;
  std::atomic<int> used_{0};
};

}  // namespace

struct Server::Impl {
  std::shared_ptr<const Model> model;
  ServeOptions opt;
  httplib::Server http;
  StreamSlots slots;
  socket_t listen_fd = -1;  // the listening socket, for bind()'s backlog

  Impl(std::shared_ptr<const Model> m, ServeOptions o)
      : model(std::move(m)), opt(std::move(o)), slots(opt.limits.max_streams) {}

  // One choice: generation with its own seed, cut at the request's time limit; `sink` may stop it.
  Generation run_choice(const GenerateRequest& base, const std::string& prompt, int j,
                        const std::function<bool(std::string_view)>& sink) const {
    GenerateRequest g = base;
    g.prime = prompt;
    g.coalesce = true;  // one chunk (one socket write) for the tokens that are ready, not one per token
    // Choice j of a request with seed S draws as `rnngen sample --seed S+j`: n = 1 is the CLI's.
    if (g.seed) *g.seed += static_cast<uint64_t>(j);
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                              std::chrono::duration<double>(opt.limits.request_seconds));
    return model->generate(g, [&](std::string_view piece) {
      return sink(piece) && std::chrono::steady_clock::now() < deadline;
    });
  }

  static std::string finish_reason(const Generation& g) { return g.stopped ? "stop" : "length"; }

  // OpenAI's completions "logprobs" object for tokens [begin, end) of a choice; text_offset
  // counts bytes from the start of the choice's text (the prompt too with echo).
  static json logprobs_json(const std::vector<TokenLogprob>& lp, size_t begin, size_t end, size_t& offset) {
    json tokens = json::array(), values = json::array(), tops = json::array(), offsets = json::array();
    for (size_t i = begin; i < end; ++i) {
      tokens.push_back(lp[i].token);
      values.push_back(lp[i].logprob);
      json top = json::object();
      for (const auto& [tok, v] : lp[i].top) top[tok] = v;
      tops.push_back(top);
      offsets.push_back(offset);
      offset += lp[i].token.size();
    }
    return {{"tokens", tokens}, {"token_logprobs", values}, {"top_logprobs", tops}, {"text_offset", offsets}};
  }

  json chunk(const std::string& id, int64_t created, int index, const std::string& text,
             const json& finish, const json& logprobs = nullptr) const {
    return {{"id", id},
            {"object", "text_completion"},
            {"created", created},
            {"model", opt.model_id},
            {"choices", json::array({{{"text", text}, {"index", index}, {"logprobs", logprobs}, {"finish_reason", finish}}})}};
  }

  // n of the server's concurrent generations, or a 429 when they are all in use.
  void take_slots(int n) {
    if (!slots.take(n))
      throw RequestError(429, "the server is generating its maximum of " + std::to_string(opt.limits.max_streams) +
                                  " streams; try again later",
                         "", "too_many_streams", "server_busy");
  }

  void require_seq2seq() const {
    if (model->task() != "seq2seq")
      throw RequestError(400, "model " + opt.model_id + " is a language model: use /v1/completions", "model",
                         "wrong_task");
  }

  // A translation counts as one generation while it runs.
  std::vector<Translation> translate_in_slot(const TranslateRequest& t) {
    take_slots(1);
    try {
      std::vector<Translation> got = model->translate(t);
      slots.give(1);
      return got;
    } catch (...) {
      slots.give(1);
      throw;
    }
  }

  static json usage_json(int prompt_tokens, int completion_tokens) {
    return {{"prompt_tokens", prompt_tokens}, {"completion_tokens", completion_tokens},
            {"total_tokens", prompt_tokens + completion_tokens}};
  }

  void completions(const httplib::Request& req, httplib::Response& res) {
    const json body = parse_body(req.body);
    CompletionRequest r = parse_completion(body, opt.model_id, opt.limits);
    // Options and prompts are checked before anything streams: an error after the SSE
    // headers could not be a 400.
    for (const std::string& p : r.prompts) {
      GenerateRequest probe = r.options;
      probe.prime = p;
      try {
        model->check(probe);
      } catch (const InputError& e) {
        // The library names the CLI's flags; name the request's field instead.
        std::string msg = e.what();
        const bool prompt = msg.rfind("--prime", 0) == 0;
        if (prompt) msg = "prompt" + msg.substr(7);
        throw RequestError(400, msg, prompt ? "prompt" : "", "invalid_value");
      }
    }
    const int choices = static_cast<int>(r.prompts.size()) * r.n;
    take_slots(choices);
    const std::string id = completion_id();
    const int64_t created = now_seconds();
    if (!r.stream) {
      // Choice c is prompt c / n's draw c % n (OpenAI's order of "index").
      std::vector<Generation> gens(choices);
      try {
        // Together, so that the choices share the engine's batch.
        run_together(choices, [&](int c) {
          gens[c] = run_choice(r.options, r.prompts[c / r.n], c % r.n, [](std::string_view) { return true; });
        });
      } catch (...) {
        slots.give(choices);
        throw;
      }
      slots.give(choices);
      json out_choices = json::array();
      int prompt_tokens = 0, completion_tokens = 0;
      for (int c = 0; c < choices; ++c) {
        const Generation& g = gens[c];
        const std::string& prompt = r.prompts[c / r.n];
        if (c % r.n == 0) prompt_tokens += g.prompt_tokens;
        completion_tokens += g.tokens;
        size_t offset = r.echo ? prompt.size() : 0;
        out_choices.push_back(
            {{"text", r.echo ? prompt + g.text : g.text},
             {"index", c},
             {"logprobs", r.options.want_logprobs ? logprobs_json(g.logprobs, 0, g.logprobs.size(), offset) : json()},
             {"finish_reason", finish_reason(g)}});
      }
      json out = {{"id", id}, {"object", "text_completion"}, {"created", created}, {"model", opt.model_id},
                  {"choices", out_choices},
                  {"usage", usage_json(prompt_tokens, completion_tokens)}};
      res.set_content(out.dump(), kJson);
      return;
    }
    res.set_header("Cache-Control", "no-cache");
    res.set_chunked_content_provider(
        "text/event-stream",
        [this, r, id, created, choices](size_t, httplib::DataSink& sink) {
          // The choices generate at once (run_together), their chunks interleaved (each names its
          // "index"); one lock keeps the socket's events whole and in order.
          std::mutex mu;
          bool open = true;
          auto event = [&sink](const std::string& data) {
            const std::string e = "data: " + data + "\n\n";
            return sink.write(e.data(), e.size());
          };
          // stream_options.include_usage: every chunk has "usage": null, and a last chunk with
          // no choices carries the request's usage (OpenAI's shape).
          auto send = [&](json data) {
            if (r.include_usage) data["usage"] = nullptr;
            std::lock_guard lock(mu);
            if (open) open = event(dump(data));
            return open;  // false once the client has gone: every choice stops at its next piece
          };
          int prompt_tokens = 0, completion_tokens = 0;
          run_together(choices, [&](int index) {
            const std::string& prompt = r.prompts[index / r.n];
            const int j = index % r.n;
            if (r.echo && !send(chunk(id, created, index, prompt, nullptr))) return;
            Generation g;
            // The tokens drawn since the last piece (a piece can end several tokens, or none).
            std::vector<TokenLogprob> pending;
            size_t offset = r.echo ? prompt.size() : 0;
            GenerateRequest opts = r.options;
            if (opts.want_logprobs) opts.on_logprob = [&pending](const TokenLogprob& t) { pending.push_back(t); };
            try {
              g = run_choice(opts, prompt, j, [&](std::string_view piece) {
                const json lp = opts.want_logprobs ? logprobs_json(pending, 0, pending.size(), offset) : json();
                pending.clear();
                return send(chunk(id, created, index, std::string(piece), nullptr, lp));
              });
            } catch (const std::exception& e) {
              std::lock_guard lock(mu);
              if (open) event(error_json(RequestError(500, e.what(), "", "", "server_error")).dump());
              open = false;
              return;
            }
            {
              std::lock_guard lock(mu);
              if (j == 0) prompt_tokens += g.prompt_tokens;
              completion_tokens += g.tokens;
            }
            send(chunk(id, created, index, "", finish_reason(g)));
          });
          if (open && r.include_usage) {
            json last = {{"id", id}, {"object", "text_completion"}, {"created", created}, {"model", opt.model_id},
                         {"choices", json::array()}};
            last["usage"] = usage_json(prompt_tokens, completion_tokens);
            open = event(dump(last));
          }
          if (open) event("[DONE]");
          sink.done();
          return true;
        },
        [this, choices](bool) { slots.give(choices); });
  }

  // Seq2seq models: the last user message translated. Streaming sends the answer as one
  // content chunk (beam search knows it only at the end), between the role and finish chunks.
  void chat(const httplib::Request& req, httplib::Response& res) {
    const json body = parse_body(req.body);
    const ChatRequest r = parse_chat(body, opt.model_id, opt.limits);
    require_seq2seq();
    const std::vector<Translation> got = translate_in_slot(r.translate);
    const Translation& t = got.at(0);
    const std::string id = "chat" + completion_id();
    const int64_t created = now_seconds();
    const std::string finish = t.ended ? "stop" : "length";
    const int prompt_tokens = static_cast<int>(model->tokenizer().encode(r.translate.text).size());
    const int completion_tokens = t.text.empty() ? 0 : static_cast<int>(model->tokenizer().encode(t.text).size());
    if (!r.stream) {
      const json out = {{"id", id}, {"object", "chat.completion"}, {"created", created}, {"model", opt.model_id},
                        {"choices", json::array({{{"index", 0},
                                                  {"message", {{"role", "assistant"}, {"content", t.text}}},
                                                  {"logprobs", nullptr},
                                                  {"finish_reason", finish}}})},
                        {"usage", usage_json(prompt_tokens, completion_tokens)}};
      res.set_content(dump(out), kJson);
      return;
    }
    // stream_options.include_usage: "usage": null in every chunk, then one with no choices
    // that carries it (OpenAI's shape, as /v1/completions).
    auto chunk_of = [&](json choices, json usage) {
      json c = {{"id", id}, {"object", "chat.completion.chunk"}, {"created", created}, {"model", opt.model_id},
                {"choices", std::move(choices)}};
      if (r.include_usage) c["usage"] = std::move(usage);
      return dump(c);
    };
    auto choice = [&](const json& delta, const json& fin) {
      return chunk_of(json::array({{{"index", 0}, {"delta", delta}, {"logprobs", nullptr}, {"finish_reason", fin}}}),
                      nullptr);
    };
    std::vector<std::string> data = {choice({{"role", "assistant"}, {"content", ""}}, nullptr),
                                     choice({{"content", t.text}}, nullptr), choice(json::object(), finish)};
    if (r.include_usage) data.push_back(chunk_of(json::array(), usage_json(prompt_tokens, completion_tokens)));
    data.push_back("[DONE]");
    std::string events;
    for (const std::string& d : data) events += "data: " + d + "\n\n";
    res.set_header("Cache-Control", "no-cache");
    res.set_content(events, "text/event-stream");
  }

  // For the playground's seq2seq mode: `rnngen translate`'s answer and, for an attention
  // decoder, the attention map `--attention-map` draws (rows: answer tokens and <end>; columns:
  // source tokens in reading order). {"text", "beam"} -> {"text", "ended", "source_tokens",
  // "answer_tokens", "attention": [[...]] or null}.
  void translate(const httplib::Request& req, httplib::Response& res) {
    const json body = parse_body(req.body);
    check_model(body, opt.model_id);
    require_seq2seq();
    if (!body.contains("text") || !body["text"].is_string())
      throw RequestError(400, "text: must be a string", "text", "invalid_type");
    TranslateRequest t;
    t.text = body["text"].get<std::string>();
    if (t.text.size() > opt.limits.max_prompt_bytes) throw RequestError(400, "text: too long", "text", "too_long");
    const json beam = body.value("beam", json(1));
    if (!beam.is_number_integer() || beam.get<int64_t>() < 1 || beam.get<int64_t>() > 16)
      throw RequestError(400, "beam: must be an integer in [1, 16]", "beam", "invalid_value");
    t.beam = beam.get<int>();
    t.attention = json::parse(model->config_json()).value("decoder", "") == "attention";
    const std::vector<Translation> got = translate_in_slot(t);
    const Translation& a = got.at(0);
    res.set_content(dump({{"text", a.text},
                          {"ended", a.ended},
                          {"source_tokens", a.source_tokens},
                          {"answer_tokens", a.answer_tokens},
                          {"attention", t.attention ? json(a.attention) : json()}}),
                    kJson);
  }

  void score(const httplib::Request& req, httplib::Response& res) {
    const json body = parse_body(req.body);
    check_model(body, opt.model_id);
    if (!body.contains("text") || !body["text"].is_string())
      throw RequestError(400, "text: must be a string", "text", "invalid_type");
    const std::string text = body["text"].get<std::string>();
    if (text.size() > opt.limits.max_body_bytes) throw RequestError(400, "text: too long", "text", "too_long");
    const TextScore s = model->score(text);
    json out = {{"tokens", s.tokens}, {"nll", s.nll}, {"perplexity", s.perplexity},
                {"bits_per_token", s.bits_per_token}};
    if (s.word_perplexity) out["word_perplexity"] = *s.word_perplexity;
    out["bits_per_char"] = s.bits_per_char;
    out["characters"] = s.characters;
    out["predicted_characters"] = s.predicted_characters;
    res.set_content(out.dump(), kJson);
  }

  void tokenize(const httplib::Request& req, httplib::Response& res) {
    const json body = parse_body(req.body);
    check_model(body, opt.model_id);
    const json& t = body.contains("text") ? body["text"] : body.value("prompt", json());
    if (!t.is_string()) throw RequestError(400, "text: must be a string", "text", "invalid_type");
    const std::vector<int32_t> ids = model->tokenizer().encode(t.get<std::string>());
    res.set_content(json({{"tokens", ids}, {"count", ids.size()}}).dump(), kJson);
  }

  void detokenize(const httplib::Request& req, httplib::Response& res) {
    const json body = parse_body(req.body);
    check_model(body, opt.model_id);
    if (!body.contains("tokens") || !body["tokens"].is_array())
      throw RequestError(400, "tokens: must be a list of integers", "tokens", "invalid_type");
    std::vector<int32_t> ids;
    for (const json& v : body["tokens"]) {
      if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() >= model->tokenizer().vocab_size())
        throw RequestError(400, "tokens: " + v.dump() + " is not a token id of this model (0.." +
                                    std::to_string(model->tokenizer().vocab_size() - 1) + ")",
                           "tokens", "invalid_value");
      ids.push_back(v.get<int32_t>());
    }
    res.set_content(json({{"text", model->tokenizer().decode(ids)}}).dump(), kJson);
  }

  // For the playground: per token of a text, its surface, one layer's hidden state (rounded to
  // 1e-3: colours need no more) and the top next-token probabilities.
  void inspect(const httplib::Request& req, httplib::Response& res) {
    const json body = parse_body(req.body);
    check_model(body, opt.model_id);
    if (!body.contains("text") || !body["text"].is_string())
      throw RequestError(400, "text: must be a string", "text", "invalid_type");
    const int layers = json::parse(model->config_json())["num_layers"].get<int>();
    const json layer_v = body.value("layer", json(layers - 1)), top_v = body.value("top", json(5));
    if (!layer_v.is_number_integer() || layer_v.get<int>() < 0 || layer_v.get<int>() >= layers)
      throw RequestError(400, "layer: must be an integer in [0, " + std::to_string(layers - 1) + "]", "layer", "invalid_value");
    if (!top_v.is_number_integer() || top_v.get<int>() < 0 || top_v.get<int>() > 20)
      throw RequestError(400, "top: must be an integer in [0, 20]", "top", "invalid_value");
    const std::string text = body["text"].get<std::string>();
    if (text.size() > opt.limits.max_prompt_bytes) throw RequestError(400, "text: too long", "text", "too_long");
    const HiddenStates s = model->hidden_states(text, top_v.get<int>());
    const int layer = layer_v.get<int>();
    json pieces = json::array(), h = json::array(), top = json::array();
    for (int t = 0; t < s.tokens; ++t) {
      pieces.push_back(model->tokenizer().token(s.ids[t]));
      const float* row = s.h.data() + (static_cast<size_t>(t) * s.layers + layer) * s.hidden;
      for (int u = 0; u < s.hidden; ++u) h.push_back(std::round(row[u] * 1000.0) / 1000.0);
      json cands = json::array();
      for (int j = 0; j < s.top; ++j)
        cands.push_back({model->tokenizer().token(s.top_ids[t * s.top + j]), s.top_probs[t * s.top + j]});
      top.push_back(cands);
    }
    res.set_content(dump({{"tokens", s.tokens}, {"layers", s.layers}, {"hidden", s.hidden}, {"layer", layer},
                          {"ids", s.ids}, {"pieces", pieces}, {"h", h}, {"top", top}}),
                    kJson);
  }

  // train_log.jsonl of the model directory as one JSON array ([] when there is none).
  void train_log(const httplib::Request&, httplib::Response& res) {
    json records = json::array();
    std::ifstream in(std::filesystem::path(model->dir()) / "train_log.jsonl");
    for (std::string line; std::getline(in, line);) {
      const json j = json::parse(line, nullptr, false);
      if (!j.is_discarded()) records.push_back(j);
    }
    res.set_content(dump(records), kJson);
  }

  // Runs a handler with every error turned into the OpenAI error shape: never a crash or a 500
  // for a client's mistake.
  httplib::Server::Handler guarded(void (Impl::*handler)(const httplib::Request&, httplib::Response&)) {
    return [this, handler](const httplib::Request& req, httplib::Response& res) {
      try {
        (this->*handler)(req, res);
      } catch (const RequestError& e) {
        send_error(res, e);
      } catch (const InputError& e) {
        send_error(res, RequestError(400, e.what(), "", "invalid_value"));
      } catch (const std::exception& e) {
        send_error(res, RequestError(500, e.what(), "", "", "server_error"));
      }
    };
  }

  void routes() {
    // cpp-httplib's default pool is max(8, cores - 1) threads: on a small machine fewer than
    // the streams allowed at once, so requests past the eighth would wait for a thread instead
    // of joining the batch. A thread per allowed stream, and some for the quick routes.
    const size_t pool = static_cast<size_t>(opt.limits.max_streams) + 8;
    http.new_task_queue = [pool] { return new httplib::ThreadPool(pool); };
    http.set_payload_max_length(opt.limits.max_body_bytes);
    // cpp-httplib listens with a backlog of 5: clients connecting at once beyond it had their
    // SYN dropped and retried a second later (16 streaming clients started together saw 1-s
    // stalls; TcpExtListenOverflows counted them). bind() listens again with the system's
    // maximum; the socket is the one httplib makes, noted here before it binds.
    http.set_socket_options([this](socket_t sock) {
      httplib::default_socket_options(sock);
      listen_fd = sock;
    });
    http.Post("/v1/completions", guarded(&Impl::completions));
    http.Post("/v1/chat/completions", guarded(&Impl::chat));
    http.Post("/v1/score", guarded(&Impl::score));
    http.Post("/v1/translate", guarded(&Impl::translate));
    http.Post("/tokenize", guarded(&Impl::tokenize));
    http.Post("/detokenize", guarded(&Impl::detokenize));
    http.Post("/v1/inspect", guarded(&Impl::inspect));
    http.Get("/v1/train_log", guarded(&Impl::train_log));
    http.Get("/", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(playground_html(), "text/html; charset=utf-8");
    });
    http.Get("/health", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(R"({"status":"ok"})", kJson);
    });
    http.Get("/v1/models", [this](const httplib::Request&, httplib::Response& res) {
      const json m = {{"id", opt.model_id}, {"object", "model"}, {"created", 0}, {"owned_by", "rnngen"},
                      {"task", model->task()}, {"config", json::parse(model->config_json())}};
      res.set_content(json({{"object", "list"}, {"data", json::array({m})}}).dump(), kJson);
    });
    // Unknown routes, wrong methods and bodies over the limit (413) end here with httplib's
    // status; give them the JSON error shape too.
    http.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
      if (!res.body.empty()) return;
      const std::string what = res.status == 413   ? "the request body is larger than the server's limit"
                               : res.status == 404 ? "no route " + req.method + " " + req.path
                                                   : "request rejected with HTTP status " + std::to_string(res.status);
      send_error(res, RequestError(res.status, what, "", res.status == 404 ? "not_found" : ""));
    });
  }
};

Server::Server(std::shared_ptr<const Model> model, ServeOptions options)
    : impl_(std::make_unique<Impl>(std::move(model), std::move(options))) {
  if (impl_->opt.model_id.empty())
    impl_->opt.model_id = std::filesystem::path(impl_->model->dir()).lexically_normal().filename().string();
  if (impl_->opt.model_id.empty())  // "DIR/" normalises to a trailing empty name
    impl_->opt.model_id = std::filesystem::path(impl_->model->dir()).lexically_normal().parent_path().filename().string();
  impl_->routes();
}

Server::~Server() = default;

int Server::bind() {
  const ServeOptions& o = impl_->opt;
  const int port = o.port == 0 ? impl_->http.bind_to_any_port(o.host) : (impl_->http.bind_to_port(o.host, o.port) ? o.port : -1);
  if (port < 0)
    throw InputError("--host/--port: cannot listen on " + o.host + ":" + std::to_string(o.port) +
                     " (in use, or not an address of this machine)");
  if (impl_->listen_fd >= 0) ::listen(impl_->listen_fd, SOMAXCONN);  // on Linux, a new backlog
  return port;
}

void Server::run() { impl_->http.listen_after_bind(); }

void Server::stop() { impl_->http.stop(); }

}  // namespace rnngen::serve
