#include "report/graph_render.h"

#include <cstdio>
#include <map>
#include <sstream>

#include "core/text.h"

namespace tfldbg {
namespace {

// A DOT string literal's content. Only our own label text reaches here with
// real newlines (they become DOT's \n line breaks); names from the model go
// through DotName first.
std::string DotEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

// A name from the model in a DOT label: control bytes, escape sequences and
// invalid UTF-8 escaped as text (core/text.h), so dot neither breaks the line
// nor writes bytes an SVG (XML) may not hold; dot escapes '<' and '&' itself.
std::string DotName(const std::string& name) { return PrintableText(name); }

std::string TensorLabel(const nlohmann::json& t) {
  std::string shape;
  for (const auto& d : t["shape"]) shape += (shape.empty() ? "" : ",") + d.dump();
  std::string label = t["dtype"].get<std::string>() + "[" + shape + "]";
  const auto& q = t["quantization"];
  if (!q.is_null()) {
    if (q["scale"].size() == 1) {
      char buf[64];
      std::snprintf(buf, sizeof(buf), " s=%.4g z=%lld", q["scale"][0].get<double>(), q["zero_point"][0].get<long long>());
      label += buf;
    } else {
      label += " per-ch x" + std::to_string(q["scale"].size());
    }
  }
  return label;
}

}  // namespace

std::string GraphToDot(const nlohmann::json& info, int subgraph) {
  const nlohmann::json& sg = info["subgraphs"][static_cast<size_t>(subgraph)];
  const nlohmann::json& tensors = sg["tensors"];
  std::ostringstream out;
  out << "digraph \"" << DotEscape(DotName(info["model"]["path"].get<std::string>())) << "\" {\n"
      << "  rankdir=TB;\n  node [fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=8];\n";
  std::map<int, std::string> producer;  // tensor -> node id
  for (const auto& i : sg["inputs"]) {
    const int t = i.get<int>();
    out << "  in" << t << " [shape=ellipse, style=filled, fillcolor=\"#d8ecff\", label=\"input " << t << "\\n"
        << DotEscape(DotName(tensors[static_cast<size_t>(t)]["name"].get<std::string>())) << "\"];\n";
    producer[t] = "in" + std::to_string(t);
  }
  for (const auto& op : sg["operators"]) {
    const int index = op["index"].get<int>();
    std::string label = std::to_string(index) + ": " + DotName(op["op"].get<std::string>());
    for (const auto& slot : op["inputs"]) {
      const int t = slot.get<int>();
      if (t >= 0 && tensors[static_cast<size_t>(t)]["constant_bytes"].get<uint64_t>() > 0) {
        label += "\n" + TensorLabel(tensors[static_cast<size_t>(t)]);
      }
    }
    const bool supported = op["supported"].get<bool>();
    out << "  op" << index << " [shape=box, style=\"rounded,filled\", fillcolor=\"" << (supported ? "#f4f4f4" : "#ffd6d6")
        << "\", label=\"" << DotEscape(label) << "\"];\n";
    for (const auto& slot : op["inputs"]) {
      const int t = slot.get<int>();
      auto it = producer.find(t);
      if (t < 0 || it == producer.end()) continue;
      out << "  " << it->second << " -> op" << index << " [label=\"" << DotEscape(TensorLabel(tensors[static_cast<size_t>(t)]))
          << "\"];\n";
    }
    for (const auto& slot : op["outputs"]) {
      if (slot.get<int>() >= 0) producer[slot.get<int>()] = "op" + std::to_string(index);
    }
  }
  for (const auto& o : sg["outputs"]) {
    const int t = o.get<int>();
    out << "  out" << t << " [shape=ellipse, style=filled, fillcolor=\"#dff5dd\", label=\"output " << t << "\\n"
        << DotEscape(DotName(tensors[static_cast<size_t>(t)]["name"].get<std::string>())) << "\"];\n";
    auto it = producer.find(t);
    if (it != producer.end()) {
      out << "  " << it->second << " -> out" << t << " [label=\"" << DotEscape(TensorLabel(tensors[static_cast<size_t>(t)]))
          << "\"];\n";
    }
  }
  out << "}\n";
  return out.str();
}

namespace {

// The page: a JSON document (the info structure) and a renderer. No network,
// no external scripts or fonts; it opens from disk.
constexpr const char* kHtmlHead = R"HTML(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tfldbg graph</title>
<style>
body{margin:0;font:13px system-ui,Helvetica,Arial,sans-serif;display:flex;height:100vh;color:#222}
#left{flex:1;overflow:auto;background:#fafafa}
#side{width:420px;overflow:auto;border-left:1px solid #ccc;padding:10px 14px;background:#fff}
header{padding:8px 12px;background:#263238;color:#fff;position:sticky;top:0;z-index:2}
header select,header input{margin-left:8px}
.op rect{fill:#eceff1;stroke:#607d8b;rx:6}.op.unsupported rect{fill:#ffd6d6;stroke:#c62828}
.op.sel rect{stroke:#ff6f00;stroke-width:3}.op text{pointer-events:none;font-size:11px}
.io ellipse{fill:#d8ecff;stroke:#1565c0}.io.out ellipse{fill:#dff5dd;stroke:#2e7d32}
.edge{fill:none;stroke:#90a4ae;stroke-width:1.2}.op{cursor:pointer}
table{border-collapse:collapse;width:100%;margin:6px 0}td,th{border-bottom:1px solid #eee;padding:2px 4px;text-align:left;vertical-align:top}
h2{font-size:15px;margin:6px 0}h3{font-size:13px;margin:12px 0 4px}code{font-size:12px}.muted{color:#777}
</style></head><body>
<div id="left"><header><b>tfldbg</b> <span id="title"></span>
 subgraph <select id="sg"></select> find <input id="find" placeholder="op or tensor name" size="24"></header>
<svg id="graph" xmlns="http://www.w3.org/2000/svg"></svg></div>
<div id="side"><h2>Click an operator</h2><p class="muted">Its options and its tensors (dtype, shape, quantization) show here.</p><div id="summary"></div></div>
<script id="model-data" type="application/json">)HTML";

constexpr const char* kHtmlMiddle = R"HTML(</script>
<script id="overlay-data" type="application/json">)HTML";

constexpr const char* kHtmlTail = R"HTML(</script>
<script>
"use strict";
const info = JSON.parse(document.getElementById('model-data').textContent);
const overlay = JSON.parse(document.getElementById('overlay-data').textContent);
const NS = 'http://www.w3.org/2000/svg';
const W = 190, H = 44, GX = 36, GY = 46;
function el(tag, attrs, parent) { const e = document.createElementNS(NS, tag); for (const k in attrs) e.setAttribute(k, attrs[k]); if (parent) parent.appendChild(e); return e; }
function esc(s) { return String(s).replace(/[&<>"]/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c])); }
function quant(q) {
  if (!q) return '';
  if (q.scale.length === 1) return 'scale ' + q.scale[0].toPrecision(6) + ', zp ' + q.zero_point[0];
  const lo = Math.min(...q.scale), hi = Math.max(...q.scale);
  return 'per-channel axis ' + q.quantized_dimension + ' x' + q.scale.length + ', scale ' + lo.toPrecision(3) + '..' + hi.toPrecision(3);
}
function tensorRow(sg, t, role) {
  if (t < 0) return '<tr><td>' + role + '</td><td colspan=3 class=muted>absent (optional)</td></tr>';
  const x = sg.tensors[t];
  return '<tr><td>' + role + '</td><td><code>' + t + '</code> ' + esc(x.name) + (x.constant_bytes ? ' <span class=muted>(constant)</span>' : '') +
    '</td><td>' + x.dtype + '[' + x.shape.join(',') + ']</td><td>' + esc(quant(x.quantization)) + '</td></tr>';
}
function show(sgIndex, op) {
  const sg = info.subgraphs[sgIndex];
  document.querySelectorAll('.op.sel').forEach(e => e.classList.remove('sel'));
  const g = document.getElementById('op-' + op.index); if (g) g.classList.add('sel');
  let h = '<h2>' + op.index + ': ' + esc(op.op) + ' <span class=muted>v' + op.version + '</span></h2>';
  if (!op.supported) h += '<p style="color:#c62828">tfldbg does not implement this operator.</p>';
  const ov = (overlay[sgIndex] || {})[op.index];
  if (ov) h += '<p><b>' + esc(ov.label || 'value') + ':</b> ' + esc(ov.value) + '</p>';
  h += '<h3>Options' + (op.options_type ? ' <span class=muted>(' + op.options_type + ')</span>' : '') + '</h3><table>';
  for (const k in op.options) h += '<tr><td>' + esc(k) + '</td><td>' + esc(JSON.stringify(op.options[k])) + '</td></tr>';
  h += '</table><h3>Tensors</h3><table>';
  op.inputs.forEach((t, i) => h += tensorRow(sg, t, 'in ' + i));
  op.outputs.forEach((t, i) => h += tensorRow(sg, t, 'out ' + i));
  h += '</table>';
  document.getElementById('side').innerHTML = h;
}
function draw(sgIndex) {
  const sg = info.subgraphs[sgIndex], svg = document.getElementById('graph');
  svg.innerHTML = '';
  const producer = {}, level = {}, nodes = [];
  sg.inputs.forEach((t, i) => { const n = {kind: 'in', t, id: 'in-' + t, level: 0}; nodes.push(n); producer[t] = n; });
  for (const op of sg.operators) {
    let lv = 0;
    for (const t of op.inputs) if (t >= 0 && producer[t]) lv = Math.max(lv, producer[t].level + 1);
    const n = {kind: 'op', op, id: 'op-' + op.index, level: lv};
    nodes.push(n); op.outputs.forEach(t => { if (t >= 0) producer[t] = n; });
  }
  const maxLevel = Math.max(0, ...nodes.map(n => n.level));
  sg.outputs.forEach(t => nodes.push({kind: 'out', t, id: 'out-' + t, level: (producer[t] ? producer[t].level : maxLevel) + 1}));
  const rows = {};
  nodes.forEach(n => { (rows[n.level] = rows[n.level] || []).push(n); n.col = rows[n.level].length - 1; });
  const width = Math.max(...Object.values(rows).map(r => r.length));
  nodes.forEach(n => { const r = rows[n.level]; n.x = GX + (n.col + (width - r.length) / 2) * (W + GX); n.y = GY + n.level * (H + GY); });
  svg.setAttribute('width', width * (W + GX) + GX); svg.setAttribute('height', (Object.keys(rows).length + 1) * (H + GY));
  const edges = el('g', {}, svg);
  function link(a, b, t) {
    const p = el('path', {class: 'edge', d: 'M' + (a.x + W / 2) + ',' + (a.y + H) + ' C' + (a.x + W / 2) + ',' + (a.y + H + GY / 2) + ' ' + (b.x + W / 2) + ',' + (b.y - GY / 2) + ' ' + (b.x + W / 2) + ',' + b.y}, edges);
    const x = sg.tensors[t]; el('title', {}, p).textContent = t + ' ' + x.name + ' ' + x.dtype + '[' + x.shape.join(',') + '] ' + quant(x.quantization);
  }
  for (const n of nodes) {
    if (n.kind === 'op') n.op.inputs.forEach(t => { if (t >= 0 && producer[t] && producer[t] !== n && (producer[t].kind !== 'op' || producer[t].op.index < n.op.index)) link(producer[t], n, t); });
    if (n.kind === 'out' && producer[n.t]) link(producer[n.t], n, n.t);
  }
  for (const n of nodes) {
    if (n.kind === 'op') {
      const ov = (overlay[sgIndex] || {})[n.op.index];
      const g = el('g', {class: 'op' + (n.op.supported ? '' : ' unsupported'), id: n.id, transform: 'translate(' + n.x + ',' + n.y + ')'}, svg);
      const r = el('rect', {width: W, height: H, rx: 6}, g);
      if (ov && ov.color) r.setAttribute('style', 'fill:' + ov.color);
      el('text', {x: 8, y: 17, 'font-weight': 'bold'}, g).textContent = n.op.index + ': ' + n.op.op;
      const out = n.op.outputs[0] >= 0 ? sg.tensors[n.op.outputs[0]] : null;
      el('text', {x: 8, y: 33}, g).textContent = out ? out.dtype + '[' + out.shape.join(',') + ']' + (ov ? '  ' + ov.value : '') : '';
      el('title', {}, g).textContent = out ? out.name : '';
      g.addEventListener('click', () => show(sgIndex, n.op));
    } else {
      const g = el('g', {class: 'io' + (n.kind === 'out' ? ' out' : ''), transform: 'translate(' + n.x + ',' + n.y + ')'}, svg);
      el('ellipse', {cx: W / 2, cy: H / 2, rx: W / 2, ry: H / 2}, g);
      const x = sg.tensors[n.t];
      el('text', {x: W / 2, y: H / 2 - 2, 'text-anchor': 'middle', 'font-size': 11}, g).textContent = (n.kind === 'in' ? 'input ' : 'output ') + n.t;
      el('text', {x: W / 2, y: H / 2 + 12, 'text-anchor': 'middle', 'font-size': 10}, g).textContent = x.dtype + '[' + x.shape.join(',') + ']';
      el('title', {}, g).textContent = x.name + ' ' + quant(x.quantization);
    }
  }
}
const select = document.getElementById('sg');
info.subgraphs.forEach(s => { const o = document.createElement('option'); o.value = s.index; o.textContent = s.index + (s.name ? ' ' + s.name : '') + ' (' + s.operators.length + ' ops)'; select.appendChild(o); });
select.addEventListener('change', () => draw(+select.value));
document.getElementById('title').textContent = info.model.path.split('/').pop();
document.getElementById('find').addEventListener('change', e => {
  const q = e.target.value.toLowerCase(), sg = info.subgraphs[+select.value];
  const op = sg.operators.find(o => o.op.toLowerCase().includes(q) || o.inputs.concat(o.outputs).some(t => t >= 0 && sg.tensors[t].name.toLowerCase().includes(q)));
  if (op) { show(+select.value, op); document.getElementById('op-' + op.index).scrollIntoView({block: 'center', inline: 'center'}); }
});
const ops = Object.entries(info.op_histogram).map(([k, v]) => k + ' x' + v).join(', ');
document.getElementById('summary').innerHTML = '<h3>Model</h3><p>' + esc(info.model.path) + '<br>' + info.model.size_bytes + ' bytes, ' + info.subgraphs.length + ' subgraph(s)</p><p>' + esc(ops) + '</p>' +
  (info.unsupported_ops.length ? '<p style="color:#c62828">Not implemented by tfldbg: ' + esc(info.unsupported_ops.join(', ')) + '</p>' : '');
draw(0);
</script></body></html>
)HTML";

// JSON inside <script>: "</" must not appear, or the browser ends the script.
std::string ScriptSafe(const nlohmann::json& j) {
  std::string s = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '<') {
      out += "\\u003c";
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

std::string GraphToHtml(const nlohmann::json& info, const nlohmann::json& node_colors) {
  return std::string(kHtmlHead) + ScriptSafe(info) + kHtmlMiddle + ScriptSafe(node_colors) + kHtmlTail;
}

}  // namespace tfldbg
