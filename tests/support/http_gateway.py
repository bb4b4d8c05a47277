#!/usr/bin/env python3
"""http_gateway.py - a small HTTP(S) SMS gateway for the tests of the driver's HTTP channel.

Standard library only. Prints "listening <port>" once, then one JSON line per request on stdout
*before* it acts on it, so a test can count what reached the gateway:
  {"n": 1, "method": "POST", "path": "/send", "params": {"to": ["4917..."], ...},
   "client_port": 53412, "connection": 1}

What it does is chosen by the path (any query or form parameters are the message's):
  /send              200, body "<--success> id=<n>"  (default success "ACK")
  /status/<code>     that status; the body echoes the request's parameters, as careless
                     gateways do ("bad request: to=...&password=...")
  /retry-after/<s>   503 with "Retry-After: <s>"
  /slow/<ms>         wait <ms>, then as /send
  /reset             read the whole request, then reset the connection (RST): outcome unknown
  /close             read the whole request, then close without a response
  /send-then-close   as /send, then close the connection (kept alive as far as the client
                     knows: a gateway closing an idle connection)
Options: --port (0: any), --tls-cert/--tls-key (HTTPS), --success TEXT.
"""
import argparse
import json
import socket
import ssl
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

lock = threading.Lock()
counter = {"n": 0, "connections": 0}


def emit(record):
    with lock:
        sys.stdout.write(json.dumps(record, sort_keys=True) + "\n")
        sys.stdout.flush()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    timeout = 60
    success = "ACK"

    def setup(self):
        super().setup()
        with lock:
            counter["connections"] += 1
            self.connection_number = counter["connections"]

    def log_message(self, *args):
        pass

    def reply(self, status, body, headers=()):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def handle_request(self, method):
        url = urlsplit(self.path)
        raw = url.query
        if method == "POST":
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length).decode("utf-8", "replace")
        with lock:
            counter["n"] += 1
            n = counter["n"]
        params = parse_qs(raw, keep_blank_values=True)
        emit({"n": n, "method": method, "path": url.path, "query": url.query,
              "params": params, "raw": raw, "client_port": self.client_address[1],
              "connection": self.connection_number,
              "content_type": self.headers.get("Content-Type", "")})
        parts = url.path.strip("/").split("/")
        action = parts[0] if parts else ""
        if action == "send":
            self.reply(200, f"{self.success} id={n}")
        elif action == "send-then-close":
            self.reply(200, f"{self.success} id={n}")
            self.close_connection = True
        elif action == "status":
            self.reply(int(parts[1]), f"refused: {raw}")
        elif action == "retry-after":
            self.reply(503, "busy, try later", [("Retry-After", parts[1])])
        elif action == "slow":
            time.sleep(int(parts[1]) / 1000.0)
            self.reply(200, f"{self.success} id={n}")
        elif action == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
        elif action == "close":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
        else:
            self.reply(404, "no such path")

    def do_GET(self):
        self.handle_request("GET")

    def do_POST(self):
        self.handle_request("POST")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default listen backlog is 5: a client opening its
    # x-http-max-concurrent-requests connections at once while this process is slow to accept
    # (a loaded machine) has SYNs dropped and sent again a second later, past a 1 s
    # x-http-connect-timeout.
    request_queue_size = 128

    def handle_error(self, request, client_address):
        pass  # a client that resets or fails TLS is what the tests do on purpose


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--success", default="ACK")
    a = p.parse_args()
    Handler.success = a.success
    server = Server(("127.0.0.1", a.port), Handler)
    if a.tls_cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.tls_cert, a.tls_key)
        # The handshake happens in the connection's thread, on its first read: a client that
        # gives up on it (an untrusted certificate) does not stall the server.
        server.socket = ctx.wrap_socket(server.socket, server_side=True,
                                        do_handshake_on_connect=False)
    emit({"listening": server.server_address[1]})
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
