"""A real HTTP receiver on 127.0.0.1, in the test process, that records what it gets."""

import collections
import contextlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    """Answers each POST with the next scripted answer (200 when none is left):
    a status code, ``"hang"`` (no answer until the test ends), ``"redirect"``,
    ``"huge"`` (200 with a body of many megabytes) or ``"close"`` (200 with
    ``Connection: close``)."""

    def __init__(self):
        self.requests = []
        self.script = collections.deque()
        self.delay = 0.0
        self.released = threading.Event()
        self.received = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                with receiver.received:
                    receiver.requests.append(
                        {
                            "path": self.path,
                            "headers": dict(self.headers.items()),
                            "body": body,
                            "at": time.time(),
                        }
                    )
                    answer = receiver.script.popleft() if receiver.script else 200
                    receiver.received.notify_all()
                if receiver.delay:
                    time.sleep(receiver.delay)
                with contextlib.suppress(OSError):  # the worker hangs up on a huge body
                    self.answer(answer)

            def answer(self, answer):
                if answer == "hang":
                    receiver.released.wait(30)
                    return
                if answer == "redirect":
                    self.send_response(302)
                    self.send_header("Location", f"http://127.0.0.1:{receiver.port}/moved")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if answer == "close":  # as many servers answer "Connection: close"
                    self.send_response(200)
                    self.send_header("Connection", "close")
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                    self.close_connection = True
                    return
                if answer == "huge":
                    chunk, chunks = b"x" * 1_048_576, 64
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(chunk) * chunks))
                    self.end_headers()
                    for _ in range(chunks):
                        self.wfile.write(chunk)
                    return
                self.send_response(answer)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/hooks"

    def wait_for(self, count, timeout=10):
        """Until ``count`` requests arrived; the requests."""
        with self.received:
            self.received.wait_for(lambda: len(self.requests) >= count, timeout)
            return list(self.requests)

    def close(self):
        self.released.set()
        self.server.shutdown()
        self.server.server_close()
