"""A CPython TLS server for tests/idle_buffers.rs.

Usage: echo_keep_server.py CERTFILE KEYFILE N SIZE

Prints the port it listens on, then serves N connections one after the
other: handshake, read SIZE bytes, send them back, and keep the connection
open (idle) until stdin closes.
"""
import socket
import ssl
import sys

certfile, keyfile, n, size = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(certfile, keyfile)
srv = socket.create_server(("127.0.0.1", 0))
srv.settimeout(10)
print(srv.getsockname()[1], flush=True)
kept = []
for _ in range(n):
    conn, _ = srv.accept()
    conn.settimeout(10)
    s = ctx.wrap_socket(conn, server_side=True)
    data = b""
    while len(data) < size:
        data += s.recv(size - len(data))
    s.sendall(data)
    kept.append(s)
print("served", flush=True)
sys.stdin.readline()
