"""A CPython TLS server for tests/interop_python_session_cache.rs.

Usage: resumption_server.py CERTFILE KEYFILE N [MAXIMUM_VERSION]

Prints the port it listens on, then serves N connections one after the
other: handshake, echo one read, and one JSON line per connection with
what CPython saw on its side (`session_reused`, `version`).
"""
import json
import socket
import ssl
import sys

certfile, keyfile, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(certfile, keyfile)
if len(sys.argv) > 4:
    ctx.maximum_version = getattr(ssl.TLSVersion, sys.argv[4])
srv = socket.create_server(("127.0.0.1", 0))
srv.settimeout(10)
print(srv.getsockname()[1], flush=True)
for _ in range(n):
    conn, _ = srv.accept()
    conn.settimeout(10)
    with ctx.wrap_socket(conn, server_side=True) as s:
        reused = s.session_reused
        data = s.recv(1024)
        s.sendall(data)
        print(json.dumps({"session_reused": reused, "version": s.version()}), flush=True)
