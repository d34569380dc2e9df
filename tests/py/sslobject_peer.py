"""A CPython ssl.SSLObject over two MemoryBIOs, driven turn by turn by a test
(tests/object.rs, `python_sslobject_*`) that plays the other side with
sslwrap's SslObject. The bytes go through this process's stdin and stdout:

    python3 sslobject_peer.py client|server CERTDATA_DIR

Each turn the test writes one line: the peer's bytes in hex (maybe empty).
This side feeds them to its incoming MemoryBIO, makes what progress it can,
and answers with one JSON line: {"out": hex of its outgoing bytes,
"done": bool, "version": ..., "cipher": ..., "got": text received,
"error": "Class: message" or null}. The client sends b"ping" after the
handshake; the server answers b"pong:" + what it got. Runs on the CPython
3.11 the test checked (tests/common/python.rs).
"""
import json
import os
import ssl
import sys

role, certdata = sys.argv[1], sys.argv[2]
if role == "server":
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.path.join(certdata, "keycert3.pem"))
else:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(os.path.join(certdata, "pycacert.pem"))
incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
obj = ctx.wrap_bio(incoming, outgoing, server_side=role == "server",
                   server_hostname=None if role == "server" else "localhost")
handshaken = sent = False
got = b""
error = None

for line in sys.stdin:
    data = bytes.fromhex(line.strip())
    if data:
        incoming.write(data)
    try:
        if not handshaken:
            obj.do_handshake()
            handshaken = True
        if role == "client" and not sent:
            obj.write(b"ping")
            sent = True
        if not (role == "client" and got) and not (role == "server" and sent):
            got += obj.read(1024)
        if role == "server" and got and not sent:
            obj.write(b"pong:" + got)
            sent = True
    except ssl.SSLWantReadError:
        pass
    except Exception as e:  # reported to the test, which fails with it
        error = "%s: %s" % (type(e).__name__, e)
    done = handshaken and sent and bool(got)
    print(json.dumps({
        "out": outgoing.read().hex(), "done": done or error is not None,
        "version": obj.version(), "cipher": obj.cipher()[0] if obj.cipher() else None,
        "got": got.decode("latin-1"), "error": error,
        "tls_unique": (obj.get_channel_binding() or b"").hex() if handshaken else None,
    }), flush=True)
