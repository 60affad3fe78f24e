"""A real Jupyter server for browser tests, started from the test's own environment (.venv).

    from tests.browser.jupyter_test_server import start_jupyter_server

    with start_jupyter_server(ROOT) as server:
        page.goto(server.url_for("lab/tree/book/cross-correlation.md"))

    server = shared_jupyter_server(request.session)  # in a fixture: one per pytest process

The server listens on 127.0.0.1 on a free port, with a random token, serves ``root_dir`` and runs
JupyterLab with the same lab settings as Binder: ``binder/jupyter`` is on the Jupyter config path
(Binder's ``postBuild`` installs the same file), so a chapter's ``.md`` file opens as a notebook
exactly as it does from a Binder launch link. ``binder/local`` adds what only a checkout needs:
no autosave; and checkpoints go to a temporary directory, so the checkout is never written to.
Everything else the user may have configured (``~/.jupyter``, user-installed extensions or
kernels, saved workspaces) is kept out: config, data and runtime directories are fresh temporary
ones. The server, and every kernel it started, is stopped when the ``with`` block ends.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[2]
# The lab settings Binder uses (binder/postBuild copies them into ~/.jupyter), and, in a checkout
# only, no autosave (binder/local): running a chapter must not rewrite its .md file.
CONFIG_PATH = [REPO / "binder" / "local", REPO / "binder" / "jupyter"]
START_TIMEOUT = 120.0  # seconds; a cold JupyterLab start on a loaded 2-core machine takes ~5-20 s
STOP_TIMEOUT = 20.0


@dataclass(frozen=True)
class JupyterServer:
    """A running server. ``url`` ends with ``/``; requests need ``token`` (``url_for`` adds it)."""

    url: str
    token: str
    port: int
    root_dir: Path
    log_path: Path

    def url_for(self, path: str = "lab") -> str:
        """The browser URL for ``path`` (e.g. ``lab/tree/book/intro.md``), token included."""
        separator = "&" if "?" in path else "?"
        return f"{self.url}{quote(path, safe='/?=&')}{separator}token={self.token}"

    def api(self, path: str, method: str = "GET", body: dict | None = None):
        """Call the REST API (``api/...``) and return the decoded JSON (None for an empty reply)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.url + path,
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as reply:
            text = reply.read()
        return json.loads(text) if text else None

    def log(self) -> str:
        """Everything the server printed so far (for failure messages)."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_command(
    root_dir: Path, port: int, token: str, checkpoints: Path, extra_args: Sequence[str]
) -> list[str]:
    return [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root_dir}",
        # Checkpoints (made when a file is opened) go to the temporary directory, not the checkout.
        f"--FileCheckpoints.checkpoint_dir={checkpoints}",
        "--allow-root",  # CI containers run as root
        # Offline: no news feed, no update check, no extension search on PyPI.
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
        *extra_args,
    ]


def _ready(server: JupyterServer, process: subprocess.Popen, deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Jupyter server exited with {process.returncode}:\n{server.log()}")
        with contextlib.suppress(urllib.error.URLError, ConnectionError, TimeoutError):
            server.api("api/status")
            return
        time.sleep(0.25)
    raise TimeoutError(f"Jupyter server not ready after {START_TIMEOUT:.0f} s:\n{server.log()}")


def _stop(server: JupyterServer, process: subprocess.Popen) -> None:
    # A clean shutdown stops the kernels too; the process group catches anything left behind.
    with contextlib.suppress(Exception):
        server.api("api/shutdown", method="POST")
    try:
        process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # orphaned kernels, if any


@contextlib.contextmanager
def start_jupyter_server(
    root_dir: Path | str = REPO,
    *,
    extra_args: Sequence[str] = (),
    env: dict[str, str] | None = None,
    timeout: float = START_TIMEOUT,
) -> Iterator[JupyterServer]:
    """Start JupyterLab on 127.0.0.1 serving ``root_dir``; yield a ``JupyterServer`` once ready.

    ``extra_args`` go to the server's command line (e.g. ``--ServerApp.allow_origin=...`` for a
    page on another origin); ``env`` adds environment variables for the server and its kernels.
    """
    root = Path(root_dir).resolve()
    with tempfile.TemporaryDirectory(prefix="jupyter-test-") as tmp:
        home = Path(tmp)
        server_env = {
            **os.environ,
            "JUPYTER_CONFIG_DIR": str(home / "config"),
            "JUPYTER_CONFIG_PATH": os.pathsep.join(map(str, CONFIG_PATH)),
            "JUPYTER_DATA_DIR": str(home / "data"),
            "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
            **(env or {}),
        }
        token = secrets.token_hex(16)
        log_path = home / "server.log"
        for attempt in range(3):  # a free port can be taken between choosing and binding it
            port = free_port()
            server = JupyterServer(f"http://127.0.0.1:{port}/", token, port, root, log_path)
            with log_path.open("w") as log:
                process = subprocess.Popen(
                    server_command(root, port, token, home / "checkpoints", extra_args),
                    cwd=root,
                    env=server_env,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            try:
                _ready(server, process, time.monotonic() + timeout)
                break
            except RuntimeError:
                _stop(server, process)
                if attempt == 2 or "address already in use" not in server.log().lower():
                    raise
            except BaseException:
                _stop(server, process)
                raise
        try:
            yield server
        finally:
            _stop(server, process)


# What the browser test modules need from the one server they share: test_lab reads the notebook's
# model in the page; test_thebe's built site (127.0.0.1, a port chosen per module) calls it.
SHARED_ARGS = (
    "--LabApp.expose_app_in_browser=True",
    r"--ServerApp.allow_origin_pat=http://127\.0\.0\.1:\d+",
)
_shared: list[JupyterServer] = []


def shared_jupyter_server(session) -> JupyterServer:
    """The server every browser test module of a pytest process (one xdist worker) shares: started
    on first use, stopped when the pytest ``session`` ends. A module shuts its own kernels down."""
    if not _shared:
        stop = contextlib.ExitStack()
        _shared.append(stop.enter_context(start_jupyter_server(REPO, extra_args=SHARED_ARGS)))
        session.addfinalizer(stop.close)
        session.addfinalizer(_shared.clear)
    return _shared[0]
