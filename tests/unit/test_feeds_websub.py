"""tools/websub.py against a real HTTP hub stand-in on 127.0.0.1."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qsl

import pytest

from tools.websub import PingResult, WebSubError, feed_urls_from_opml, ping_hub


class Hub:
    """Records every publish request; answers with `status`."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, list[tuple[str, str]]]] = []
        self.status = 204
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers["Content-Length"])
                body = self.rfile.read(length).decode("ascii")
                hub.requests.append((self.path, self.headers["Content-Type"], parse_qsl(body)))
                self.send_response(hub.status)
                self.end_headers()
                if hub.status >= 400:
                    self.wfile.write(b"topic not allowed")

            def log_message(self, *args: object) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hub"


@pytest.fixture
def hub() -> Iterator[Hub]:
    hub = Hub()
    thread = threading.Thread(target=hub.server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield hub
    hub.server.shutdown()
    hub.server.server_close()
    thread.join()


FEEDS = [
    "https://portal.example.org/feeds/all.atom.xml",
    "https://portal.example.org/feeds/all.rss.xml",
    "https://portal.example.org/feeds/city/seoul.atom.xml",
]


def test_a_ping_posts_hub_mode_publish_with_every_feed_url(hub: Hub):
    results = ping_hub(hub.url, FEEDS)
    assert results == [PingResult(tuple(FEEDS), 204, "No Content")]
    [(path, content_type, form)] = hub.requests
    assert path == "/hub"
    assert content_type == "application/x-www-form-urlencoded"
    assert form == [("hub.mode", "publish")] + [("hub.url", url) for url in FEEDS]


def test_many_feeds_go_in_batches_and_duplicates_once(hub: Hub):
    results = ping_hub(hub.url, FEEDS + FEEDS[:1], batch_size=2)
    assert [len(r.topics) for r in results] == [2, 1]
    sent = [value for _, _, form in hub.requests for key, value in form if key == "hub.url"]
    assert sent == FEEDS


def test_a_refusing_hub_raises_with_its_answer(hub: Hub):
    hub.status = 400
    with pytest.raises(WebSubError) as error:
        ping_hub(hub.url, FEEDS)
    assert "400" in str(error.value) and "topic not allowed" in str(error.value)
    assert error.value.results[0].status == 400


def test_an_unreachable_hub_raises():
    server = HTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = server.server_port
    server.server_close()  # nothing listens on this port any more
    with pytest.raises(WebSubError) as error:
        ping_hub(f"http://127.0.0.1:{port}/", FEEDS, timeout=2)
    assert error.value.results[0].status is None


def test_a_hub_url_must_be_http():
    with pytest.raises(ValueError, match="hub_url"):
        ping_hub("ftp://hub.example/", FEEDS)


def test_the_feed_urls_come_from_the_opml_file(tmp_path):
    opml = tmp_path / "feeds.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head/><body>'
        '<outline text="Atom">'
        f'<outline type="rss" text="a" xmlUrl="{FEEDS[0]}"/>'
        f'<outline type="rss" text="b" xmlUrl="{FEEDS[1]}"/></outline>'
        f'<outline text="again"><outline type="rss" text="a" xmlUrl="{FEEDS[0]}"/></outline>'
        "</body></opml>",
        encoding="utf-8",
    )
    assert feed_urls_from_opml(opml) == FEEDS[:2]
