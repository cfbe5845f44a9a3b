"""A backend whose GET /health answers 200 until the file FLAG exists; then 302 to what FLAG holds.

    python3 redirecting_health.py PORT HOST FLAG

/inside answers 200 too (a redirect target within the backend). Every request is logged to
stderr, so a test can tell whether a check reached this server.
"""
import http.server
import os
import sys

port, host, flag = int(sys.argv[1]), sys.argv[2], sys.argv[3]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/health" and os.path.exists(flag):
            with open(flag) as f:
                location = f.read().strip()
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path in ("/health", "/inside"):
            body = b'{"status":"ok"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()


http.server.ThreadingHTTPServer((host, port), Handler).serve_forever()
