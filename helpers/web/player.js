// Kernel-sliding player: c2dPlayer(root) brings one player's root element to life.
// runtime.py pastes common.js in at the line "// <common.js>" and bundles this file
// with explorer.js into the page runtime (inline in a notebook, one static file in the book).
// The Python side writes the skeleton (title, controls, live region, a static figure of the final
// state for print and for pages without JavaScript) and the data as JSON; this script draws the
// grids and runs the steps. It touches nothing outside its own root element.
// Two kinds of step: "slide" (cross-correlation, pooling: one output value per step) and
// "scatter" (transposed convolution: one input cell per step, added into a window of the output).
// Keyboard: the player is ONE tab stop, the cell of the current step (roving focus): the output
// cell when sliding, the input cell when scattering. There, arrows step (left/right one step,
// up/down one row), Home/End go to the first/last step, Space or Enter plays and pauses, + and -
// change the speed. The buttons, scrubber and speed menu are for the pointer and screen readers.
function c2dPlayer(root) {
  if (!root || root.getAttribute("data-ready")) return;
  root.setAttribute("data-ready", "1");
  var D = JSON.parse(root.querySelector("script.c2d-data").textContent);
  var stage = root.querySelector(".c2d-stage");
  var where = root.querySelector(".c2d-where");
  var math = root.querySelector(".c2d-math");
  var live = root.querySelector(".c2d-live");
  var scrub = root.querySelector(".c2d-scrub");
  var speed = root.querySelector(".c2d-speed");
  var playBtn = root.querySelector('[data-action="play"]');
  var TIMES = "\u00d7";
  var step = 0;
  var timer = null;

  // el, grid, mark, markEnds, showPlaying, onHover (common.js, pasted here)
  // <common.js>

  function block(cls, caption) {
    var f = el("figure", "c2d-block " + cls);
    var cap = el("figcaption", "", caption);
    f.appendChild(cap);
    var chans = el("div", "c2d-chans");
    f.appendChild(chans);
    return { node: f, cap: cap, chans: chans };
  }

  function channel(parent, label, g) {
    var box = el("div", "c2d-ch");
    if (label) box.appendChild(el("span", "c2d-chlabel", label));
    box.appendChild(g.node);
    parent.appendChild(box);
  }

  function factor(s) {
    return s.charAt(0) === "\u2212" ? "(" + s + ")" : s;
  }

  // ==== slide: cross-correlation and pooling (one output value per step)
  function slide() {
    var corr = D.mode === "corr";
    var per = D.oh * D.ow;
    var shownCo = -1;
    var inCells = [];
    var kCells = [];
    var outCells = [];

    function isPad(r, c) {
      return r < D.pad[0] || r >= D.hp - D.pad[1] || c < D.pad[2] || c >= D.wp - D.pad[3];
    }

    var inB = block("c2d-in", D.pad.some(function (p) { return p > 0; }) ? tr("inputPadded") : tr("input"));
    for (var ch = 0; ch < D.cin; ch++) {
      var g = grid(D.hp, D.wp, function (r, c) {
        var cell = el("div", "c2d-cell" + (isPad(r, c) ? " is-pad" : ""), D.x[ch][r][c]);
        cell.setAttribute("data-in", ch + "," + r + "," + c);
        return cell;
      }, D.cin > 1 ? tr("inputChannel", ch) : tr("input"));
      inCells.push(g.cells);
      channel(inB.chans, D.cin > 1 ? "channel " + ch : "", g);
    }
    stage.appendChild(inB.node);
    stage.appendChild(el("div", "c2d-op", corr ? "\u22c6" : "\u2192"));
    var kB = block("c2d-k", corr ? tr("kernel") : tr(D.mode === "max" ? "maxPooling" : "avgPooling"));
    if (corr) {
      for (var kc = 0; kc < D.cin; kc++) {
        var kg = grid(D.k[0], D.k[1], function (r, c) {
          var cell = el("div", "c2d-cell c2d-kcell");
          cell.setAttribute("data-k", kc + "," + r + "," + c);
          return cell;
        }, D.cin > 1 ? tr("kernelChannel", kc) : tr("kernel"));
        kCells.push(kg.cells);
        channel(kB.chans, D.cin > 1 ? "channel " + kc : "", kg);
      }
    } else {
      var win = el("div", "c2d-poolbox", tr(D.mode === "max" ? "maxOf" : "meanOf", D.k[0] + TIMES + D.k[1]));
      kB.chans.appendChild(win);
    }
    if (D.b) kB.node.appendChild(el("p", "c2d-bias"));
    stage.appendChild(kB.node);
    stage.appendChild(el("div", "c2d-op", "="));
    var oB = block("c2d-out", tr("output"));
    for (var co = 0; co < D.cout; co++) {
      var og = grid(D.oh, D.ow, function (r, c) {
        var cell = el("div", "c2d-cell c2d-ocell");
        cell.setAttribute("data-out", co + "," + r + "," + c);
        cell.setAttribute("data-value", String(D.v[co][r][c]));
        cell.setAttribute("data-step", String(co * per + r * D.ow + c));
        cell.setAttribute("tabindex", "-1");
        return cell;
      }, D.cout > 1 ? tr("outputChannel", co) : tr("output"), true);
      outCells.push(og.cells);
      channel(oB.chans, D.cout > 1 ? tr("channel", co) : "", og);
    }
    stage.appendChild(oB.node);

    // the input cells behind output (co, i, j)
    function covered(co, i, j) {
      var list = [];
      var chans = corr ? inCells.map(function (_, k) { return k; }) : [co];
      chans.forEach(function (c) {
        for (var a = 0; a < D.k[0]; a++) {
          for (var b = 0; b < D.k[1]; b++) {
            list.push(inCells[c][i * D.s[0] + a * D.d[0]][j * D.s[1] + b * D.d[1]]);
          }
        }
      });
      return list;
    }

    function where3(t) {
      var co = Math.floor(t / per);
      var rest = t % per;
      return [co, Math.floor(rest / D.ow), rest % D.ow];
    }

    function label(co, i, j) {
      return D.cout > 1 ? tr("outChCell", co, i, j) : tr("outCell", i, j);
    }

    // the arithmetic of one step, from the display strings (as helpers.animation._step_text)
    function stepText(co, i, j) {
      var res = D.o[co][i][j];
      var rows = [];
      var cols = [];
      for (var a = 0; a < D.k[0]; a++) rows.push(i * D.s[0] + a * D.d[0]);
      for (var b = 0; b < D.k[1]; b++) cols.push(j * D.s[1] + b * D.d[1]);
      if (!corr) {
        var vals = [];
        rows.forEach(function (r) { cols.forEach(function (c) { vals.push(D.x[co][r][c]); }); });
        if (D.mode === "max") return "max(" + vals.join(", ") + ") = " + res;
        return "(" + vals.map(factor).join(" + ") + ") / " + vals.length + " = " + res;
      }
      var several = D.cin > 1;
      var sub = several || D.b !== null;
      var lines = [];
      for (var ch = 0; ch < D.cin; ch++) {
        var terms = [];
        for (var a2 = 0; a2 < D.k[0]; a2++) {
          for (var b2 = 0; b2 < D.k[1]; b2++) {
            terms.push(factor(D.x[ch][rows[a2]][cols[b2]]) + TIMES + factor(D.w[co][ch][a2][b2]));
          }
        }
        lines.push((several ? tr("channelSum", ch) : "") + terms.join(" + ") + " = " + (sub ? D.ps[co][ch][i][j] : res));
      }
      if (sub) {
        var total = D.ps[co].map(function (p) { return factor(p[i][j]); });
        if (D.b !== null) total.push(factor(D.b[co]) + tr("biasTerm"));
        lines.push(total.join(" + ") + " = " + res);
      }
      return lines.join("\n");
    }

    return {
      n: D.cout * per,
      row: D.ow,
      cellOf: function (t) {
        var p = where3(t);
        return outCells[p[0]][p[1]][p[2]];
      },
      show: function (t) {
        var p = where3(t);
        mark("is-window", covered(p[0], p[1], p[2]));
        if (corr && p[0] !== shownCo) {
          shownCo = p[0];
          for (var c = 0; c < D.cin; c++) {
            for (var a = 0; a < D.k[0]; a++) {
              for (var b = 0; b < D.k[1]; b++) kCells[c][a][b].textContent = D.w[p[0]][c][a][b];
            }
          }
          kB.cap.textContent = D.cout > 1 ? tr("kernelOf", p[0]) : tr("kernel");
          if (D.b) kB.node.querySelector(".c2d-bias").textContent = tr("bias", D.b[p[0]]);
        }
        for (var co = 0; co < D.cout; co++) {
          for (var i = 0; i < D.oh; i++) {
            for (var j = 0; j < D.ow; j++) {
              var cell = outCells[co][i][j];
              var k = co * per + i * D.ow + j;
              var done = k <= t;
              cell.textContent = done ? D.o[co][i][j] : "";
              cell.classList.toggle("is-done", done);
              cell.classList.toggle("is-current", k === t);
              cell.setAttribute("aria-label", label(co, i, j) + ": " + (done ? D.o[co][i][j] : tr("notComputed")));
            }
          }
        }
        return [label(p[0], p[1], p[2]), stepText(p[0], p[1], p[2])];
      },
      // hovering or focusing an output cell: its receptive field
      hover: function (o) {
        if (!o.classList.contains("c2d-ocell")) return null;
        var p = o.getAttribute("data-out").split(",").map(Number);
        return covered(p[0], p[1], p[2]);
      }
    };
  }

  // ==== scatter: transposed convolution (one input cell per step, added into the output)
  function scatter() {
    var N = D.ih * D.iw;
    root.classList.add("c2d-scatter");
    var inCells;
    var outCells;
    var keep = D.keep;

    function kept(r, c) {
      return r >= keep[0] && r < keep[0] + keep[2] && c >= keep[1] && c < keep[1] + keep[3];
    }
    function rowsOf(i, s, d, k) {
      var list = [];
      for (var a = 0; a < k; a++) list.push(i * s + a * d);
      return list;
    }
    function span(list) {
      if (list.length === 1) return String(list[0]);
      if (list[list.length - 1] - list[0] === list.length - 1) return list[0] + "\u2013" + list[list.length - 1];
      return list.join(", ");
    }
    function windowOf(t) {
      var i = Math.floor(t / D.iw);
      var j = t % D.iw;
      return [rowsOf(i, D.s[0], D.d[0], D.k[0]), rowsOf(j, D.s[1], D.d[1], D.k[1])];
    }
    function windowCells(t) {
      var w = windowOf(t);
      var list = [];
      w[0].forEach(function (r) { w[1].forEach(function (c) { list.push(outCells[r][c]); }); });
      return list;
    }
    // running value of full-result cell (r, c) after step t: the last entry of its history <= t
    function valueAt(r, c, t) {
      var h = D.hist[r][c];
      var v = null;
      for (var k = 0; k < h.length && h[k] <= t; k += 2) v = h[k + 1];
      return v;
    }
    // the step text, from the display strings (as helpers.animation._scatter_text)
    function stepText(t) {
      var w = windowOf(t);
      var k = "[" + D.w.map(function (row) { return "[" + row.join(", ") + "]"; }).join(", ") + "]";
      return tr("addedAt", factor(D.x[Math.floor(t / D.iw)][t % D.iw]), TIMES, k, span(w[0]), span(w[1]));
    }
    function label(i, j) {
      return tr("inCell", i, j);
    }

    var inB = block("c2d-in", tr("input"));
    var ig = grid(D.ih, D.iw, function (r, c) {
      var cell = el("div", "c2d-cell c2d-icell", D.x[r][c]);
      cell.setAttribute("data-in", "0," + r + "," + c);
      cell.setAttribute("data-step", String(r * D.iw + c));
      cell.setAttribute("tabindex", "-1");
      cell.setAttribute("aria-label", label(r, c) + ": " + D.x[r][c]);
      return cell;
    }, tr("input"), true);
    inCells = ig.cells;
    channel(inB.chans, "", ig);
    stage.appendChild(inB.node);
    stage.appendChild(el("div", "c2d-op", TIMES));
    var kB = block("c2d-k", tr("kernel"));
    channel(kB.chans, "", grid(D.k[0], D.k[1], function (r, c) {
      return el("div", "c2d-cell c2d-kcell", D.w[r][c]);
    }, tr("kernel")));
    stage.appendChild(kB.node);
    stage.appendChild(el("div", "c2d-op", "\u2192"));
    var oB = block("c2d-out", D.p[0] || D.p[1] ? tr("fullCut") : tr("output"));
    // row and column numbers around the full result: the step text names rows and columns
    var og = grid(D.ch + 1, D.cw + 1, function (r, c) {
      if (r === 0 || c === 0) {
        // row and column numbers: the table's headers (the corner is an empty cell)
        var idx = el("div", "c2d-cell c2d-idx" + (r === 0 && c > 0 ? " is-colidx" : "") + (c === 0 && r > 0 ? " is-rowidx" : ""), r === 0 ? (c > 0 ? String(c - 1) : "") : String(r - 1));
        if (r === 0 && c > 0) {
          idx.setAttribute("role", "columnheader");
          idx.setAttribute("aria-label", tr("column", c - 1));
        } else if (c === 0 && r > 0) {
          idx.setAttribute("role", "rowheader");
          idx.setAttribute("aria-label", tr("row", r - 1));
        }
        return idx;
      }
      var rr = r - 1;
      var cc = c - 1;
      var cell = el("div", "c2d-cell c2d-ocell" + (kept(rr, cc) ? "" : " is-cut"));
      var h = D.hist[rr][cc];
      cell.setAttribute("data-out", "0," + rr + "," + cc);
      if (D.v[rr][cc] !== null) cell.setAttribute("data-value", String(D.v[rr][cc]));
      if (h.length) cell.setAttribute("data-last", String(h[h.length - 2]));
      return cell;
    }, tr("full"));
    og.node.classList.add("c2d-indexed");
    outCells = og.cells.slice(1).map(function (row) { return row.slice(1); });
    channel(oB.chans, "", og);
    if (D.note) oB.node.appendChild(el("p", "c2d-note", D.note));
    stage.appendChild(oB.node);

    return {
      n: N,
      row: D.iw,
      cellOf: function (t) {
        return inCells[Math.floor(t / D.iw)][t % D.iw];
      },
      show: function (t) {
        mark("is-window", [inCells[Math.floor(t / D.iw)][t % D.iw]].concat(windowCells(t)));
        for (var r = 0; r < D.ch; r++) {
          for (var c = 0; c < D.cw; c++) {
            var v = valueAt(r, c, t);
            var cell = outCells[r][c];
            // blank until an input cell adds into it (a shown 0 is a sum); at the last step a
            // kept cell no input reaches is an output value: 0
            var zero = v === null && t === N - 1 && kept(r, c);
            cell.textContent = v !== null ? v : zero ? "0" : "";
            cell.classList.toggle("is-done", v !== null);
            cell.setAttribute("aria-label", tr("outCell", r, c) + (kept(r, c) ? "" : tr("cutOff")) + ": " + (v !== null || zero ? cell.textContent : tr("nothingAdded")));
          }
        }
        for (var k = 0; k < N; k++) inCells[Math.floor(k / D.iw)][k % D.iw].classList.toggle("is-done", k < t);
        return [label(Math.floor(t / D.iw), t % D.iw), stepText(t)];
      },
      // an output cell: the input cells that added into it; an input cell: the cells it adds into
      hover: function (o) {
        if (o.classList.contains("c2d-icell")) return windowCells(parseInt(o.getAttribute("data-step"), 10));
        if (!o.classList.contains("c2d-ocell")) return null;
        var p = o.getAttribute("data-out").split(",").map(Number);
        var h = D.hist[p[1]][p[2]];
        var list = [];
        for (var k = 0; k < h.length; k += 2) list.push(inCells[Math.floor(h[k] / D.iw)][h[k] % D.iw]);
        return list;
      }
    };
  }

  translateSkeleton();
  stage.textContent = "";
  var M = D.mode === "transposed" ? scatter() : slide();
  var N = M.n;

  // ---- show step t; the cell of the step is the player's one tab stop (and keeps the focus
  // when the focus was on the previous one)
  var current = null;
  function show(t) {
    step = Math.max(0, Math.min(N - 1, t));
    var text = M.show(step);
    where.textContent = tr("stepOf", step + 1, N) + " \u00b7 " + text[0];
    math.textContent = text[1];
    scrub.value = String(step);
    scrub.setAttribute("aria-valuetext", tr("stepOf", step + 1, N));
    markEnds(step, N);
    var had = current !== null && document.activeElement === current;
    if (current) current.setAttribute("tabindex", "-1");
    current = M.cellOf(step);
    current.setAttribute("tabindex", "0");
    if (had) current.focus();
  }

  // ---- playing
  var ICON_PLAY = playBtn.querySelector("svg").innerHTML;
  var ICON_PAUSE = '<path d="M4 3h3v10H4zM9 3h3v10H9z"/>';
  function setPlaying(on) {
    if (timer) clearInterval(timer);
    timer = null;
    if (on) {
      if (step >= N - 1) show(0);
      timer = setInterval(function () {
        if (step >= N - 1) setPlaying(false);
        else show(step + 1);
      }, 900 / parseFloat(speed.value || "1"));
    }
    showPlaying(playBtn, live, on);
    playBtn.querySelector("svg").innerHTML = on ? ICON_PAUSE : ICON_PLAY;
    root.classList.toggle("is-playing", on);
  }

  function act(action) {
    if (action === "play") return setPlaying(!timer);
    setPlaying(false);
    if (action === "prev") show(step - 1);
    else if (action === "next") show(step + 1);
    else if (action === "first") show(0);
    else if (action === "last") show(N - 1);
  }

  // a cell with data-step (an output cell when sliding, an input cell when scattering): go there
  function jump(cell) {
    setPlaying(false);
    show(parseInt(cell.getAttribute("data-step"), 10));
    cell.focus();
  }

  function faster(by) {
    var i = speed.selectedIndex + by;
    if (i < 0 || i >= speed.options.length) return;
    speed.selectedIndex = i;
    speed.dispatchEvent(new Event("change"));
  }

  // ---- events (all on this player's own elements)
  root.addEventListener("click", function (e) {
    var b = e.target.closest("button[data-action]");
    if (b && root.contains(b)) return act(b.getAttribute("data-action"));
    var o = e.target.closest(".c2d-cell[data-step]");
    if (o && root.contains(o)) return jump(o);
    // scattering: an output cell goes to the last step that adds into it
    var last = e.target.closest(".c2d-cell[data-last]");
    if (last && root.contains(last)) {
      setPlaying(false);
      show(parseInt(last.getAttribute("data-last"), 10));
    }
  });
  scrub.addEventListener("input", function () {
    setPlaying(false);
    show(parseInt(scrub.value, 10));
  });
  speed.addEventListener("change", function () {
    if (timer) setPlaying(true);
  });

  // hovering or focusing a cell: its receptive field (or, scattering, what it adds into)
  onHover(".c2d-ocell, .c2d-icell", function (o) { return M.hover(o); });

  root.addEventListener("keydown", function (e) {
    var tag = e.target.tagName;
    if (tag === "INPUT" || tag === "SELECT" || e.altKey || e.ctrlKey || e.metaKey) return;
    var k = e.key;
    var onCell = e.target.hasAttribute("data-step");
    if (k === "ArrowRight") act("next");
    else if (k === "ArrowLeft") act("prev");
    else if (k === "ArrowDown" && onCell) { if (step + M.row < N) { setPlaying(false); show(step + M.row); } }
    else if (k === "ArrowUp" && onCell) { if (step - M.row >= 0) { setPlaying(false); show(step - M.row); } }
    else if (k === "Home") act("first");
    else if (k === "End") act("last");
    else if ((k === " " || k === "Enter") && onCell) act("play");
    else if (k === " " && tag !== "BUTTON") act("play");
    else if (k === "+" || k === "=") faster(1);
    else if (k === "-") faster(-1);
    else return;
    e.preventDefault();
  });

  show(0);
}
