"""Python's `ssl` facing the raw fault peer of `tests/fault_peer/mod.rs`.

    python3 faults_peer.py '<json config>'

The config: {"role": "client"|"server", "port": N (client), "certdata":
tests/data/cpython, "tls12": bool, "ragged": suppress_ragged_eofs,
"timeout_ms": the socket timeout}.

  client  connect to 127.0.0.1:<port>, `wrap_socket` (CPython's test CA,
          server_hostname="localhost"; the handshake runs there), then recv
          until b'' or an error;
  server  listen on 127.0.0.1:0, print {"port": N}, accept one connection,
          wrap it server-side (keycert3.pem, CERT_OPTIONAL with the test CA,
          num_tickets = 0), then recv until b'' or an error.

The last line is the outcome: {"stage": "handshake"|"read"|"eof", "class":
type(exc).__name__, "str": str(exc) without the "(_ssl.c:NNNN)" location,
"data": what was read, as Latin-1}. The Rust twins are `rust_client` and
`rust_server` in tests/fault_peer/mod.rs.
"""
import json
import re
import socket
import ssl
import sys


def emit(obj):
    print(json.dumps(obj), flush=True)


def failed(stage, exc, data=b""):
    text = re.sub(r" \(_ssl\.c:\d+\)$", "", str(exc))
    text = re.sub(r"^_ssl\.c:\d+: ", "", text)
    return {"stage": stage, "class": type(exc).__name__, "str": text,
            "data": data.decode("latin-1")}


def read_all(s):
    data = b""
    try:
        while True:
            chunk = s.recv(1024)
            if not chunk:
                return {"stage": "eof", "class": None, "str": None,
                        "data": data.decode("latin-1")}
            data += chunk
    except OSError as exc:
        return failed("read", exc, data)


def main():
    cfg = json.loads(sys.argv[1])
    timeout = cfg["timeout_ms"] / 1000
    certdata = cfg["certdata"]
    if cfg["role"] == "client":
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(certdata + "/pycacert.pem")
        if cfg["tls12"]:
            ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        sock = socket.create_connection(("127.0.0.1", cfg["port"]), timeout=10)
        sock.settimeout(timeout)
        try:
            s = ctx.wrap_socket(sock, server_hostname="localhost",
                                suppress_ragged_eofs=cfg["ragged"])
        except OSError as exc:
            sock.close()
            emit(failed("handshake", exc))
            return
    else:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(certdata + "/keycert3.pem")
        ctx.load_verify_locations(certdata + "/pycacert.pem")
        ctx.verify_mode = ssl.CERT_OPTIONAL
        ctx.num_tickets = 0
        if cfg["tls12"]:
            ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        emit({"port": listener.getsockname()[1]})
        conn, _ = listener.accept()
        listener.close()
        conn.settimeout(timeout)
        try:
            s = ctx.wrap_socket(conn, server_side=True,
                                suppress_ragged_eofs=cfg["ragged"])
        except OSError as exc:
            conn.close()
            emit(failed("handshake", exc))
            return
    out = read_all(s)
    s.close()
    emit(out)


if __name__ == "__main__":
    main()
