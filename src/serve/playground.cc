#include "serve/playground.h"

namespace rnngen::serve {

// The page talks only to this server's JSON routes: /v1/models, /v1/completions (stream),
// /v1/inspect (hidden states and top-5 per token) and /v1/train_log; for a seq2seq model,
// /v1/translate (the answer and its attention map) instead of the language-model routes.
const char* playground_html() {
  return R"HTML(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>rnngen playground</title>
<style>
body{font-family:sans-serif;margin:1.5em;max-width:60em}
textarea{width:100%;height:4em;font-family:monospace}
label{display:inline-block;margin:0.3em 1em 0.3em 0}
#out{white-space:pre-wrap;font-family:monospace;border:1px solid #ccc;padding:0.5em;min-height:6em;line-height:1.5}
#out span.tok{position:relative}
#tip{position:fixed;background:#222;color:#fff;font:12px monospace;padding:4px 6px;display:none;white-space:pre}
#curve{border:1px solid #ccc}
#answer{font-family:monospace;border:1px solid #ccc;padding:0.5em;min-height:1.5em;white-space:pre-wrap}
</style></head><body>
<h1>rnngen playground <small id="model"></small></h1>
<div id="lm">
<textarea id="prime">The </textarea><br>
<label>temperature <input id="temperature" type="range" min="0" max="2" step="0.05" value="0.8"> <span></span></label>
<label>top-k <input id="top_k" type="range" min="0" max="100" step="1" value="0"> <span></span></label>
<label>top-p <input id="top_p" type="range" min="0.05" max="1" step="0.05" value="1"> <span></span></label>
<label>length <input id="length" type="range" min="10" max="1000" step="10" value="200"> <span></span></label>
<label>seed <input id="seed" type="number" value="7" style="width:6em"></label>
<button id="go">Generate</button>
<p><label>layer <select id="layer"></select></label> <label>hidden unit <input id="unit" type="number" min="0" value="0" style="width:5em"></label>
<span id="status"></span></p>
<div id="out"></div><div id="tip"></div>
</div>
<div id="s2s" hidden>
<textarea id="question"></textarea><br>
<label>beam <input id="beam" type="number" min="1" max="16" value="1" style="width:4em"></label>
<button id="ask">Answer</button> <span id="s2status"></span>
<h2>Answer</h2><div id="answer"></div>
<h2>Attention</h2><canvas id="attn" width="300" height="120"></canvas><p id="attnnote"></p>
</div>
<h2>Training curve</h2><canvas id="curve" width="700" height="250"></canvas><p id="curvenote"></p>
<script>
const $ = id => document.getElementById(id);
for (const s of document.querySelectorAll("input[type=range]")) {
  const show = () => s.nextElementSibling.textContent = s.value;
  s.oninput = show; show();
}
let modelId = null, inspect = null;
async function json(url, body) {
  const r = await fetch(url, body ? {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)} : {});
  const j = await r.json();
  if (!r.ok) throw new Error(j.error ? j.error.message : r.status);
  return j;
}
async function init() {
  const m = (await json("/v1/models")).data[0];
  modelId = m.id;
  $("model").textContent = m.id + " (" + m.config.cell + " " + m.config.hidden_size + " x " + m.config.num_layers +
    (m.task === "seq2seq" ? ", seq2seq, " + m.config.decoder + " decoder" : "") + ")";
  if (m.task === "seq2seq") { $("lm").hidden = true; $("s2s").hidden = false; }
  for (let l = 0; l < m.config.num_layers; ++l) $("layer").add(new Option(String(l), String(l)));
  $("layer").value = String(m.config.num_layers - 1);
  $("unit").max = m.config.hidden_size - 1;
  drawCurve(await json("/v1/train_log"));
}
function colour(a) {  // tanh-range activation: blue for -1, white for 0, red for +1
  const x = Math.max(-1, Math.min(1, a));
  const c = Math.round(255 * (1 - Math.abs(x)));
  return x > 0 ? `rgb(255,${c},${c})` : `rgb(${c},${c},255)`;
}
function render() {
  if (!inspect) return;
  const u = Number($("unit").value), H = inspect.hidden;
  const out = $("out");
  out.textContent = "";
  inspect.pieces.forEach((piece, t) => {
    const s = document.createElement("span");
    s.className = "tok";
    s.textContent = piece;
    s.style.background = colour(inspect.h[t * H + u]);
    s.dataset.t = t;
    // The top-5 next tokens in the title too: a native tooltip, and in the DOM for tests.
    s.title = "next: " + inspect.top[t].map(([tok, p]) => JSON.stringify(tok) + " " + (100 * p).toFixed(1) + "%").join(", ");
    out.appendChild(s);
  });
}
$("out").addEventListener("mousemove", e => {
  const t = e.target.dataset ? e.target.dataset.t : undefined;
  const tip = $("tip");
  if (t === undefined || !inspect) { tip.style.display = "none"; return; }
  const top = inspect.top[t].map(([tok, p]) => JSON.stringify(tok) + "  " + (100 * p).toFixed(1) + "%");
  tip.textContent = "next:\n" + top.join("\n");
  tip.style.left = (e.clientX + 12) + "px"; tip.style.top = (e.clientY + 12) + "px"; tip.style.display = "block";
});
$("out").addEventListener("mouseleave", () => $("tip").style.display = "none");
let lastText = null;
async function inspectText(text) {
  lastText = text;
  inspect = await json("/v1/inspect", {model: modelId, text: text, top: 5, layer: Number($("layer").value)});
  render();
}
$("layer").onchange = () => { if (lastText !== null) inspectText(lastText); };
$("unit").oninput = render;
$("go").onclick = async () => {
  const out = $("out"), prime = $("prime").value;
  out.textContent = prime; inspect = null; $("status").textContent = "generating...";
  const body = {model: modelId, prompt: prime, max_tokens: Number($("length").value), stream: true,
    temperature: Number($("temperature").value), top_k: Number($("top_k").value), top_p: Number($("top_p").value)};
  if ($("seed").value !== "") body.seed = Number($("seed").value);
  let text = prime;
  try {
    const r = await fetch("/v1/completions", {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)});
    if (!r.ok) throw new Error((await r.json()).error.message);
    const reader = r.body.getReader(), dec = new TextDecoder();
    let buf = "";
    for (;;) {
      const {value, done} = await reader.read();
      if (done) break;
      buf += dec.decode(value, {stream: true});
      let i;
      while ((i = buf.indexOf("\n\n")) >= 0) {
        const ev = buf.slice(0, i); buf = buf.slice(i + 2);
        if (!ev.startsWith("data: ") || ev === "data: [DONE]") continue;
        const piece = JSON.parse(ev.slice(6)).choices[0].text;
        text += piece; out.textContent = text;
      }
    }
    await inspectText(text);
    $("status").textContent = "done: hover a character for the next-token probabilities";
    document.body.dataset.done = "1";
  } catch (e) { $("status").textContent = "error: " + e.message; }
};
// Seq2seq: the answer, then its attention map as a grid (rows: answer tokens and <end>;
// columns: source tokens; white 0, black 1), as `rnngen translate --attention-map` draws it.
const label = t => t === " " ? "_" : t;
function drawAttention(r) {
  const cv = $("attn"), g = cv.getContext("2d");
  const R = r.answer_tokens.length, C = r.source_tokens.length, cell = 24, left = 70, top = 30;
  cv.width = left + C * cell + 10; cv.height = top + R * cell + 10;
  g.fillStyle = "#fff"; g.fillRect(0, 0, cv.width, cv.height);
  g.font = "13px monospace"; g.textAlign = "center"; g.fillStyle = "#000";
  r.source_tokens.forEach((t, j) => g.fillText(label(t), left + j * cell + cell / 2, top - 10));
  g.textAlign = "right";
  r.answer_tokens.forEach((t, i) => g.fillText(label(t), left - 8, top + i * cell + cell / 2 + 4));
  const argmax = [];
  r.attention.forEach((row, i) => {
    row.forEach((v, j) => {
      const c = Math.round(255 * (1 - Math.max(0, Math.min(1, v))));
      g.fillStyle = `rgb(${c},${c},${c})`;
      g.fillRect(left + j * cell, top + i * cell, cell - 1, cell - 1);
    });
    argmax.push(row.indexOf(Math.max(...row)));
  });
  // The map's shape and each row's most attended source token, in the DOM for tests.
  cv.dataset.rows = R; cv.dataset.cols = C; cv.dataset.argmax = argmax.join(",");
  cv.dataset.sums = r.attention.map(row => row.reduce((a, b) => a + b, 0).toFixed(4)).join(",");
  $("attnnote").textContent = "rows: answer tokens; columns: question tokens; darker = more attention";
}
$("ask").onclick = async () => {
  $("s2status").textContent = "answering..."; $("answer").textContent = "";
  try {
    const r = await json("/v1/translate", {model: modelId, text: $("question").value, beam: Number($("beam").value)});
    $("answer").textContent = r.text;
    if (r.attention) drawAttention(r);
    else $("attnnote").textContent = "this model's decoder has no attention";
    $("s2status").textContent = r.ended ? "done" : "done (cut at the longest training answer)";
    document.body.dataset.done = "1";
  } catch (e) { $("s2status").textContent = "error: " + e.message; }
};
function drawCurve(log) {
  const cv = $("curve"), g = cv.getContext("2d");
  g.clearRect(0, 0, cv.width, cv.height);
  if (!log.length) { $("curvenote").textContent = "no train_log.jsonl in the model directory"; return; }
  const series = [["train_nll", "#c33"], ["val_nll", "#33c"]];
  const xs = log.map(r => r.step), ys = log.flatMap(r => series.map(([k]) => r[k]).filter(v => v != null));
  const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
  const px = x => 40 + (cv.width - 50) * (x1 > x0 ? (x - x0) / (x1 - x0) : 0.5);
  const py = y => cv.height - 25 - (cv.height - 35) * (y1 > y0 ? (y - y0) / (y1 - y0) : 0.5);
  g.fillStyle = "#000"; g.font = "11px sans-serif";
  g.fillText(y1.toFixed(2), 2, py(y1) + 4); g.fillText(y0.toFixed(2), 2, py(y0));
  g.fillText("step " + x0, 40, cv.height - 8); g.fillText("step " + x1, cv.width - 70, cv.height - 8);
  for (const [k, col] of series) {
    g.strokeStyle = col; g.beginPath(); let started = false;
    for (const r of log) if (r[k] != null) { started ? g.lineTo(px(r.step), py(r[k])) : g.moveTo(px(r.step), py(r[k])); started = true; }
    g.stroke();
  }
  $("curvenote").textContent = "nll in nats per token: train (red), validation (blue)";
}
// ?prime=TEXT&length=N&...&go=1 (seq2seq: ?question=TEXT&go=1) fills the controls and generates on load (links, and the headless browser test).
init().then(() => {
  const q = new URLSearchParams(location.search);
  for (const k of ["prime", "length", "temperature", "top_k", "top_p", "seed", "layer", "unit", "question", "beam"])
    if (q.has(k)) { $(k).value = q.get(k); $(k).dispatchEvent(new Event("input")); }
  if (q.get("go") === "1") ($("s2s").hidden ? $("go") : $("ask")).click();
}).catch(e => $("status").textContent = "error: " + e.message);
</script></body></html>
)HTML";
}

}  // namespace rnngen::serve
