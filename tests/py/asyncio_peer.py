"""Python's asyncio TLS as a peer (and an oracle) of sslwrap::asyncio.

Run by tests/asyncio_peers.rs and tests/interop_python_asyncio.rs with
CPython 3.11. Every mode prints one JSON object per line on stdout and
exits; every wait is bounded by asyncio.wait_for.

  server CERTFILE
      asyncio.start_server(ssl=...) on 127.0.0.1:0; prints {"port": N};
      serves one client: reads a line, answers it upper-cased, closes
      (close_notify); prints {"served": LINE, "version", "cipher"}.
  client PORT CAFILE HOST [SERVER_HOSTNAME] [HANDSHAKE_TIMEOUT]
      asyncio.open_connection(HOST, PORT, ssl=ctx, ...) (check_hostname on
      when SERVER_HOSTNAME is not "-"); sends b"hello\\n", reads the answer
      to the end; prints {"got", "version", "cipher"} or {"error": ...}.
  starttls_client PORT CAFILE
      cleartext first: sends b"STARTTLS\\n", reads b"OK\\n", then
      writer.start_tls(ctx, server_hostname="localhost"); then as client.
"""

import asyncio
import json
import re
import ssl
import sys

LIMIT = 10.0


def out(obj):
    print(json.dumps(obj), flush=True)


def error_info(e):
    return {
        "class": type(e).__name__,
        # str() without _ssl.c's "(_ssl.c:NNNN)" tail, as sslwrap prints it
        "str": re.sub(r" \(_ssl\.c:\d+\)$", "", str(e)),
        "reason": getattr(e, "reason", None),
        "library": getattr(e, "library", None),
        "verify_code": getattr(e, "verify_code", None),
        "verify_message": getattr(e, "verify_message", None),
    }


def client_context(cafile, check_hostname=True):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = check_hostname
    if cafile != "-":
        ctx.load_verify_locations(cafile)
    return ctx


async def server(certfile):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(certfile)
    done = asyncio.get_running_loop().create_future()

    async def handle(reader, writer):
        try:
            line = await reader.readline()
            writer.write(line.upper())
            await writer.drain()
            sslobj = writer.get_extra_info("ssl_object")
            info = {"served": line.decode(), "version": sslobj.version(),
                    "cipher": sslobj.cipher()[0]}
            writer.close()
            await writer.wait_closed()
            done.set_result(info)
        except Exception as e:  # reported, not raised into asyncio's log
            done.set_result({"error": error_info(e)})

    srv = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=ctx)
    out({"port": srv.sockets[0].getsockname()[1]})
    async with srv:
        out(await asyncio.wait_for(done, LIMIT))


async def talk(reader, writer):
    writer.write(b"hello\n")
    await writer.drain()
    got = await reader.read()
    sslobj = writer.get_extra_info("ssl_object")
    info = {"got": got.decode(), "version": sslobj.version(),
            "cipher": sslobj.cipher()[0]}
    writer.close()
    try:
        await writer.wait_closed()
    except (ConnectionError, ssl.SSLError):
        pass
    return info


async def client(port, cafile, host, server_hostname="-", timeout=None):
    kwargs = {}
    if server_hostname != "-":
        kwargs["server_hostname"] = server_hostname
    if timeout is not None:
        kwargs["ssl_handshake_timeout"] = float(timeout)
    ctx = client_context(cafile, check_hostname=server_hostname != "")
    try:
        reader, writer = await asyncio.open_connection(
            host, int(port), ssl=ctx, **kwargs)
        out(await talk(reader, writer))
    except Exception as e:
        out({"error": error_info(e)})


async def starttls_client(port, cafile):
    reader, writer = await asyncio.open_connection("127.0.0.1", int(port))
    writer.write(b"STARTTLS\n")
    await writer.drain()
    assert await reader.readline() == b"OK\n"
    await writer.start_tls(client_context(cafile),
                           server_hostname="localhost")
    out(await talk(reader, writer))


def main():
    mode, *args = sys.argv[1:]
    coro = {"server": server, "client": client,
            "starttls_client": starttls_client}[mode](*args)
    asyncio.run(asyncio.wait_for(coro, 2 * LIMIT))


if __name__ == "__main__":
    main()
