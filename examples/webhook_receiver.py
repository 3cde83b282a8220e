#!/usr/bin/env python
"""A webhook receiver that checks each request's signature (standard library only).

    WEBHOOK_SECRET='the secret webhooks add printed' python examples/webhook_receiver.py 8080

then ``manage.py webhooks add http://127.0.0.1:8080/hooks --secret "$WEBHOOK_SECRET"``.
"""

import hashlib
import hmac
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer


def verify(secret: str, body: bytes, signature_header: str) -> bool:
    """True when ``X-Clientes-Signature`` is the HMAC-SHA256 of the raw body.

    Compute it over the bytes as received, before any JSON parsing, and
    compare in constant time.
    """
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature_header or "")


class Receiver(BaseHTTPRequestHandler):
    seen = set()  # a real receiver keeps these in its database

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if not verify(os.environ["WEBHOOK_SECRET"], body, self.headers["X-Clientes-Signature"]):
            self.send_response(401)
            self.end_headers()
            return
        delivery = self.headers["X-Clientes-Delivery"]
        if delivery not in self.seen:  # at-least-once: a retry repeats the id
            change = json.loads(body)
            print(self.headers["X-Clientes-Event"], change["client"]["code"], change["cursor"])
            self.seen.add(delivery)
        self.send_response(204)  # any 2xx: delivered
        self.end_headers()


if __name__ == "__main__":
    HTTPServer(("127.0.0.1", int(sys.argv[1])), Receiver).serve_forever()
