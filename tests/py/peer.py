"""A Python `ssl` peer for sslwrap's tests: the oracle for Python parity.

    python3 peer.py '<json config>'

The config (built by `tests/common/mod.rs`, `PeerConfig::to_json`) says which
`role` to play:

  "server"  listen on 127.0.0.1:0, print {"port": N}, accept one connection,
            wrap it server-side (the handshake runs in `wrap_socket`), then
            run `action`;
  "client"  connect to 127.0.0.1:<port>, `wrap_socket` (handshake), `action`;
  "load"    only build the `SSLContext` (to compare load-time errors).

`action` (after the handshake): "echo" (client sends b"ping" and reads the
answer; server echoes one read), "none", "send_and_close" (send b"bye", close
TCP without close_notify), "send_and_unwrap" (send b"bye", then close_notify
both ways), "read_to_eof" (recv until b"" or an error), and a pair for a TCP
reset after data: "echo_then_reset" (server: echo one read, wait for the
client's b"done", close with SO_LINGER 0; client: send b"ping", read the
echo, close with SO_LINGER 0) with "echo_then_read_to_eof" (client: send
b"ping", read the echo, send b"done"; server: echo one read; then recv until
b"" or an error). The exchange makes sure a reset never overtakes unread
data, which Linux would discard (a race even Python loses).

With `raw` set, a server or client does not speak TLS at all but misbehaves
on purpose: "close_after_hello" (server: read the ClientHello, close),
"reset_after_hello" (server: read the ClientHello, close with a TCP reset),
"silent_after_hello" (server: read the ClientHello, then nothing until the
client closes), "garbage_after_hello" (server: read the ClientHello, answer
`garbage_hex`), "close" (client: connect and close), "garbage" (client: send
`garbage_hex`).

The last line printed is the outcome, one JSON object:

  {"stage": "load"|"handshake", "error": {...}}           when that failed
  {"stage": "loaded"}                                     role "load", no error
  {"stage": "connected", "version": ..., "cipher": [name, protocol, bits],
   "alpn": ..., "peercert": repr(getpeercert()), "peercert_der": hex or None,
   "after": {"data": what the action read, "error": {...} or None}}
  {"stage": "raw", "received": byte count}                a raw peer

An error is {"class", "str", "library", "reason", "verify_code",
"verify_message", "errno"}: `str` is `str(exc)` without the source location
that `_ssl.c` adds (" (_ssl.c:NNNN)" at the end, "_ssl.c:NNNN: " in front of
timeouts), `errno` is `exc.errno` for an `OSError` (`args[0]` of an
`SSLError`), else null.

Every socket has a timeout (`TIMEOUT`, or the config's `timeout_ms`); the
Rust side kills this process if it outlives its own, longer, deadline.

Run by an upstream CPython 3.11 (checked by `tests/common/python.rs`; Debian's
patched `python3` sets OP_IGNORE_UNEXPECTED_EOF and is refused), with `-I -S`.
"""
import json
import re
import socket
import ssl
import struct
import sys

TIMEOUT = 10.0  # seconds; a config's "timeout_ms" overrides it


def emit(obj):
    print(json.dumps(obj), flush=True)


def error_fields(exc):
    text = str(exc)
    text = re.sub(r" \(_ssl\.c:\d+\)$", "", text)
    text = re.sub(r"^_ssl\.c:\d+: ", "", text)
    return {
        "class": type(exc).__name__,
        "str": text,
        "library": getattr(exc, "library", None),
        "reason": getattr(exc, "reason", None),
        "verify_code": getattr(exc, "verify_code", None),
        "verify_message": getattr(exc, "verify_message", None),
        "errno": exc.errno if isinstance(exc, OSError) else None,
    }


def make_context(cfg):
    """Builds the context in a fixed order, the same as `rust_context`."""
    ctx = ssl.SSLContext(getattr(ssl, cfg["protocol"]))
    if cfg.get("check_hostname") is not None:
        ctx.check_hostname = cfg["check_hostname"]
    if cfg.get("verify_mode") is not None:
        ctx.verify_mode = getattr(ssl, cfg["verify_mode"])
    if cfg.get("check_hostname_last") is not None:
        ctx.check_hostname = cfg["check_hostname_last"]
    for name in cfg.get("verify_flags", []):
        ctx.verify_flags |= getattr(ssl, name)
    for name in cfg.get("options", []):
        ctx.options |= getattr(ssl, name)
    if cfg.get("min_version") is not None:
        ctx.minimum_version = getattr(ssl.TLSVersion, cfg["min_version"])
    if cfg.get("max_version") is not None:
        ctx.maximum_version = getattr(ssl.TLSVersion, cfg["max_version"])
    if cfg.get("ciphers") is not None:
        ctx.set_ciphers(cfg["ciphers"])
    if cfg.get("alpn") is not None:
        ctx.set_alpn_protocols(cfg["alpn"])
    cadata = cfg.get("cadata_pem")
    if cfg.get("cadata_der_hex") is not None:
        cadata = bytes.fromhex(cfg["cadata_der_hex"])
    cafile, capath = cfg.get("cafile"), cfg.get("capath")
    if cafile is not None or capath is not None or cadata is not None:
        ctx.load_verify_locations(cafile, capath, cadata)
    if cfg.get("certfile") is not None:
        ctx.load_cert_chain(cfg["certfile"], cfg.get("keyfile"), cfg.get("password"))
    return ctx


def connected_fields(s):
    cipher = s.cipher()
    der = s.getpeercert(True)
    return {
        "stage": "connected",
        "version": s.version(),
        "cipher": list(cipher) if cipher else None,
        "alpn": s.selected_alpn_protocol(),
        "peercert": repr(s.getpeercert()),
        "peercert_der": der.hex() if der is not None else None,
    }


def act(s, cfg):
    """Runs `action` on a handshaken socket; returns what it read and the
    error that stopped it."""
    action, client = cfg.get("action", "echo"), cfg["role"] == "client"
    got = b""
    try:
        if action == "echo" and client:
            s.sendall(b"ping")
            got = s.recv(1024)
        elif action == "echo":
            got = s.recv(1024)
            s.sendall(got)
        elif action == "send_and_close":  # close TCP without close_notify
            s.sendall(b"bye")
        elif action == "echo_then_reset" and client:  # a TCP reset (SO_LINGER 0)
            s.sendall(b"ping")
            got = s.recv(1024)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif action == "echo_then_reset":
            got = s.recv(1024)
            s.sendall(got)
            s.recv(1024)  # the client's b"done": it has read our answer
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif action == "echo_then_read_to_eof":
            if client:
                s.sendall(b"ping")
                got = s.recv(1024)
                s.sendall(b"done")
            else:
                got = s.recv(1024)
                s.sendall(got)
            while True:
                chunk = s.recv(1024)
                if not chunk:
                    break
                got += chunk
        elif action == "send_and_unwrap":  # close_notify, then close TCP
            s.sendall(b"bye")
            s.unwrap()
        elif action == "read_to_eof":
            while True:
                chunk = s.recv(1024)
                if not chunk:
                    break
                got += chunk
        elif action != "none":
            raise SystemExit("unknown action %r" % action)
    except (OSError, ValueError) as exc:  # the error is the outcome here
        return {"data": got.decode("latin-1"), "error": error_fields(exc)}
    return {"data": got.decode("latin-1"), "error": None}


def drain(sock):
    """Reads until the peer closes (bounded by the socket timeout), so our
    close does not turn into a reset that races with what we sent."""
    total = 0
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            total += len(chunk)
    except OSError:
        pass
    return total


def raw_server(conn, cfg):
    """Reads the ClientHello, then closes or answers garbage. The TLS peer
    may reset the connection at any point after our bytes; that is its
    business, not an outcome."""
    received = 0
    try:
        received = len(conn.recv(65536))  # the ClientHello
        if cfg["raw"] == "garbage_after_hello":
            conn.sendall(bytes.fromhex(cfg["garbage_hex"]))
            conn.shutdown(socket.SHUT_WR)
            received += drain(conn)
        elif cfg["raw"] == "silent_after_hello":
            received += drain(conn)
        elif cfg["raw"] == "reset_after_hello":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif cfg["raw"] != "close_after_hello":
            raise SystemExit("unknown raw server mode %r" % cfg["raw"])
    except OSError:
        pass
    conn.close()
    return {"stage": "raw", "received": received}


def raw_client(conn, cfg):
    """Sends garbage (or nothing) and waits for the server to close."""
    received = 0
    try:
        if cfg["raw"] == "garbage":
            conn.sendall(bytes.fromhex(cfg["garbage_hex"]))
            conn.shutdown(socket.SHUT_WR)
            received = drain(conn)
        elif cfg["raw"] != "close":
            raise SystemExit("unknown raw client mode %r" % cfg["raw"])
    except OSError:
        pass
    conn.close()
    return {"stage": "raw", "received": received}


def main():
    global TIMEOUT
    cfg = json.loads(sys.argv[1])
    if cfg.get("timeout_ms") is not None:
        TIMEOUT = cfg["timeout_ms"] / 1000
    socket.setdefaulttimeout(TIMEOUT)
    role = cfg["role"]
    ragged = cfg.get("suppress_ragged_eofs", True)
    if role == "server":
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
    if cfg.get("raw") is None:
        try:
            ctx = make_context(cfg)
        except Exception as exc:  # any exception of the load is the outcome
            emit({"stage": "load", "error": error_fields(exc)})
            return
        if role == "load":
            emit({"stage": "loaded"})
            return
    if role == "server":
        emit({"port": listener.getsockname()[1]})
        conn, _ = listener.accept()
        listener.close()
        conn.settimeout(TIMEOUT)
        if cfg.get("raw") is not None:
            emit(raw_server(conn, cfg))
            return
        try:
            s = ctx.wrap_socket(conn, server_side=True, suppress_ragged_eofs=ragged)
        except OSError as exc:
            conn.close()
            emit({"stage": "handshake", "error": error_fields(exc)})
            return
    else:
        conn = socket.create_connection(("127.0.0.1", cfg["port"]), timeout=TIMEOUT)
        if cfg.get("raw") is not None:
            emit(raw_client(conn, cfg))
            return
        try:
            s = ctx.wrap_socket(conn, server_hostname=cfg.get("server_hostname"),
                                suppress_ragged_eofs=ragged)
        except (OSError, ValueError) as exc:
            conn.close()
            emit({"stage": "handshake", "error": error_fields(exc)})
            return
    fields = connected_fields(s)
    fields["after"] = act(s, cfg)
    s.close()
    emit(fields)


if __name__ == "__main__":
    main()
