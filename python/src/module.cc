// _rnngen: the pybind11 extension behind the `rnngen` Python package (python/rnngen/).
// Every call into the library runs with the GIL released, so other Python threads run while a
// model generates or scores; errors arrive as rnngen.InputError (a ValueError) with the CLI's
// message, or RuntimeError.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <exception>

#include "rnngen/error.h"
#include "rnngen/model.h"
#include "rnngen/train.h"
#include "text_stream.h"

namespace py = pybind11;
using rnngen::GenerateRequest;
using rnngen::Model;

namespace {

GenerateRequest request(const std::string& prime, int length, double temperature, int top_k, double top_p,
                        std::optional<uint64_t> seed, const std::string& stop, bool greedy,
                        const std::vector<std::string>& skip_tokens, const std::string& weights) {
  GenerateRequest r;
  r.prime = prime;
  r.length = length;
  r.temperature = temperature;
  r.top_k = top_k;
  r.top_p = top_p;
  r.seed = seed;
  r.stop = stop;
  r.greedy = greedy;
  r.skip_tokens = skip_tokens;
  r.weights = weights;
  return r;
}

// [tokens, layers, hidden] float32, owning a copy of the data.
py::array_t<float> states_array(const rnngen::HiddenStates& s, const std::vector<float>& v) {
  py::array_t<float> a({s.tokens, s.layers, s.hidden});
  std::copy(v.begin(), v.end(), a.mutable_data());
  return a;
}

}  // namespace

PYBIND11_MODULE(_rnngen, m) {
  m.doc() = "rnngen's C++ core; use the `rnngen` package instead of this module.";
  // A ValueError, so that code catching Python's usual bad-argument error catches it too.
  py::register_exception<rnngen::InputError>(m, "InputError", PyExc_ValueError);

  py::class_<rnngen::Tokenizer>(m, "Tokenizer", "How the model's text becomes token ids and back.")
      .def_property_readonly("type", &rnngen::Tokenizer::type, "'char', 'word', 'jamo' or 'subword'")
      .def_property_readonly("vocab_size", &rnngen::Tokenizer::vocab_size)
      .def("encode", &rnngen::Tokenizer::encode, py::arg("text"),
           "Token ids of `text` (NFC-normalised first). InputError for a symbol outside the vocabulary.")
      .def("decode", &rnngen::Tokenizer::decode, py::arg("ids"), "The text of a list of token ids.")
      .def("token", &rnngen::Tokenizer::token, py::arg("id"), "The surface text of one token.")
      .def("__len__", &rnngen::Tokenizer::vocab_size);

  py::class_<rnngen::python::TextStream>(m, "TextStream",
                                         "Iterator over the pieces of text a generation produces.")
      .def("__iter__", [](rnngen::python::TextStream& s) -> rnngen::python::TextStream& { return s; })
      .def("__next__", &rnngen::python::TextStream::next)
      .def("close", &rnngen::python::TextStream::close, "Stop the generation now.");

  // pybind11 holders cannot be shared_ptr<const T>; every method of Model is const anyway.
  py::class_<Model, std::shared_ptr<Model>>(m, "Model", "A trained model directory, loaded.")
      .def_property_readonly("task", &Model::task, "'lm' (language model) or 'seq2seq'")
      .def_property_readonly("dir", &Model::dir)
      .def_property_readonly("config_json", &Model::config_json)
      .def_property_readonly("tokenizer", &Model::tokenizer, py::return_value_policy::reference_internal)
      .def(
          "generate",
          [](std::shared_ptr<Model> self, const std::string& prime, int length, double temperature, int top_k,
             double top_p, std::optional<uint64_t> seed, const std::string& stop, bool greedy,
             const std::vector<std::string>& skip_tokens, const std::string& weights) {
            return std::make_unique<rnngen::python::TextStream>(
                std::move(self),
                request(prime, length, temperature, top_k, top_p, seed, stop, greedy, skip_tokens, weights));
          },
          py::arg("prime") = "", py::arg("length") = 500, py::arg("temperature") = 1.0, py::arg("top_k") = 0,
          py::arg("top_p") = 1.0, py::arg("seed") = py::none(), py::arg("stop") = "", py::arg("greedy") = false,
          py::arg("skip_tokens") = std::vector<std::string>{}, py::arg("weights") = "fp32",
          R"(Generate text after `prime`; returns an iterator over the pieces as they are produced.

With a seed, the pieces joined are byte for byte what `rnngen sample DIR --prime PRIME --seed SEED`
prints after the prime, with the same options: length (tokens), temperature (0 = greedy),
top_k (0 = all), top_p, greedy, stop (stop once the text contains it; kept), skip_tokens
(tokens never generated), weights ('fp32', 'bf16', 'int8'). Without a seed, a fresh one.
The generation runs on its own thread without the GIL; close() or dropping the iterator stops it.)")
      .def(
          "generate_batch",
          [](const Model& self, const std::vector<std::string>& prompts, int length, double temperature, int top_k,
             double top_p, std::optional<uint64_t> seed, const std::string& stop, bool greedy,
             const std::vector<std::string>& skip_tokens, const std::string& weights) {
            // The prompts' generations run at once (64 at a time) and share the model's
            // continuous batch, one weight read per step for all of them.
            std::vector<std::string> out(prompts.size());
            py::gil_scoped_release release;
            constexpr size_t kAtOnce = 64;
            for (size_t i0 = 0; i0 < prompts.size(); i0 += kAtOnce)
              rnngen::run_together(static_cast<int>(std::min(kAtOnce, prompts.size() - i0)), [&](int k) {
                const size_t i = i0 + k;
                GenerateRequest r = request(prompts[i], length, temperature, top_k, top_p, seed, stop, greedy,
                                            skip_tokens, weights);
                r.coalesce = true;  // no sink: the thread need not wake for every token
                out[i] = self.generate(r).text;
              });
            return out;
          },
          py::arg("prompts"), py::arg("length") = 500, py::arg("temperature") = 1.0, py::arg("top_k") = 0,
          py::arg("top_p") = 1.0, py::arg("seed") = py::none(), py::arg("stop") = "", py::arg("greedy") = false,
          py::arg("skip_tokens") = std::vector<std::string>{}, py::arg("weights") = "fp32",
          R"(Generate for each prompt, with the same options (and seed) for each; returns the texts.

The prompts run at once in one continuous batch (one weight read per step for all of them).

Each text is what generate(prime=prompt, ...) yields, joined. Runs without the GIL.)")
      .def(
          "score",
          [](const Model& self, const std::string& text) {
            rnngen::TextScore s;
            {
              py::gil_scoped_release release;
              s = self.score(text);
            }
            py::dict d;
            d["tokens"] = s.tokens;
            d["nll"] = s.nll;
            d["perplexity"] = s.perplexity;
            d["bits_per_token"] = s.bits_per_token;
            if (s.word_perplexity) d["word_perplexity"] = *s.word_perplexity;
            d["bits_per_char"] = s.bits_per_char;
            d["characters"] = s.characters;
            d["predicted_characters"] = s.predicted_characters;
            return d;
          },
          py::arg("text"),
          R"(Score a text as `rnngen eval DIR FILE --json` does for a file holding it.

Returns a dict: tokens, nll (nats per predicted token), perplexity, bits_per_token,
bits_per_char, characters, predicted_characters (and word_perplexity for word models).)")
      .def(
          "hidden_states",
          [](const Model& self, const std::string& text, bool cell) {
            rnngen::HiddenStates s;
            {
              py::gil_scoped_release release;
              s = self.hidden_states(text);
            }
            if (cell && s.c.empty()) throw rnngen::InputError("cell=True: only LSTM models have cell states");
            return states_array(s, cell ? s.c : s.h);
          },
          py::arg("text"), py::arg("cell") = false,
          R"(The state after each token of `text`: a float32 NumPy array [tokens, layers, hidden].

Row t is the hidden state h (cell=True: the LSTM cell state c) of every layer after reading
tokens 0..t from a zero state, as generation computes it.)")
      .def(
          "translate",
          [](const Model& self, const std::string& text, int beam, int n_best, int max_len, double length_penalty,
             bool attention) -> py::object {
            std::vector<rnngen::Translation> got;
            {
              py::gil_scoped_release release;
              got = self.translate({text, beam, n_best, max_len, length_penalty, attention});
            }
            if (n_best == 1 && !attention) return py::str(got.at(0).text);
            py::list out;
            for (const auto& t : got) {
              py::dict d;
              d["text"] = t.text;
              d["score"] = t.score;
              d["logprob"] = t.logprob;
              d["ended"] = t.ended;
              if (attention && out.empty()) {  // the best answer's map (TranslateRequest::attention)
                d["source_tokens"] = t.source_tokens;
                d["answer_tokens"] = t.answer_tokens;
                const size_t rows = t.attention.size(), cols = t.source_tokens.size();
                py::array_t<float> a({static_cast<py::ssize_t>(rows), static_cast<py::ssize_t>(cols)});
                float* p = a.mutable_data();
                for (const auto& row : t.attention) p = std::copy(row.begin(), row.end(), p);
                d["attention"] = std::move(a);
              }
              out.append(d);
            }
            if (n_best == 1) return out[0];
            return out;
          },
          py::arg("text"), py::arg("beam") = 1, py::arg("n_best") = 1, py::arg("max_len") = 0,
          py::arg("length_penalty") = 1.0, py::arg("attention") = false,
          R"(Seq2seq models: the answer to `text`, as `rnngen translate DIR --input TEXT` prints it.

Greedy with beam=1; beam search with beam=K (answers ranked by logprob / length**length_penalty).
With n_best=1 returns the answer (str); with n_best=N > 1 a list of N dicts, best first:
text, score, logprob, ended (False when max_len cut the answer off). attention=True (models
with an attention decoder; InputError otherwise) returns dicts also for n_best=1 (one dict, not
a list), the best answer's with source_tokens, answer_tokens (the answer's, then "<end>") and
attention: float32 [len(answer_tokens), len(source_tokens)], row i the weights answer token i
gave the source tokens (each row sums to 1), what `rnngen translate --attention-map` draws.
Runs without the GIL.)");

  m.def(
      "load", [](const std::string& dir) { return std::const_pointer_cast<Model>(Model::load(dir)); }, py::arg("dir"),
      py::call_guard<py::gil_scoped_release>(), "Load a model directory (see rnngen.load).");
  m.def(
      "_train",
      [](const std::vector<std::string>& args, py::object on_log) {
        rnngen::TrainHooks hooks;
        // An exception in the callback stops training (saved as the CLI saves on Ctrl-C) and
        // is raised once train() has returned.
        std::exception_ptr callback_error;
        if (!on_log.is_none())
          hooks.on_log = [&](std::string_view record) {
            if (callback_error) return;
            py::gil_scoped_acquire gil;
            try {
              on_log(py::str(record.data(), record.size()));
            } catch (py::error_already_set&) {
              callback_error = std::current_exception();
            }
          };
        hooks.stop_requested = [&] { return static_cast<bool>(callback_error); };
        rnngen::TrainSummary s;
        {
          py::gil_scoped_release release;
          s = rnngen::train_model(args, hooks);
        }
        if (callback_error) std::rethrow_exception(callback_error);
        py::dict d;
        d["steps"] = s.steps;
        d["tokens"] = s.tokens;
        d["best_val_nll"] = s.best_val_nll < 0 ? py::object(py::none()) : py::object(py::float_(s.best_val_nll));
        d["last_train_nll"] = s.last_train_nll;
        d["elapsed_s"] = s.elapsed_s;
        d["stopped_by"] = s.stopped_by;
        d["signal"] = s.signal;
        return d;
      },
      py::arg("args"), py::arg("on_log") = py::none(),
      "rnngen::train_model (include/rnngen/train.h): `rnngen train ARGS` in this process; on_log(record) per "
      "train_log.jsonl record. Use rnngen.train().");
  m.def("set_num_threads", &rnngen::set_num_threads, py::arg("threads"),
        "Threads of the matrix products, for every model in the process (as --threads).");
}
