// Shared by player.js and explorer.js. runtime.py pastes this file in place of the line
// "// <common.js>" of each script, so the code below lands INSIDE that script's own function
// (c2dPlayer, c2dExplorer): each player and explorer has its own state (nothing here is global).
// It uses two names of the enclosing script: root (the player's or explorer's root element) and
// stage (the element the grids are drawn in).

  // cells given a class with mark(), per class
  var marked = {};

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // a rows x cols CSS grid of make(r, c) cells, named `label` for screen readers: a table of
  // rows and cells, or (interactive: the cells are the steps, with roving focus) a grid of rows
  // and gridcells. Returns the node and the cells by row and column.
  function grid(rows, cols, make, label, interactive) {
    var g = el("div", "c2d-grid");
    g.setAttribute("role", interactive ? "grid" : "table");
    if (label) g.setAttribute("aria-label", label);
    g.style.gridTemplateColumns = "repeat(" + cols + ", auto)";
    var cells = [];
    for (var r = 0; r < rows; r++) {
      var line = el("div", "c2d-row");
      line.setAttribute("role", "row");
      var row = [];
      for (var c = 0; c < cols; c++) {
        var cell = make(r, c);
        if (!cell.hasAttribute("role")) cell.setAttribute("role", interactive ? "gridcell" : "cell");
        line.appendChild(cell);
        row.push(cell);
      }
      g.appendChild(line);
      cells.push(row);
    }
    return { node: g, cells: cells };
  }

  // class cls on exactly these cells (taken off the cells that had it)
  function mark(cls, cells) {
    (marked[cls] || []).forEach(function (c) { c.classList.remove(cls); });
    cells.forEach(function (c) { c.classList.add(cls); });
    marked[cls] = cells;
  }

  // The step buttons at step `step` of `n`: aria-disabled, not disabled, at either end, so a
  // button that is pressed to the end keeps the keyboard focus.
  function markEnds(step, n) {
    ["first", "prev", "next", "last"].forEach(function (name) {
      var atEnd = name === "first" || name === "prev" ? step === 0 : step === n - 1;
      root.querySelector('[data-action="' + name + '"]').setAttribute("aria-disabled",
        atEnd ? "true" : "false");
    });
  }

  // The play button and the live region while playing (on) or not: a playing animation does not
  // read every step aloud. The button is named by its visible text (Play or Pause).
  function showPlaying(playBtn, live, on) {
    playBtn.querySelector("span").textContent = on ? "Pause" : "Play";
    live.setAttribute("aria-live", on ? "off" : "polite");
  }

  // Hovering over or focusing a cell that matches `selector` marks it (is-hover) and the cells
  // cellsOf(cell) returns (is-rf; null: nothing to mark); leaving it clears both marks.
  function onHover(selector, cellsOf) {
    function over(e) {
      var o = e.target.closest && e.target.closest(selector);
      if (!o || !root.contains(o)) return;
      var cells = cellsOf(o);
      if (!cells) return;
      mark("is-rf", cells);
      mark("is-hover", [o]);
    }
    function out(e) {
      var o = e.target.closest && e.target.closest(selector);
      if (!o) return;
      mark("is-rf", []);
      mark("is-hover", []);
    }
    stage.addEventListener("mouseover", over);
    stage.addEventListener("mouseout", out);
    stage.addEventListener("focusin", over);
    stage.addEventListener("focusout", out);
  }
