/* Live Code: the rocket icon's "Live Code" turns the page's code cells into editable cells that run
 * on a Jupyter kernel, with thebe (the version in THEBE_JS_URL, set by scripts/live_code.py).
 *
 * This replaces sphinx-thebe 0.3.1's sphinx-thebe.js (MIT licence, (c) 2018 Chris Holdgraf), which
 * was written for thebe 0.8: with thebe 0.9 its status hook and its `thebe-init` run-button class
 * no longer match, and it cannot select a Jupyter server instead of Binder. The selectors come
 * from `thebe_config` in _config.yml (thebe_selector, thebe_selector_input, thebe_selector_output):
 * a cell is live only if its input is on the page, so the output of a `remove-input` cell (for
 * example a helpers.show_source listing, itself a <pre>) never becomes a code cell.
 *
 * The page's `text/x-thebe-config` blocks are merged by thebe; a block with `useBinder: false`
 * and `serverSettings` (baseUrl, token) runs the cells on that Jupyter server instead of Binder
 * (tests/browser/test_thebe.py does this with a local server).
 */
(function () {
  "use strict";

  function button() {
    return document.querySelector(".thebe-launch-button");
  }

  function say(text) {
    var b = button();
    if (b) b.textContent = text;
  }

  // Mark each cell whose input is on the page as executable, its output next to it.
  function markCells() {
    document.querySelectorAll(thebe_selector).forEach(function (cell) {
      var input = cell.querySelector(thebe_selector_input);
      if (!input) return;
      input.setAttribute("data-executable", "true");
      input.setAttribute("data-language", "python");
      var output = cell.querySelector(thebe_selector_output);
      if (output) {
        output.setAttribute("data-output", "");
        input.insertAdjacentElement("afterend", output);
      }
      cell.querySelectorAll("button.copybtn").forEach(function (el) {
        el.remove();
      });
    });
  }

  // Cells tagged `thebe-init` (the chapter's setup) run once, as soon as the kernel is ready
  // (thebe reports the session ready again later; running a cell again cancels its first run).
  var initDone = false;
  function runInitCells() {
    if (initDone) return;
    initDone = true;
    document.querySelectorAll(".tag_thebe-init .thebe-run-button").forEach(function (run) {
      run.click();
    });
  }

  function start() {
    var config = thebe.getPageConfig();
    var useBinder = config.useBinder !== false;
    thebe.on("status", function (name, data) {
      if (data.subject === "session" && data.status === "ready") {
        say("Live Code: kernel ready");
        runInitCells();
      } else if (data.status === "error" || /error/.test(String(data.status))) {
        say("Live Code: " + (data.message || "could not start a kernel"));
      } else if (data.subject === "server" || data.subject === "session") {
        say("Live Code: " + (useBinder ? "launching from mybinder.org, " : "") + data.status);
      }
    });
    markCells();
    // thebe 0.9's bootstrap() would ignore the page's `useBinder`; MathJax 2 is not loaded (the
    // page has its own MathJax, and the outputs here need none).
    thebe.bootstrap({ useBinder: useBinder, requestKernel: true, mathjaxUrl: "" });
  }

  window.initThebe = function () {
    if (document.querySelector(".thebe-cell")) return; // already live
    if (typeof thebe !== "undefined") return start();
    say("Live Code: loading thebe");
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = THEBE_JS_URL.replace(/index\.js$/, "thebe.css");
    document.head.appendChild(css);
    var script = document.createElement("script");
    script.src = THEBE_JS_URL;
    script.addEventListener("load", start);
    script.addEventListener("error", function () {
      say("Live Code: could not load thebe");
    });
    document.head.appendChild(script);
  };
})();
