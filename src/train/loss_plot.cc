#include "train/loss_plot.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "io/config_json.h"
#include "rnngen/error.h"
#include "util/progress.h"
#include "util/subprocess.h"
#include "util/temp_dir.h"

namespace rnngen::train {

namespace fs = std::filesystem;

namespace {

// A gnuplot double-quoted string literal: backslash and quote escaped, newlines as \n.
std::string gp_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Tokens on the x axis in thousands or millions, so tick labels stay short.
struct XScale {
  double divisor;
  const char* label;
};
XScale x_scale(int64_t max_tokens) {
  if (max_tokens >= 2'000'000) return {1e6, "tokens seen (millions)"};
  return {1e3, "tokens seen (thousands)"};
}

// The title: what the model is, then where it is and how far training got.
std::string plot_title(const std::string& dir, const std::vector<LogRecord>& log) {
  std::string model;
  try {
    model = describe_model(io::read_config((fs::path(dir) / "config.json").string()));
  } catch (const InputError&) {
    model = "model (no readable config.json)";  // the log alone is still worth plotting
  }
  const LogRecord& last = log.back();
  return model + "\n" + dir + ": step " + std::to_string(last.step) + ", " +
         format_count(static_cast<double>(last.tokens)) + " tokens, " + format_duration(last.elapsed_s);
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
  if (!f.flush()) throw std::runtime_error("cannot write " + path);
}

// Creates an empty temporary file next to `target` (same directory, so rename() is atomic).
std::string temp_file_next_to(const std::string& target) {
  const fs::path t(target);
  const fs::path dir = t.has_parent_path() ? t.parent_path() : fs::path(".");
  std::string name = t.filename().string();
  name.insert(name.begin(), '.');  // hidden while it is being drawn
  name += ".tmp-XXXXXX";
  std::string tmpl = (dir / name).string();
  const int fd = ::mkstemp(tmpl.data());
  if (fd < 0) throw InputError("cannot write " + target + ": " + std::strerror(errno));
  ::fchmod(fd, 0644);  // mkstemp makes it 0600; a plot is as readable as the model's other files
  ::close(fd);
  return tmpl;
}

}  // namespace

std::string describe_model(const ModelConfig& c) {
  std::string s = upper(c.cell) + ", " + std::to_string(c.num_layers) + " x " + std::to_string(c.hidden_size) +
                  ", " + (c.embed_size > 0 ? "embedding " + std::to_string(c.embed_size) : std::string("one-hot input")) +
                  ", vocab " + std::to_string(c.vocab_size);
  if (c.dropout > 0) s += ", dropout " + fmt("%g", c.dropout);
  if (c.tie_weights) s += ", tied weights";
  if (c.task == "seq2seq")
    s += ", seq2seq " + c.decoder + (c.bidirectional_encoder ? ", bidirectional" : "") +
         (c.reverse_source ? ", reversed source" : "");
  return s;
}

std::optional<LogRecord> best_validation(const std::vector<LogRecord>& log) {
  std::optional<LogRecord> best;
  for (const LogRecord& r : log)
    if (r.val_nll && (!best || *r.val_nll < *best->val_nll)) best = r;
  return best;
}

namespace {

std::string png_terminal(int width, int height, const std::string& png_tmp) {
  std::string gp;
  gp += "if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n";
  gp += "  set terminal pngcairo size " + std::to_string(width) + "," + std::to_string(height) + " font ',11' noenhanced\n";
  gp += "} else {\n";
  gp += "  set terminal png size " + std::to_string(width) + "," + std::to_string(height) + " noenhanced\n";
  gp += "}\n";
  gp += "set output " + gp_quote(png_tmp) + "\n";
  return gp;
}

// Runs the script, then renames the PNG it drew over `target` (never half an image there).
void render_png(const std::string& gnuplot, ScopedTempDir& tmp, const std::string& gp, const std::string& png_tmp,
                const std::string& target) {
  std::error_code ec;
  write_text(tmp.file("plot.gp"), gp);
  ProcessResult pr;
  try {
    pr = run_program({gnuplot, tmp.file("plot.gp")}, tmp.file("gnuplot.log"));
  } catch (...) {
    fs::remove(png_tmp, ec);
    throw;
  }
  if (pr.exit_code != 0 || fs::file_size(png_tmp, ec) == 0) {
    fs::remove(png_tmp, ec);
    std::string msg = pr.output;
    std::replace(msg.begin(), msg.end(), '\n', ' ');
    throw std::runtime_error("gnuplot failed (exit " + std::to_string(pr.exit_code) + "): " + msg);
  }
  if (std::rename(png_tmp.c_str(), target.c_str()) != 0) {
    const int err = errno;
    fs::remove(png_tmp, ec);
    throw InputError("cannot write " + target + ": " + std::strerror(err));
  }
}

std::string need_gnuplot() {
  const auto gnuplot = find_program("gnuplot");
  if (!gnuplot) throw InputError("gnuplot not found on PATH: install gnuplot-nox (apt-get install gnuplot-nox)");
  return *gnuplot;
}

}  // namespace

std::string plot_accuracy(const std::string& dir, const std::string& out) {
  const std::string log_path = (fs::path(dir) / "train_log.jsonl").string();
  const std::vector<LogRecord> log = read_train_log(log_path);
  std::string dat;
  double best = -1;
  for (const LogRecord& r : log)
    if (r.val_accuracy) {
      dat += fmt("%.9g", r.epoch) + " " + fmt("%.9g", 100 * *r.val_accuracy) + "\n";
      best = std::max(best, 100 * *r.val_accuracy);
    }
  if (dat.empty()) return "";
  const std::string gnuplot = need_gnuplot();
  const std::string path = out.empty() ? (fs::path(dir) / "accuracy.png").string() : out;
  ScopedTempDir tmp("rnngen-plot-");
  write_text(tmp.file("acc.dat"), dat);
  const std::string png_tmp = temp_file_next_to(path);
  std::string gp = png_terminal(800, 600, png_tmp);
  gp += "set title " + gp_quote(plot_title(dir, log)) + "\n";
  gp += "set xlabel 'epochs'\nset ylabel 'accuracy (%)'\nset grid\nset yrange [0:100]\nset xrange [0:*]\n";
  gp += "set key bottom right box opaque\n";
  gp += "plot " + gp_quote(tmp.file("acc.dat")) + " using 1:2 with linespoints lc rgb '#1f77b4' lw 2 pt 7 ps 0.8 title " +
        gp_quote("validation exact match (best " + fmt("%.2f", best) + "%)") + "\n";
  render_png(gnuplot, tmp, gp, png_tmp, path);
  return path;
}

void plot_attention(const std::string& path, const std::vector<std::string>& source,
                    const std::vector<std::string>& output, const std::vector<std::vector<float>>& weights) {
  const std::string gnuplot = need_gnuplot();
  ScopedTempDir tmp("rnngen-attn-");
  std::string dat;
  for (const auto& row : weights) {
    for (size_t j = 0; j < source.size(); ++j) dat += (j ? " " : "") + fmt("%.6g", j < row.size() ? row[j] : 0.0f);
    dat += "\n";
  }
  write_text(tmp.file("attn.dat"), dat);
  auto tics = [&](const std::vector<std::string>& labels) {
    std::string t = "(";
    for (size_t i = 0; i < labels.size(); ++i) t += (i ? ", " : "") + gp_quote(labels[i]) + " " + std::to_string(i);
    return t + ")";
  };
  const int w = std::clamp(120 + 28 * static_cast<int>(source.size()), 400, 1600);
  const int h = std::clamp(120 + 28 * static_cast<int>(output.size()), 300, 1600);
  const std::string png_tmp = temp_file_next_to(path);
  std::string gp = png_terminal(w, h, png_tmp);
  gp += "set xlabel 'source'\nset ylabel 'output'\nunset key\nset palette gray negative\nset cbrange [0:1]\n";
  gp += "set xtics " + tics(source) + " rotate by 90 right\nset ytics " + tics(output) + "\n";
  gp += "set xrange [-0.5:" + std::to_string(source.size()) + "-0.5]\nset yrange [" + std::to_string(output.size()) +
        "-0.5:-0.5]\n";
  gp += "plot " + gp_quote(tmp.file("attn.dat")) + " matrix with image\n";
  render_png(gnuplot, tmp, gp, png_tmp, path);
}

LossPlotResult plot_losses(const LossPlotOptions& o) {
  const std::string log_path = (fs::path(o.dir) / "train_log.jsonl").string();
  std::error_code ec;
  if (!fs::exists(log_path, ec))
    throw InputError(log_path + ": no training log (is " + o.dir + " a model directory written by rnngen train?)");
  const std::vector<LogRecord> log = read_train_log(log_path);
  const std::string gnuplot = need_gnuplot();

  LossPlotResult res;
  res.path = o.out.empty() ? (fs::path(o.dir) / "loss.png").string() : o.out;
  res.points = log.size();
  res.best = best_validation(log);

  ScopedTempDir tmp("rnngen-plot-");
  const XScale xs = x_scale(log.back().tokens);
  std::string train_dat, val_dat;
  for (const LogRecord& r : log) {
    const std::string x = fmt("%.9g", static_cast<double>(r.tokens) / xs.divisor);
    train_dat += x + " " + fmt("%.9g", r.train_nll) + "\n";
    if (r.val_nll) val_dat += x + " " + fmt("%.9g", *r.val_nll) + "\n";
  }
  write_text(tmp.file("train.dat"), train_dat);
  write_text(tmp.file("val.dat"), val_dat);

  // Few points: mark each one; many: a plain line reads better.
  const bool mark = log.size() <= 40;
  const std::string png_tmp = temp_file_next_to(res.path);
  std::string gp = png_terminal(o.width, o.height, png_tmp);
  gp += "set title " + gp_quote(plot_title(o.dir, log)) + "\n";
  gp += "set xlabel " + gp_quote(xs.label) + "\n";
  gp += "set ylabel 'loss (nats/token)'\n";
  gp += "set grid\nset key top right box opaque\nset xrange [0:*]\n";
  gp += "set style line 1 lc rgb '#1f77b4' lw 2 pt 7 ps 0.6\n";
  gp += "set style line 2 lc rgb '#d62728' lw 2 pt 5 ps 0.6\n";
  gp += "set style line 3 lc rgb '#2ca02c' lw 3 pt 6 ps 3\n";
  std::string plot = "plot " + gp_quote(tmp.file("train.dat")) + " using 1:2 with " +
                     (mark ? "linespoints" : "lines") + " ls 1 title 'train (mean since the previous point)'";
  if (res.best) {
    const LogRecord& b = *res.best;
    const double bx = static_cast<double>(b.tokens) / xs.divisor;
    write_text(tmp.file("best.dat"), fmt("%.9g", bx) + " " + fmt("%.9g", *b.val_nll) + "\n");
    const std::string best_text = "best validation " + fmt("%.4f", *b.val_nll) + " at step " + std::to_string(b.step);
    gp += "set label 1 " + gp_quote(fmt("%.4f", *b.val_nll)) + " at " + fmt("%.9g", bx) + "," +
          fmt("%.9g", *b.val_nll) + " offset 0,-1.6 center tc rgb '#2ca02c'\n";
    plot += ", " + gp_quote(tmp.file("val.dat")) + " using 1:2 with " + (mark ? "linespoints" : "lines") +
            " ls 2 title 'validation'";
    plot += ", " + gp_quote(tmp.file("best.dat")) + " using 1:2 with points ls 3 title " + gp_quote(best_text);
  } else {
    gp += "set label 1 'no validation data in this run' at graph 0.98,0.8 right\n";
  }
  gp += plot + "\n";

  render_png(gnuplot, tmp, gp, png_tmp, res.path);
  return res;
}

}  // namespace rnngen::train
