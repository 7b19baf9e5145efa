"""The editor's YAML language server accepts the sample catalogues with our schemas.

Runs Red Hat's ``yaml-language-server`` (the server behind VS Code's YAML extension)
over LSP and checks that every sample YAML file under ``catalogs/`` gets no schema
diagnostics through its ``# yaml-language-server: $schema=...`` modeline, and that a
deliberately broken item does get one (so the first test cannot pass vacuously).

Skipped when ``yaml-language-server`` is not on PATH
(install with ``npm install -g yaml-language-server``).
"""

from __future__ import annotations

import json
import queue
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

SERVER = shutil.which("yaml-language-server")
if SERVER is None:
    pytest.skip(
        "yaml-language-server not on PATH (npm install -g yaml-language-server)",
        allow_module_level=True,
    )

ROOT = Path(__file__).resolve().parents[1]
CATALOGS = ROOT / "catalogs"
SCHEMAS = ROOT / "schemas"
SAMPLE_FILES = sorted(CATALOGS.rglob("*.yaml"))

YAML_SETTINGS = {
    "validate": True,
    "hover": False,
    "completion": False,
    "format": {"enable": False},
    "schemaStore": {"enable": False},
    "kubernetesCRDStore": {"enable": False},
    "schemas": {},
}
SEVERITY = {1: "Error", 2: "Warning", 3: "Information", 4: "Hint"}

START_TIMEOUT = 10.0  # initialize round trip
DIAG_TIMEOUT = 10.0  # until every opened file has had diagnostics published
SETTLE = 0.4  # quiet period after the last publication, for re-validations


class LspClient:
    """A minimal LSP client over the server's stdio (Content-Length framed JSON-RPC)."""

    def __init__(self, root: Path) -> None:
        self.proc = subprocess.Popen(
            [SERVER, "--stdio"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=root,
        )
        self._next_id = 0
        self._write_lock = threading.Lock()
        self._responses: dict[int, queue.Queue] = {}
        self.notifications: queue.Queue = queue.Queue()
        self.config_served = threading.Event()
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()

    # -- wire -------------------------------------------------------------------------
    def _send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}, ensure_ascii=False).encode("utf-8")
        with self._write_lock:
            assert self.proc.stdin is not None
            self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.proc.stdin.flush()

    def _read_message(self) -> dict | None:
        stream = self.proc.stdout
        assert stream is not None
        length = None
        while True:
            line = stream.readline()
            if not line:
                return None
            line = line.strip()
            if not line:
                break
            name, _, value = line.decode("ascii").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
        if length is None:
            return None
        return json.loads(stream.read(length).decode("utf-8"))

    def _read_loop(self) -> None:
        try:
            while (msg := self._read_message()) is not None:
                if "method" in msg and "id" in msg:
                    self._answer(msg)
                elif "method" in msg:
                    self.notifications.put(msg)
                elif msg.get("id") in self._responses:
                    self._responses[msg["id"]].put(msg)
        except (OSError, ValueError):
            pass

    def _answer(self, request: dict) -> None:
        """Reply to server->client requests so the server never waits on us."""
        method, params = request["method"], request.get("params") or {}
        result = None
        if method == "workspace/configuration":
            result = []
            for item in params.get("items", []):
                section = item.get("section")
                result.append(YAML_SETTINGS if section == "yaml" else None if section == "[yaml]" else {})
            self.config_served.set()
        elif method == "workspace/workspaceFolders":
            result = [{"uri": ROOT.as_uri(), "name": ROOT.name}]
        # client/registerCapability, window/workDoneProgress/create, ...: null is fine.
        try:
            self._send({"id": request["id"], "result": result})
        except OSError:
            pass

    # -- API ---------------------------------------------------------------------------
    def request(self, method: str, params: dict | None, timeout: float) -> dict:
        self._next_id += 1
        rid = self._next_id
        box: queue.Queue = queue.Queue()
        self._responses[rid] = box
        self._send({"id": rid, "method": method, "params": params})
        try:
            reply = box.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(f"no reply to {method} within {timeout}s") from None
        finally:
            self._responses.pop(rid, None)
        if "error" in reply:
            raise RuntimeError(f"{method} failed: {reply['error']}")
        return reply.get("result")

    def notify(self, method: str, params: dict | None) -> None:
        self._send({"method": method, "params": params})

    def start(self, root: Path) -> None:
        self.request(
            "initialize",
            {
                "processId": None,
                "rootUri": root.as_uri(),
                "rootPath": str(root),
                "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
                "capabilities": {
                    "workspace": {
                        "configuration": True,
                        "workspaceFolders": True,
                        "didChangeConfiguration": {"dynamicRegistration": False},
                    },
                    "textDocument": {"publishDiagnostics": {"relatedInformation": True}},
                },
                "initializationOptions": {},
            },
            timeout=START_TIMEOUT,
        )
        self.notify("initialized", {})
        # The server ignores the pushed settings and pulls them via workspace/configuration.
        self.notify("workspace/didChangeConfiguration", {"settings": {"yaml": YAML_SETTINGS}})
        if not self.config_served.wait(START_TIMEOUT):
            raise TimeoutError("server never asked for its configuration")

    def diagnose(self, files: dict[Path, str]) -> dict[Path, list[dict]]:
        """Open the files and return the last diagnostics published for each of them."""
        by_uri = {path.as_uri(): path for path in files}
        latest: dict[str, list[dict]] = {}
        for path, text in files.items():
            self.notify(
                "textDocument/didOpen",
                {"textDocument": {"uri": path.as_uri(), "languageId": "yaml", "version": 1, "text": text}},
            )
        deadline = time.monotonic() + DIAG_TIMEOUT
        last_seen = time.monotonic()
        while True:
            now = time.monotonic()
            done = len(latest) == len(by_uri)
            if done and now - last_seen >= SETTLE:
                break
            if now >= deadline:
                break
            wait = min(deadline - now, SETTLE if done else 0.2)
            try:
                msg = self.notifications.get(timeout=max(wait, 0.01))
            except queue.Empty:
                continue
            if msg["method"] == "textDocument/publishDiagnostics" and msg["params"]["uri"] in by_uri:
                latest[msg["params"]["uri"]] = msg["params"]["diagnostics"]
                last_seen = time.monotonic()
        for uri in by_uri:
            self.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        missing = sorted(str(by_uri[u]) for u in by_uri if u not in latest)
        assert not missing, f"no diagnostics published within {DIAG_TIMEOUT}s for: {missing}"
        return {by_uri[uri]: diags for uri, diags in latest.items()}

    def close(self) -> None:
        try:
            if self.proc.poll() is None:
                self.request("shutdown", None, timeout=2)
                self.notify("exit", None)
                self.proc.wait(timeout=2)
        except Exception:
            pass
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(timeout=5)
            for stream in (self.proc.stdin, self.proc.stdout):
                try:
                    stream.close()
                except Exception:
                    pass


@pytest.fixture(scope="module")
def lsp():
    client = LspClient(ROOT)
    try:
        client.start(ROOT)
        yield client
    finally:
        client.close()


def _problems(diagnostics: list[dict]) -> list[dict]:
    return [d for d in diagnostics if d.get("severity", 1) in (1, 2)]


def _fmt(path: Path, d: dict) -> str:
    start = d["range"]["start"]
    return f"{path}:{start['line'] + 1}:{start['character'] + 1}: {SEVERITY.get(d.get('severity', 1))}: {d['message']}"


def test_samples_have_no_editor_diagnostics(lsp):
    assert len(SAMPLE_FILES) > 10, "sample catalogues not found"
    for path in SAMPLE_FILES:
        assert path.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema="), path
    results = lsp.diagnose({p: p.read_text(encoding="utf-8") for p in SAMPLE_FILES})
    offending = [_fmt(p, d) for p, diags in sorted(results.items()) for d in _problems(diags)]
    assert not offending, "yaml-language-server reported:\n" + "\n".join(offending)


BROKEN_ITEM = """\
# yaml-language-server: $schema=../../../schemas/item.schema.json
id: BAD-001
name: 坏事项
category: 行政检查
flw: LC-TYPO
disclosure:
  scope: 不予公开
"""


def test_broken_item_is_reported(lsp, tmp_path):
    sample = sorted(p for p in CATALOGS.iterdir() if (p / "items").is_dir())[0]
    shutil.copytree(SCHEMAS, tmp_path / "schemas")
    catalog = tmp_path / "catalogs" / sample.name
    shutil.copytree(sample, catalog)
    good = sorted((catalog / "items").glob("*.yaml"))[0]
    bad = catalog / "items" / "BAD-001.yaml"
    bad.write_text(BROKEN_ITEM, encoding="utf-8")

    results = lsp.diagnose({p: p.read_text(encoding="utf-8") for p in (good, bad)})

    # The copied sample still validates cleanly from its new location ...
    assert not _problems(results[good]), [_fmt(good, d) for d in results[good]]
    # ... while the broken item is flagged for the unknown key and the missing reason.
    messages = [d["message"] for d in _problems(results[bad])]
    report = "\n".join(_fmt(bad, d) for d in results[bad])
    assert messages, "no diagnostics for the broken item"
    assert any("flw" in m for m in messages), report
    assert any("reason" in m for m in messages), report
