#!/usr/bin/env python3
"""bench/first-token.py: time to the first token of a streamed completion, straight from the
mock upstream and through AILoad (docs/performance.md, "Time to first token").

  bench/first-token.py [--requests=N] [--aiload=BIN ...]

For each AILoad binary given (default build/Application/aiload), it starts the binary in front
of one aiload-mock and sends N streamed chat completions one after the other, each on a new
connection, measuring from the request's first byte to the arrival of the first event that
carries `choices`. The mock sends that event right after its head, so any time the gateway
adds (holding the head until that event, reading usage) shows up here. Prints p50, p90, p99.
"""
import json, os, socket, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MOCK = os.path.join(ROOT, "build/test/aiload-mock")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit("nothing listens on %d" % port)


def first_token(port, path, token):
    # The client asks for usage itself: every gateway then sends the upstream the same body, and
    # the upstream does the same work, so what differs is the gateway's.
    body = json.dumps({"model": "auto", "stream": True, "stream_options": {"include_usage": True},
                       "messages": [{"role": "user", "content": "hi"}]}).encode()
    head = ("POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\n"
            "Content-Length: %d\r\nConnection: close\r\n\r\n" % (path, token, len(body))).encode()
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        start = time.perf_counter()
        s.sendall(head + body)
        seen = b""
        while b'"choices"' not in seen:
            piece = s.recv(65536)
            if not piece:
                sys.exit("the stream ended before its first token")
            seen += piece
        return (time.perf_counter() - start) * 1000


def measure(label, port, path, token, n):
    for _ in range(20):
        first_token(port, path, token)  # warm-up
    times = sorted(first_token(port, path, token) for _ in range(n))
    pick = lambda q: times[min(len(times) - 1, int(q * len(times)))]
    print("%-40s p50 %6.3f ms   p90 %6.3f ms   p99 %6.3f ms" % (label, pick(0.5), pick(0.9), pick(0.99)))


def main():
    n = 300
    binaries = []
    for arg in sys.argv[1:]:
        if arg.startswith("--requests="):
            n = int(arg.split("=", 1)[1])
        elif arg.startswith("--aiload="):
            binaries.append(arg.split("=", 1)[1])
    binaries = binaries or [os.path.join(ROOT, "build/Application/aiload")]
    mock_port = free_port()
    processes = [subprocess.Popen([MOCK, "--port=%d" % mock_port, "--events=3", "--interval-ms=20"], stdout=subprocess.DEVNULL)]
    try:
        wait_port(mock_port)
        measure("mock upstream, direct", mock_port, "/v1/chat/completions", "x", n)
        for binary in binaries:
            port = free_port()
            folder = tempfile.mkdtemp()
            config = os.path.join(folder, "config.json")
            with open(config, "w") as f:
                json.dump({"auth_token": "sk-bench", "models": [{"name": "m", "model": "mock-model",
                           "base_url": "http://127.0.0.1:%d/v1" % mock_port}], "server": {"host": "127.0.0.1", "port": port}}, f)
            os.chmod(config, 0o600)
            processes.append(subprocess.Popen([binary, "--properties=" + os.path.join(ROOT, "etc/aiload.properties"),
                                               "-Daiload.config=" + config, "-Daiload.accessLog.path=" + os.path.join(folder, "access.log"),
                                               "-Dlogging.loggers.root.level=warning"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            wait_port(port)
            measure("through " + os.path.relpath(binary, ROOT), port, "/v1/chat/completions", "sk-bench", n)
    finally:
        for p in processes:
            p.terminate()
            p.wait()


main()
