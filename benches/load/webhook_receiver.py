"""A webhook receiver for the load benchmark: answers 204 at once and
records, per message, how long after its event it arrived (the payload's
`timestamp` to arrival). On SIGTERM it writes
{"count", "p50_ms", "p99_ms", "max_ms", "ids"} to the file named."""
import json, signal, sys, threading, time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, out = int(sys.argv[1]), sys.argv[2]
lags, ids, lock = [], set(), threading.Lock()


class Hook(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        now = time.time()
        at = datetime.fromisoformat(json.loads(body)["timestamp"].replace("Z", "+00:00")).timestamp()
        with lock:
            lags.append((now - at) * 1000)
            ids.add(self.headers.get("webhook-id"))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def finish(*_):
    with lock:
        s = sorted(lags)
        pick = lambda q: s[min(len(s) - 1, int(q * len(s)))] if s else 0
        json.dump({"count": len(s), "unique": len(ids), "p50_ms": pick(0.5),
                   "p99_ms": pick(0.99), "max_ms": s[-1] if s else 0}, open(out, "w"))
    sys.exit(0)


signal.signal(signal.SIGTERM, finish)
# The default listen backlog (5) drops the sender's parallel connections,
# which then wait out TCP retransmits: what would be measured is this script.
ThreadingHTTPServer.request_queue_size = 1024
server = ThreadingHTTPServer(("127.0.0.1", port), Hook)
threading.Thread(target=server.serve_forever, daemon=True).start()
while True:
    time.sleep(3600)
