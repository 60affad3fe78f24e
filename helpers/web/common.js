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
    playBtn.querySelector("span").textContent = on ? tr("pause") : tr("play");
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

  // ---- words: the page's language (<html lang>) picks them, so one executed output serves the
  // English and the Chinese edition (scripts/editions.py). tr(key, a, b, ...) fills {0}, {1}, ...
  // English is the fallback for any other language and any key a table lacks.
  var STRINGS = {
    en: {
      play: "Play", pause: "Pause", back: "Back", next: "Next",
      firstStep: "First step", prevStep: "Previous step", nextStep: "Next step", lastStep: "Last step",
      step: "Step", stepOf: "Step {0} of {1}", speed: "Speed",
      keys: "Keys, on the grid: \u2190 \u2192 step, \u2191 \u2193 a row, Home End, Space plays, + \u2212 speed.",
      input: "Input", inputPadded: "Input (padded)", inputChannel: "Input channel {0}",
      kernel: "Kernel", kernelChannel: "Kernel channel {0}", kernelOf: "Kernel of output channel {0}",
      maxPooling: "Max pooling", avgPooling: "Average pooling",
      output: "Output", outputChannel: "Output channel {0}", channel: "channel {0}",
      channelSum: "channel {0}: ", bias: "bias {0}", biasTerm: " (bias)",
      outCell: "output row {0}, column {1}", outChCell: "output channel {0}, row {1}, column {2}",
      inCell: "input row {0}, column {1}", row: "row {0}", column: "column {0}",
      notComputed: "not computed yet", nothingAdded: "nothing added yet", cutOff: " (cut off)",
      fullCut: "Output (full result; hatched cells are cut off)", full: "Output (full result)",
      addedAt: "{0} {1} {2} added at rows {3}, cols {4}",
      // the explorer
      operation: "Operation", corr: "Cross-correlation", max: "Max pooling",
      avg: "Average pooling", transposed: "Transposed convolution",
      n: "input size n", kernel_size: "kernel size k", padding: "padding p", stride: "stride s",
      dilation: "dilation d", output_padding: "output padding",
      noteCorr: "Padding adds p zeros on each side. Output padding applies to transposed " +
        "convolution only.",
      noteMax: "Max pooling pads with \u2212\u221e; PyTorch allows at most half the window as " +
        "padding. Its stride defaults to the window size (here you set it).",
      noteAvg: "Average pooling pads with zeros and counts them in the mean; PyTorch's avg_pool2d " +
        "has no dilation, so d is 1 here.",
      noteTransposed: "Each input value, times the kernel, is added into the output at stride s; " +
        "padding p then cuts p cells from every side, and output padding keeps that many " +
        "more at the bottom and right.",
      kernelWord: "kernel", windowWord: "window",
      spans: " with dilation={0} spans {0}*({1}-1)+1 = {2}",
      tooLarge: "the {0} ({1}) is larger than the padded input (size {2} + padding {3}+{3} = {4}), " +
        "so the output would be empty: use a smaller {0} or dilation, or pad by at least {5} more",
      poolPadding: "padding={0} is more than half the pooling window kernel_size={1}: PyTorch " +
        "requires padding <= kernel_size / 2 (here at most {2}): use less padding or a larger window",
      outputPadding: "output_padding={0} must be smaller than the stride ({1}) or the dilation " +
        "({2}): it only picks one of the input sizes that a strided convolution maps to the same " +
        "output size",
      cropsAll: "the transposed convolution would have output size (n-1)*stride - 2*padding + " +
        "dilation*(kernel_size-1) + output_padding + 1 = ({0}-1)*{1} - 2*{2} + {3}*({4}-1) + {5} " +
        "+ 1 = {6}: padding={2} crops more than the full output; use less padding",
      shape: "{0}: input {1} \u2192 output ", xpInput: "Input {0}", xpPadded: "Input {0}, padded to {1}",
      xpKernel: "Kernel {0}", xpDilation: ", dilation {0}", maxOf: "max of {0}", meanOf: "mean of {0}",
      xpOutput: "Output {0}", upsampled: "Input {0} (the map being upsampled)",
      inFull: "Output inside the full result", insideFull: " inside the full {0} grid",
      hatched: "; hatched: cut by padding {0}", dotted: "; dotted: kept by output padding {0}",
      runningSum: "running sum {0}",
      scatterText: "input {0} {1} kernel adds {2} to rows {3}, columns {4} of the full grid",
      drawingStops: "The grids would be {0} cells; the drawing stops at {1}. The formula and the " +
        "shape above still hold."
    },
    zh: {
      play: "播放", pause: "暂停", back: "上一步", next: "下一步",
      firstStep: "第一步", prevStep: "上一步", nextStep: "下一步", lastStep: "最后一步",
      step: "步骤", stepOf: "第 {0} 步，共 {1} 步", speed: "速度",
      keys: "键盘（焦点在网格上）：\u2190 \u2192 逐步，\u2191 \u2193 换行，Home End 首尾，空格 播放，+ \u2212 速度。",
      input: "输入", inputPadded: "输入（已填充）", inputChannel: "输入通道 {0}",
      kernel: "卷积核", kernelChannel: "卷积核通道 {0}", kernelOf: "输出通道 {0} 的卷积核",
      maxPooling: "最大池化", avgPooling: "平均池化",
      output: "输出", outputChannel: "输出通道 {0}", channel: "通道 {0}",
      channelSum: "通道 {0}：", bias: "偏置 {0}", biasTerm: "（偏置）",
      outCell: "输出第 {0} 行第 {1} 列", outChCell: "输出通道 {0} 第 {1} 行第 {2} 列",
      inCell: "输入第 {0} 行第 {1} 列", row: "第 {0} 行", column: "第 {0} 列",
      notComputed: "尚未计算", nothingAdded: "尚未累加", cutOff: "（被裁掉）",
      fullCut: "输出（完整结果；斜线格被裁掉）", full: "输出（完整结果）",
      addedAt: "{0} {1} {2} 加到第 {3} 行、第 {4} 列",
      operation: "运算", corr: "互相关运算", max: "最大池化", avg: "平均池化", transposed: "转置卷积",
      n: "输入大小 n", kernel_size: "卷积核大小 k", padding: "填充 p", stride: "步幅 s",
      dilation: "膨胀 d", output_padding: "输出填充",
      noteCorr: "填充在每一边补 p 个零。输出填充只用于转置卷积。",
      noteMax: "最大池化用 \u2212\u221e 填充；PyTorch 最多允许窗口的一半作为填充。它的步幅默认等于窗口大小（这里由你设定）。",
      noteAvg: "平均池化用零填充，并把这些零计入平均值；PyTorch 的 avg_pool2d 没有膨胀，所以这里 d 为 1。",
      noteTransposed: "每个输入值乘以卷积核后，按步幅 s 加到输出中；然后填充 p 从每一边裁掉 p 个格，输出填充在底部和右侧多保留同样多的格。",
      kernelWord: "卷积核", windowWord: "窗口",
      spans: "，膨胀 dilation={0} 时跨度为 {0}*({1}-1)+1 = {2}",
      tooLarge: "{0}（{1}）大于填充后的输入（大小 {2} + 填充 {3}+{3} = {4}），输出将为空：" +
        "请用更小的{0}或膨胀，或者至少再多填充 {5}",
      poolPadding: "padding={0} 超过了池化窗口 kernel_size={1} 的一半：PyTorch 要求 padding <= " +
        "kernel_size / 2（这里最多为 {2}）：请减少填充或使用更大的窗口",
      outputPadding: "output_padding={0} 必须小于步幅（{1}）或膨胀（{2}）：它只是在带步幅的卷积映射到" +
        "同一输出大小的几个输入大小中选出一个",
      cropsAll: "转置卷积的输出大小将为 (n-1)*stride - 2*padding + dilation*(kernel_size-1) + " +
        "output_padding + 1 = ({0}-1)*{1} - 2*{2} + {3}*({4}-1) + {5} + 1 = {6}：padding={2} " +
        "裁掉的比完整输出还多；请减少填充",
      shape: "{0}：输入 {1} \u2192 输出 ", xpInput: "输入 {0}", xpPadded: "输入 {0}，填充后为 {1}",
      xpKernel: "卷积核 {0}", xpDilation: "，膨胀 {0}", maxOf: "{0} 取最大值", meanOf: "{0} 取平均值",
      xpOutput: "输出 {0}", upsampled: "输入 {0}（被上采样的特征映射）",
      inFull: "完整结果中的输出", insideFull: "，位于完整的 {0} 网格中",
      hatched: "；斜线格：被填充 {0} 裁掉", dotted: "；点状格：由输出填充 {0} 保留",
      runningSum: "累加和 {0}",
      scatterText: "输入 {0} {1} 卷积核：把 {2} 加到完整网格的第 {3} 行、第 {4} 列",
      drawingStops: "网格将有 {0} 格；图示最多画到 {1}。上面的公式和形状仍然成立。"
    }
  };
  var LANG = /^zh(?:[-_]|$)/i.test(document.documentElement.lang || "") ? "zh" : "en";

  function tr(key) {
    var text = STRINGS[LANG][key];
    if (text === undefined) text = STRINGS.en[key];
    var args = arguments;
    return text.replace(/\{(\d)\}/g, function (_, i) { return String(args[+i + 1]); });
  }

  // The words the Python side wrote into the root (in English): the step buttons, the scrubber,
  // the speed menu, the keys line, the explorer's labels and menu. Nothing to do on an English page.
  function translateSkeleton() {
    if (LANG === "en") return;
    var names = { first: "firstStep", prev: "prevStep", next: "nextStep", last: "lastStep", play: "play" };
    var texts = { prev: "back", next: "next", play: "play" };
    Array.prototype.forEach.call(root.querySelectorAll("button[data-action]"), function (b) {
      var action = b.getAttribute("data-action");
      var span = b.querySelector("span");
      if (span && texts[action]) span.textContent = tr(texts[action]);
      else if (names[action]) b.setAttribute("aria-label", tr(names[action]));
    });
    var scrubber = root.querySelector(".c2d-scrub");
    if (scrubber) scrubber.setAttribute("aria-label", tr("step"));
    var speedLabel = root.querySelector(".c2d-speed-label");
    if (speedLabel && speedLabel.firstChild.nodeType === 3) speedLabel.firstChild.textContent = tr("speed") + " ";
    var keys = root.querySelector(".c2d-keys");
    if (keys) keys.textContent = tr("keys");
    var op = root.querySelector(".c2d-xp-op");
    if (op && op.firstChild.nodeType === 3) op.firstChild.textContent = tr("operation") + " ";
    Array.prototype.forEach.call(root.querySelectorAll("[data-param=operation] option"), function (o) {
      o.textContent = tr(o.value);
    });
    Array.prototype.forEach.call(root.querySelectorAll("[data-field]"), function (f) {
      var label = f.querySelector(".c2d-xp-label");
      if (label) label.textContent = tr(f.getAttribute("data-field"));
    });
  }
