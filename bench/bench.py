"""The Python contender of sslwrap-bench: CPython's ssl, the same workloads.

Run by the benchmark (never by hand), with OPENSSL_CONF pointing at a file
that pins the TLS 1.3 suite and X25519 (Python 3.11 has no API for either):

  bench.py bulk  CA CERT KEY SUITE SIZE WRITES  -> MB/s
  bench.py hs    CA CERT KEY SUITE N RESUME     -> handshakes/s
  bench.py mem   CA CERT KEY SUITE ROLE PORT N WARM -> "RSS0 RSS1 HEAP0 HEAP1" (bytes)

Client and server are threads of this one process (the GIL is part of
Python's cost), every socket has TCP_NODELAY, as in the Rust contenders.
"""

import ctypes
import os
import socket
import ssl
import sys
import threading
import time

ECHO = 16384


def contexts(ca, cert, key):
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert, key)
    server.minimum_version = ssl.TLSVersion.TLSv1_3
    client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client.load_verify_locations(ca)
    client.minimum_version = ssl.TLSVersion.TLSv1_3
    return client, server


def nodelay(sock):
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def connect(port):
    return nodelay(socket.create_connection(("127.0.0.1", port)))


def check(conn, suite):
    name = conn.cipher()[0]
    if name != suite:
        sys.exit(f"python negotiated {name}, not {suite}: OPENSSL_CONF not applied")


def payload(n):
    return bytes((i * 7 + 3) & 0xFF for i in range(n))


class _Mallinfo2(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
        "uordblks", "fordblks", "keepcost")]


def heap():
    """malloc's bytes in use (uordblks + hblkhd), as the Rust side reports;
    pymalloc's own arenas (Python objects) are not in it."""
    libc = ctypes.CDLL(None)
    libc.mallinfo2.restype = _Mallinfo2
    m = libc.mallinfo2()
    return m.uordblks + m.hblkhd


# The CPUs this process may run on, read before any thread pins itself.
CPUS = sorted(os.sched_getaffinity(0))


def pin():
    """As the Rust contenders: the client and the server thread both on the
    first of the process's CPUs."""
    os.sched_setaffinity(0, {CPUS[0]})


def rss():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def bulk(cctx, sctx, suite, size, writes):
    lsock = socket.create_server(("127.0.0.1", 0))
    port = lsock.getsockname()[1]
    warm = max(writes // 8, 1)
    errors = []

    def serve():
        pin()
        try:
            conn, _ = lsock.accept()
            s = sctx.wrap_socket(nodelay(conn), server_side=True)
            buf = bytearray(65536)
            for total in (warm * size, writes * size):
                got = 0
                while got < total:
                    n = s.recv_into(buf)
                    if not n:
                        raise EOFError
                    got += n
                s.sendall(b"k")
            s.close()
        except BaseException as e:  # reported by the client
            errors.append(e)

    t = threading.Thread(target=serve)
    t.start()
    pin()
    c = cctx.wrap_socket(connect(port), server_hostname="localhost")
    check(c, suite)
    data = payload(size)
    secs = 0.0
    for n in (warm, writes):
        t0 = time.perf_counter()
        for _ in range(n):
            c.sendall(data)
        c.recv(1)
        secs = time.perf_counter() - t0
    t.join()
    c.close()
    if errors:
        raise errors[0]
    return writes * size / secs / 1e6


def handshakes(cctx, sctx, suite, n, resume):
    lsock = socket.create_server(("127.0.0.1", 0), backlog=128)
    port = lsock.getsockname()[1]
    errors = []

    def serve():
        pin()
        try:
            for _ in range(n + 1):
                conn, _ = lsock.accept()
                s = sctx.wrap_socket(nodelay(conn), server_side=True)
                s.recv(1)
                s.sendall(b"k")
                s.close()
        except BaseException as e:
            errors.append(e)

    t = threading.Thread(target=serve)
    t.start()
    pin()

    def one(session):
        c = cctx.wrap_socket(connect(port), server_hostname="localhost", session=session)
        c.sendall(b"p")
        c.recv(1)
        return c

    first = one(None)
    check(first, suite)
    session = first.session if resume else None
    first.close()
    t0 = time.perf_counter()
    for _ in range(n):
        c = one(session)
        if resume:
            if not c.session_reused:
                sys.exit("python: the session was not resumed")
            session = c.session
        c.close()
    rate = n / (time.perf_counter() - t0)
    t.join()
    if errors:
        raise errors[0]
    return rate


def mem(cctx, sctx, role, port, n, warm):
    keep = []
    data = payload(ECHO)
    before = (0, 0)
    for i in range(warm + n):
        if i == warm:
            before = (rss(), heap())
        sock = connect(port)
        if role == "client":
            s = cctx.wrap_socket(sock, server_hostname="localhost")
            s.sendall(data)
            got = 0
            while got < ECHO:
                got += len(s.recv(ECHO - got))
        else:
            s = sctx.wrap_socket(sock, server_side=True)
            buf = b""
            while len(buf) < ECHO:
                buf += s.recv(ECHO - len(buf))
            s.sendall(buf)
        if i >= warm:
            keep.append(s)
    after = (rss(), heap())
    return f"{before[0]} {after[0]} {before[1]} {after[1]}"


def main():
    mode, ca, cert, key, suite, *rest = sys.argv[1:]
    cctx, sctx = contexts(ca, cert, key)
    if mode == "bulk":
        print(bulk(cctx, sctx, suite, int(rest[0]), int(rest[1])))
    elif mode == "hs":
        print(handshakes(cctx, sctx, suite, int(rest[0]), rest[1] == "1"))
    elif mode == "mem":
        print(mem(cctx, sctx, rest[0], int(rest[1]), int(rest[2]), int(rest[3])))
    else:
        sys.exit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
