"""The analysts' preview: a page on 127.0.0.1 that is rebuilt when a file is saved, built
into .cache/preview/ and never into output/."""

import json
import socket
import threading
import time
import urllib.request

import psutil
import pytest

from statusrapport.build import hashing, pipeline, preview
from statusrapport.errors import StatusrapportError


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as resp:
        return resp.read().decode("utf-8")


def wait_for_version(port, version, seconds=600):
    end, status = time.monotonic() + seconds, None
    while time.monotonic() < end:
        try:
            status = json.loads(get(port, "/_status"))
        except OSError:  # the server thread has not bound its port yet
            status = None
        if status and status["version"] >= version:
            return status
        time.sleep(0.3)
    raise AssertionError(f"ingen bygging nr. {version} på {seconds} s: {status}")


def test_server_gives_the_reloading_page_the_status_and_the_built_files(tmp_path):
    (tmp_path / "2026").mkdir()
    (tmp_path / "2026" / "statusrapport.html").write_text("<p>rapporten</p>", encoding="utf-8")
    state = preview.State()
    port = free_port()
    server = preview.serve(tmp_path, state, port)
    try:
        page = get(port, "/")
        assert "Forhåndsvisning" in page and 'fetch("/_status"' in page
        assert json.loads(get(port, "/_status")) == {"version": 0, "page": None, "ok": True,
                                                      "message": "Bygger …"}
        state.update(version=3, page="/2026/statusrapport.html", message="Bygget")
        assert json.loads(get(port, "/_status"))["version"] == 3
        assert get(port, "/2026/statusrapport.html?v=3") == "<p>rapporten</p>"
        with pytest.raises(StatusrapportError, match=f"porten {port} er i bruk.*--port {port + 1}"):
            preview.serve(tmp_path, state, port)
    finally:
        server.shutdown()
        server.server_close()


def test_preview_rebuilds_when_a_narrative_is_saved_and_leaves_output_alone(published_copy):
    project = published_copy
    before = hashing.tree_state(project / "output")
    opt = pipeline.Options(root=project, params=project / "params" / "2026.yml",
                           formats=("html",), jobs=1)
    port, said, stop = free_port(), [], threading.Event()
    runner = threading.Thread(target=preview.run, args=(opt, port, said.append, stop))
    runner.start()
    try:
        first = wait_for_version(port, 1)
        assert first["ok"] and first["page"] == "/2026/statusrapport.html", first
        assert "Ny setning fra forhåndsvisningen" not in get(port, first["page"])
        text = project / "data" / "narrative" / "2026" / "finansiering.md"
        text.write_text(text.read_text(encoding="utf-8") + "\n\nNy setning fra forhåndsvisningen.\n",
                        encoding="utf-8")
        second = wait_for_version(port, 2)
        assert second["ok"], second
        assert "Ny setning fra forhåndsvisningen." in get(port, second["page"])
    finally:
        stop.set()
        runner.join(600)
    assert not runner.is_alive()
    assert hashing.tree_state(project / "output") == before  # the published edition is untouched
    assert (project / ".cache" / "preview" / "2026" / "statusrapport.html").is_file()
    assert any("bygget på" in line for line in said)
    commands = [" ".join(p.cmdline()) for p in psutil.Process().children(recursive=True)]
    left = [c for c in commands if "ipykernel" in c or "spawn_main" in c]
    assert left == []  # workers and their kernels end with the preview
