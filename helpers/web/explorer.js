// Static explorer: c2dExplorer(root) brings one explorer's root element to life. runtime.py
// pastes common.js in at the line "// <common.js>" and bundles this file with player.js
// into the page runtime. It needs no Python kernel: the output-size arithmetic and the example
// values are computed here, in the page.
// Keyboard: the output grid is one tab stop (roving focus); arrows move between its cells (each
// shows its receptive field), Enter or Space goes to that cell's step.
// That makes the arithmetic below a SECOND COPY of helpers/shapes.py (formulas and error messages,
// word for word). It is a copy by necessity; tests/browser/test_explorer_page.py sets the controls
// over a grid of combinations and pins every size, message and value to helpers.shapes and the
// course's operations, so a change on either side that is not made on the other fails the test.
// The script touches nothing outside its own root element.
function c2dExplorer(root) {
  if (!root || root.getAttribute("data-ready")) return;
  root.setAttribute("data-ready", "1");
  var D = JSON.parse(root.querySelector("script.c2d-xp-data").textContent);
  var MINUS = "\u2212";
  var TIMES = "\u00d7";
  var stage = root.querySelector(".c2d-stage");
  var note = root.querySelector(".c2d-xp-note");
  var formulaEl = root.querySelector(".c2d-xp-formula code");
  var shapeEl = root.querySelector(".c2d-xp-shape");
  var errorEl = root.querySelector(".c2d-xp-error");
  var callEl = root.querySelector(".c2d-xp-call code");
  var anim = root.querySelector(".c2d-xp-anim");
  var where = root.querySelector(".c2d-where");
  var math = root.querySelector(".c2d-math");
  var live = root.querySelector(".c2d-live");
  var scrub = root.querySelector(".c2d-scrub");
  var playBtn = root.querySelector('[data-action="play"]');
  var controls = {};

  // el, grid, mark, markEnds, showPlaying, onHover (common.js, pasted here)
  // <common.js>

  translateSkeleton();
  Array.prototype.forEach.call(root.querySelectorAll("[data-param]"), function (c) {
    controls[c.getAttribute("data-param")] = c;
  });

  // ---------------------------------------------------------------- arithmetic (helpers.shapes)
  // conv_output_size / pool_output_size: floor((n + 2p - d(k-1) - 1) / s) + 1, or the message of
  // helpers._validate.window_output_size when the (dilated) window does not fit.
  function windowSize(n, p, k, s, d, what) {
    var eff = d * (k - 1) + 1;
    var padded = n + 2 * p;
    if (padded < eff) {
      var size = "kernel_size=" + k;
      if (d !== 1) size += tr("spans", d, k, eff);
      throw new Error(tr("tooLarge", tr(what + "Word"), size, n, p, padded, eff - padded));
    }
    return Math.floor((padded - eff) / s) + 1;
  }

  // helpers._validate.pool_padding_ok (one axis)
  function poolPaddingOk(p, k) {
    if (2 * p > k) {
      throw new Error(tr("poolPadding", p, k, Math.floor(k / 2)));
    }
  }

  // helpers.shapes.transposed_output_size
  function transposedSize(n, k, s, p, op, d) {
    if (op >= Math.max(s, d)) {
      throw new Error(tr("outputPadding", op, s, d));
    }
    var out = (n - 1) * s - 2 * p + d * (k - 1) + op + 1;
    if (out <= 0) {
      throw new Error(tr("cropsAll", n, s, p, d, k, op, out));
    }
    return out;
  }

  // The settings in use: controls that do not apply to the operation keep their default.
  function settings() {
    var P = { op: controls.operation.value };
    ["n", "kernel_size", "padding", "stride", "dilation", "output_padding"].forEach(function (k) {
      P[k] = parseInt(controls[k].value, 10);
    });
    if (P.op === "avg") P.dilation = 1; // torch.nn.functional.avg_pool2d has no dilation
    if (P.op !== "transposed") P.output_padding = 0;
    return P;
  }

  function arithmetic(P) {
    var n = P.n, k = P.kernel_size, p = P.padding, s = P.stride, d = P.dilation;
    var op = P.output_padding;
    var text, size;
    if (P.op === "transposed") {
      text = "n_out = (n \u2212 1)\u00b7s \u2212 2p + d\u00b7(k \u2212 1) + output_padding + 1";
      size = transposedSize(n, k, s, p, op, d);
      text += " = (" + n + " \u2212 1)\u00b7" + s + " \u2212 2\u00b7" + p + " + " + d + "\u00b7(" +
        k + " \u2212 1) + " + op + " + 1 = " + size;
    } else {
      text = "n_out = \u230a(n + 2p \u2212 d\u00b7(k \u2212 1) \u2212 1) / s\u230b + 1";
      if (P.op !== "corr") poolPaddingOk(p, k);
      size = windowSize(n, p, k, s, d, P.op === "corr" ? "kernel" : "window");
      text += " = \u230a(" + n + " + 2\u00b7" + p + " \u2212 " + d + "\u00b7(" + k +
        " \u2212 1) \u2212 1) / " + s + "\u230b + 1 = " + size;
    }
    return { size: size, text: text };
  }

  function pytorchCall(P) {
    var k = P.kernel_size;
    if (P.op === "corr") {
      return "F.conv2d(x, w, stride=" + P.stride + ", padding=" + P.padding + ", dilation=" +
        P.dilation + ")  # x: (1, 1, " + P.n + ", " + P.n + "), w: (1, 1, " + k + ", " + k + ")";
    }
    if (P.op === "max") {
      return "F.max_pool2d(x, " + k + ", stride=" + P.stride + ", padding=" + P.padding +
        ", dilation=" + P.dilation + ")";
    }
    if (P.op === "avg") {
      return "F.avg_pool2d(x, " + k + ", stride=" + P.stride + ", padding=" + P.padding + ")";
    }
    return "F.conv_transpose2d(x, w, stride=" + P.stride + ", padding=" + P.padding +
      ", output_padding=" + P.output_padding + ", dilation=" + P.dilation + ")  # w: (1, 1, " +
      k + ", " + k + ")";
  }

  var NOTES = {
    corr: tr("noteCorr"), max: tr("noteMax"), avg: tr("noteAvg"), transposed: tr("noteTransposed")
  };

  // ---------------------------------------------------------------- example values
  // As helpers.widgets.explorer_inputs: input 0..9 repeating, kernel -1, 0, 1, 2 repeating.
  function exampleInput(n) {
    var x = [];
    for (var i = 0; i < n; i++) {
      var row = [];
      for (var j = 0; j < n; j++) row.push((i * n + j) % 10);
      x.push(row);
    }
    return x;
  }
  function exampleKernel(k) {
    var w = [];
    for (var a = 0; a < k; a++) {
      var row = [];
      for (var b = 0; b < k; b++) row.push(((a * k + b) % 4) - 1);
      w.push(row);
    }
    return w;
  }

  // As helpers.style.format_number: integers plainly, others to 3 significant digits, real minus.
  function fmt(v) {
    if (v === -Infinity) return MINUS + "\u221e";
    if (v === Infinity) return "\u221e";
    if (v === 0) return "0";
    var t;
    if (Math.round(v) === v) t = String(v);
    else if (Math.abs(v) >= 100) t = v.toFixed(1).replace(/\.?0+$/, "");
    else t = String(parseFloat(v.toPrecision(3)));
    return t.replace("-", MINUS);
  }
  function factor(v) {
    var t = fmt(v);
    return t.charAt(0) === MINUS ? "(" + t + ")" : t;
  }

  // ---------------------------------------------------------------- drawing helpers
  function block(caption, g) {
    var f = el("figure", "c2d-block");
    f.appendChild(el("figcaption", "", caption));
    var chans = el("div", "c2d-chans");
    chans.appendChild(g);
    f.appendChild(chans);
    stage.appendChild(f);
    return f;
  }

  // ---------------------------------------------------------------- the animation model
  // M describes the current drawing: N steps, and for step t the cells to mark and the text.
  var M = null;
  var step = 0;
  var timer = null;

  function outCell(cells, i, j, value) {
    var cell = cells[i][j];
    cell.classList.add("c2d-ocell");
    cell.setAttribute("data-out", i + "," + j);
    cell.setAttribute("data-value", String(value));
    cell.setAttribute("tabindex", i === 0 && j === 0 ? "0" : "-1");
    return cell;
  }

  function buildWindow(P, size) {
    // Cross-correlation and pooling: the window slides over the padded input.
    var n = P.n, k = P.kernel_size, p = P.padding, s = P.stride, d = P.dilation;
    var x = exampleInput(n);
    var w = exampleKernel(k);
    var hp = n + 2 * p;
    var fill = P.op === "max" ? -Infinity : 0;
    var padded = [];
    for (var r = 0; r < hp; r++) {
      var row = [];
      for (var c = 0; c < hp; c++) {
        var inside = r >= p && r < p + n && c >= p && c < p + n;
        row.push(inside ? x[r - p][c - p] : fill);
      }
      padded.push(row);
    }
    function windowCells(i, j) {
      var list = [];
      for (var a = 0; a < k; a++) {
        for (var b = 0; b < k; b++) list.push([i * s + a * d, j * s + b * d, a, b]);
      }
      return list;
    }
    // The value of output (i, j), and (for the step being shown only) its arithmetic.
    function compute(i, j, withText) {
      var cells = windowCells(i, j);
      var vals = cells.map(function (q) { return padded[q[0]][q[1]]; });
      var v;
      if (P.op === "corr") {
        v = 0;
        cells.forEach(function (q, m) { v += vals[m] * w[q[2]][q[3]]; });
        if (!withText) return v;
        return cells.map(function (q, m) {
          return factor(vals[m]) + TIMES + factor(w[q[2]][q[3]]);
        }).join(" + ") + " = " + fmt(v);
      }
      if (P.op === "max") {
        v = Math.max.apply(null, vals);
        return withText ? "max(" + vals.map(fmt).join(", ") + ") = " + fmt(v) : v;
      }
      v = vals.reduce(function (acc, q) { return acc + q; }, 0) / vals.length;
      return withText ? "(" + vals.map(factor).join(" + ") + ") / " + vals.length + " = " + fmt(v) : v;
    }
    var out = [];
    for (var i = 0; i < size; i++) {
      var orow = [];
      for (var j = 0; j < size; j++) orow.push(compute(i, j, false));
      out.push(orow);
    }
    var inG = grid(hp, hp, function (r, c) {
      var pad = r < p || r >= p + n || c < p || c >= p + n;
      return el("div", "c2d-cell" + (pad ? " is-pad" : ""), fmt(padded[r][c]));
    }, tr("input"));
    block(p > 0 ? tr("xpPadded", n + TIMES + n, hp + TIMES + hp) : tr("xpInput", n + TIMES + n),
      inG.node);
    stage.appendChild(el("div", "c2d-op", P.op === "corr" ? "\u22c6" : "\u2192"));
    if (P.op === "corr") {
      var kG = grid(k, k, function (a, b) { return el("div", "c2d-cell c2d-kcell", fmt(w[a][b])); }, tr("kernel"));
      block(tr("xpKernel", k + TIMES + k) + (d > 1 ? tr("xpDilation", d) : ""), kG.node);
    } else {
      var box = el("div", "c2d-poolbox", tr(P.op === "max" ? "maxOf" : "meanOf", k + TIMES + k));
      block(tr(P.op === "max" ? "maxPooling" : "avgPooling"), box);
    }
    stage.appendChild(el("div", "c2d-op", "="));
    var oG = grid(size, size, function (i, j) { return el("div", "c2d-cell"); }, tr("output"), true);
    for (var i2 = 0; i2 < size; i2++) {
      for (var j2 = 0; j2 < size; j2++) outCell(oG.cells, i2, j2, out[i2][j2]);
    }
    block(tr("xpOutput", size + TIMES + size), oG.node);
    function rf(i, j) {
      return windowCells(i, j).map(function (q) { return inG.cells[q[0]][q[1]]; });
    }
    return {
      N: size * size,
      show: function (t) {
        var i = Math.floor(t / size), j = t % size;
        mark("is-window", rf(i, j));
        for (var a = 0; a < size; a++) {
          for (var b = 0; b < size; b++) {
            var cell = oG.cells[a][b];
            var kk = a * size + b;
            var done = kk <= t;
            cell.textContent = done ? fmt(out[a][b]) : "";
            cell.classList.toggle("is-done", done);
            cell.classList.toggle("is-current", kk === t);
            cell.setAttribute("aria-label", tr("outCell", a, b) + ": " +
              (done ? fmt(out[a][b]) : tr("notComputed")));
          }
        }
        return {
          where: tr("outCell", i, j),
          text: compute(i, j, true)
        };
      },
      rf: function (i, j) { return rf(i, j); },
      stepOf: function (i, j) { return i * size + j; }
    };
  }

  function buildScatter(P, size) {
    // Transposed convolution: input cell (i, j) adds x[i][j] * kernel at rows i*s + a*d, columns
    // j*s + b*d of the full grid; padding p then cuts p cells from each side, output_padding
    // keeps op more (zero) cells at the bottom and right: output = full[p : F - p + op].
    var n = P.n, k = P.kernel_size, p = P.padding, s = P.stride, d = P.dilation;
    var op = P.output_padding;
    var x = exampleInput(n);
    var w = exampleKernel(k);
    var F = (n - 1) * s + d * (k - 1) + 1;
    var end = F - p + op; // output = full[p : end], zeros past F
    var side = Math.max(F, end);
    function kept(r) { return r >= p && r < end; }
    function targets(i, j) {
      var list = [];
      for (var a = 0; a < k; a++) {
        for (var b = 0; b < k; b++) list.push([i * s + a * d, j * s + b * d, a, b]);
      }
      return list;
    }
    // The running sums after each step, and the final output.
    function sums(t) {
      var acc = [];
      for (var r = 0; r < side; r++) acc.push(new Array(side).fill(null));
      for (var q = 0; q <= t; q++) {
        var i = Math.floor(q / n), j = q % n;
        targets(i, j).forEach(function (u) {
          acc[u[0]][u[1]] = (acc[u[0]][u[1]] || 0) + x[i][j] * w[u[2]][u[3]];
        });
      }
      return acc;
    }
    var final = sums(n * n - 1);
    var inG = grid(n, n, function (i, j) { return el("div", "c2d-cell", fmt(x[i][j])); }, tr("input"));
    block(tr("upsampled", n + TIMES + n), inG.node);
    stage.appendChild(el("div", "c2d-op", TIMES));
    var kG = grid(k, k, function (a, b) { return el("div", "c2d-cell c2d-kcell", fmt(w[a][b])); }, tr("kernel"));
    block(tr("xpKernel", k + TIMES + k) + (d > 1 ? tr("xpDilation", d) : ""), kG.node);
    stage.appendChild(el("div", "c2d-op", "\u2192"));
    var cG = grid(side, side, function (r, c) {
      // kept only thanks to output_padding: past F - p (cut by padding otherwise)
      var extra = op > 0 && (r >= F - p || c >= F - p);
      var cut = !kept(r) || !kept(c);
      return el("div", "c2d-cell" + (cut ? " is-pad is-cut" : extra ? " is-extra" : ""));
    }, tr("inFull"), true);
    for (var r = 0; r < side; r++) {
      for (var c = 0; c < side; c++) {
        if (kept(r) && kept(c)) outCell(cG.cells, r - p, c - p, final[r][c] || 0);
        cG.cells[r][c].setAttribute("data-full", r + "," + c);
      }
    }
    var cap = tr("xpOutput", size + TIMES + size);
    if (p > 0 || op > 0) {
      cap += tr("insideFull", F + TIMES + F);
      if (p > 0) cap += tr("hatched", p);
      if (op > 0) cap += tr("dotted", op);
    }
    block(cap, cG.node);
    return {
      N: n * n,
      show: function (t) {
        var i = Math.floor(t / n), j = t % n;
        var now = targets(i, j);
        mark("is-window", [inG.cells[i][j]].concat(now.map(function (u) {
          return cG.cells[u[0]][u[1]];
        })));
        var acc = sums(t);
        var current = {};
        now.forEach(function (u) { current[u[0] + "," + u[1]] = true; });
        for (var a = 0; a < side; a++) {
          for (var b = 0; b < side; b++) {
            var cell = cG.cells[a][b];
            var v = acc[a][b];
            var isOut = kept(a) && kept(b);
            var done = v !== null;
            cell.textContent = done ? fmt(v) : (isOut && t === n * n - 1 ? "0" : "");
            cell.classList.toggle("is-done", done && isOut);
            cell.classList.toggle("is-current", !!current[a + "," + b]);
            if (isOut) {
              cell.setAttribute("aria-label", tr("outCell", a - p, b - p) +
                ": " + (done ? tr("runningSum", fmt(v)) : tr("nothingAdded")));
            }
          }
        }
        var prods = now.map(function (u) { return factor(x[i][j]) + TIMES + factor(w[u[2]][u[3]]); });
        var r0 = i * s, c0 = j * s;
        return {
          where: tr("inCell", i, j),
          text: tr("scatterText", fmt(x[i][j]), TIMES, prods.join(", "),
            r0 + "\u2013" + (r0 + d * (k - 1)), c0 + "\u2013" + (c0 + d * (k - 1)))
        };
      },
      rf: function (oi, oj) {
        var r = oi + p, c = oj + p;
        var list = [];
        for (var i = 0; i < n; i++) {
          for (var j = 0; j < n; j++) {
            var a = r - i * s, b = c - j * s;
            if (a >= 0 && b >= 0 && a % d === 0 && b % d === 0 && a / d < k && b / d < k) {
              list.push(inG.cells[i][j]);
            }
          }
        }
        return list;
      },
      stepOf: function (oi, oj) {
        var last = 0;
        var r = oi + p, c = oj + p;
        for (var q = 0; q < n * n; q++) {
          var a = r - Math.floor(q / n) * s, b = c - (q % n) * s;
          if (a >= 0 && b >= 0 && a % d === 0 && b % d === 0 && a / d < k && b / d < k) last = q;
        }
        return last;
      }
    };
  }

  // ---------------------------------------------------------------- update on every change
  function setPlaying(on) {
    if (timer) clearInterval(timer);
    timer = null;
    if (on && M) {
      if (step >= M.N - 1) show(0);
      timer = setInterval(function () {
        if (step >= M.N - 1) setPlaying(false);
        else show(step + 1);
      }, 700);
    }
    showPlaying(playBtn, live, !!timer);
  }

  function show(t) {
    if (!M) return;
    step = Math.max(0, Math.min(M.N - 1, t));
    var info = M.show(step);
    where.textContent = tr("stepOf", step + 1, M.N) + " \u00b7 " + info.where;
    math.textContent = info.text;
    scrub.value = String(step);
    scrub.setAttribute("aria-valuetext", tr("stepOf", step + 1, M.N));
    markEnds(step, M.N);
  }

  function update() {
    setPlaying(false);
    var P = settings();
    Object.keys(controls).forEach(function (name) {
      // Show the value in use: a control that does not apply keeps its position but shows the
      // neutral value (dilation 1, output padding 0).
      var c = controls[name];
      if (c.tagName === "INPUT") c.parentNode.querySelector("output").textContent = String(P[name]);
    });
    controls.output_padding.disabled = P.op !== "transposed";
    controls.dilation.disabled = P.op === "avg";
    root.setAttribute("data-operation", P.op);
    note.textContent = NOTES[P.op];
    callEl.textContent = pytorchCall(P);
    stage.textContent = "";
    marked = {}; // (common.js) the marked cells went with the old drawing
    M = null;
    var res;
    try {
      res = arithmetic(P);
    } catch (e) {
      formulaEl.textContent = "";
      shapeEl.textContent = "";
      errorEl.textContent = e.message;
      errorEl.hidden = false;
      root.setAttribute("data-size", "");
      anim.hidden = true;
      return;
    }
    errorEl.textContent = "";
    errorEl.hidden = true;
    formulaEl.textContent = res.text;
    shapeEl.textContent = "";
    shapeEl.appendChild(document.createTextNode(tr("shape", LANG === "en" ? D.names[P.op] : tr(P.op),
      P.n + TIMES + P.n)));
    shapeEl.appendChild(el("strong", "c2d-xp-size", res.size + TIMES + res.size));
    root.setAttribute("data-size", String(res.size));
    var side = P.op === "transposed"
      ? (P.n - 1) * P.stride + P.dilation * (P.kernel_size - 1) + 1 +
        Math.max(0, P.output_padding - P.padding)
      : P.n + 2 * P.padding;
    if (side > D.maxSide || res.size > D.maxSide) {
      anim.hidden = true;
      stage.appendChild(el("p", "c2d-xp-toolarge", tr("drawingStops", side + TIMES + side,
        D.maxSide + TIMES + D.maxSide)));
      return;
    }
    M = P.op === "transposed" ? buildScatter(P, res.size) : buildWindow(P, res.size);
    anim.hidden = false;
    scrub.max = String(M.N - 1);
    scrub.setAttribute("aria-label", tr("step"));
    show(0);
  }

  // ---------------------------------------------------------------- events (own elements only)
  Object.keys(controls).forEach(function (name) {
    controls[name].addEventListener(name === "operation" ? "change" : "input", update);
  });
  root.addEventListener("click", function (e) {
    var b = e.target.closest("button[data-action]");
    if (b && root.contains(b)) {
      var action = b.getAttribute("data-action");
      if (action === "play") return setPlaying(!timer);
      setPlaying(false);
      if (action === "prev") show(step - 1);
      else if (action === "next") show(step + 1);
      else if (action === "first") show(0);
      else if (action === "last") show(M ? M.N - 1 : 0);
      return;
    }
    var o = e.target.closest(".c2d-ocell");
    if (o && root.contains(o) && M) {
      var q = o.getAttribute("data-out").split(",").map(Number);
      setPlaying(false);
      show(M.stepOf(q[0], q[1]));
    }
  });
  scrub.addEventListener("input", function () {
    setPlaying(false);
    show(parseInt(scrub.value, 10));
  });
  // hovering or focusing an output cell: its receptive field
  onHover(".c2d-ocell", function (o) {
    if (!M) return null;
    var q = o.getAttribute("data-out").split(",").map(Number);
    return M.rf(q[0], q[1]);
  });
  // roving focus in the output grid: the arrow keys move the one tab stop between output cells
  function moveFocus(e) {
    var cells = [].slice.call(root.querySelectorAll(".c2d-ocell"));
    var q = e.target.getAttribute("data-out").split(",").map(Number);
    var d = { ArrowRight: [0, 1], ArrowLeft: [0, -1], ArrowDown: [1, 0], ArrowUp: [-1, 0] }[e.key];
    var next = root.querySelector('.c2d-ocell[data-out="' + (q[0] + d[0]) + "," + (q[1] + d[1]) + '"]');
    e.preventDefault();
    if (!next) return;
    cells.forEach(function (c) { c.setAttribute("tabindex", "-1"); });
    next.setAttribute("tabindex", "0");
    next.focus();
  }
  root.addEventListener("keydown", function (e) {
    var tag = e.target.tagName;
    if (!M || tag === "INPUT" || tag === "SELECT" || e.altKey || e.ctrlKey || e.metaKey) return;
    var key = e.key;
    var onCell = e.target.classList.contains("c2d-ocell");
    if (onCell && key.indexOf("Arrow") === 0) return moveFocus(e);
    if (key === "ArrowRight") show(step + 1);
    else if (key === "ArrowLeft") show(step - 1);
    else if (key === "Home") show(0);
    else if (key === "End") show(M.N - 1);
    else if ((key === " " || key === "Enter") && e.target.classList.contains("c2d-ocell")) {
      var q = e.target.getAttribute("data-out").split(",").map(Number);
      show(M.stepOf(q[0], q[1]));
    } else return;
    setPlaying(false);
    e.preventDefault();
  });

  update();
}
