//! `examples/kv_server.rs` and `examples/kv_client.rs` against the real,
//! unmodified Python programs they port: the Python Cookbook's
//! `KeyValueServer` on `SSLMixin` + `SimpleXMLRPCServer` and its
//! `ServerProxy` + `VerifyCertSafeTransport` client (recipes 11.8, 11.10),
//! `requests.post(..., verify=, cert=)` and `curl --cacert --cert --key`.
//!
//! Every comparison runs the same client against the Rust server and the
//! Python server (each fresh, on an ephemeral loopback port) and compares
//! what the client printed, or what the servers printed for a refused
//! client; the kv_client tests compare it with the Python client against
//! the same Python server. Peers that are missing (python3 and its
//! `requests`, curl) fail the test with the package to install.
//!
//! The examples are built once per test binary with the cargo, features
//! and profile of this test, then run as plain processes, each killed when
//! its handle drops.

mod common;
#[path = "../examples/support/mod.rs"]
mod support;

use common::child::run_limited;

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use sslwrap::testing::CertificateAuthority;

/// Building the two examples when `cargo test` has not built them yet.
const BUILD_LIMIT: Duration = Duration::from_secs(600);
/// A server printing `listening on …` (Python's start-up included).
const READY_LIMIT: Duration = Duration::from_secs(20);
/// One client run (its sockets time out after 10 s).
const RUN_LIMIT: Duration = Duration::from_secs(30);
/// A server printing the line for a client it refused.
const LINE_LIMIT: Duration = Duration::from_secs(10);

/// The Cookbook session's answers, as `print()` shows them. The recipe's
/// own calls come first (`set`, `set`, `keys`, `get`, `get`, `delete`,
/// `exists`); then the fault of a `get` of a missing key, and the other
/// XML-RPC types.
const SESSION: &[&str] = &[
    "None",
    "None",
    "['foo', 'spam']",
    "bar",
    "[1, 2, 3]",
    "None",
    "False",
    "<Fault 1: \"<class 'KeyError'>:'spam'\">",
    "None",
    "{'pi': 3.25, 'yes': True, 'none': None, 'neg': -7, 'text': 'it\\'s <b> & \"q\"', \
     'list': [1e+16, 0.0001, 'x', False, []], 'empty': {}}",
    "['foo', 'misc']",
    "None",
    "['foo']",
];

/// What Python's server prints when a client sends no certificate under
/// mutual TLS (without Python's `(_ssl.c:NNNN)` tail).
const NO_CERT: &str =
    "SSLError: [SSL: PEER_DID_NOT_RETURN_A_CERTIFICATE] peer did not return a certificate";
/// … and when the client's certificate is from a CA it does not trust.
const OTHER_CA: &str = "SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] \
                        certificate verify failed: unable to get local issuer certificate";

// --- (a) xmlrpc.client.ServerProxy + the Cookbook's transport ---------------

#[test]
fn serverproxy_session_one_way() {
    serverproxy_session(false);
}

#[test]
fn serverproxy_session_mutual() {
    serverproxy_session(true);
}

/// The Cookbook's client session against kv_server and against the
/// Cookbook's Python server: the same printed answers, line by line, and
/// those answers are the recipe's. Against kv_server it runs on one
/// kept-alive connection.
fn serverproxy_session(mutual: bool) {
    let f = fixture();
    let creds = if mutual {
        f.client_creds()
    } else {
        f.ca_only()
    };
    let mut rust = Server::start(Impl::Rust, mutual);
    let from_rust = python_session(rust.port, &creds);
    let python = Server::start(Impl::Python, mutual);
    let from_python = python_session(python.port, &creds);

    assert_success(&from_rust, "Python ServerProxy session against kv_server");
    assert_success(
        &from_python,
        "Python ServerProxy session against the Python server",
    );
    assert_same_lines(
        &stdout(&from_rust),
        &stdout(&from_python),
        "kv_server",
        "Python server",
    );
    assert_same_lines(
        &stdout(&from_rust),
        &SESSION.join("\n"),
        "kv_server",
        "the recipe",
    );

    // Python's HTTP/1.1 transport keeps the connection: one handshake.
    let first = rust.wait_line(|l| l.starts_with("connection from"), LINE_LIMIT);
    let client = if mutual {
        "client=example client"
    } else {
        "client=-"
    };
    assert!(first.ends_with(client), "{first}\n{}", rust.transcript());
    let more = rust.drain();
    assert!(
        !more.iter().any(|l| l.starts_with("connection from")),
        "the session used more than one connection: {more:?}"
    );
}

// --- (b) requests.post(url, data=<call>, verify=ca, cert=(crt, key)) --------

#[test]
fn requests_post_mutual() {
    require_requests();
    compare_raw_calls(true, requests_calls);
}

#[test]
fn requests_post_one_way() {
    require_requests();
    compare_raw_calls(false, requests_calls);
}

// --- (c) curl --cacert --cert --key ------------------------------------------

#[test]
fn curl_mutual() {
    require_curl();
    compare_raw_calls(true, curl_calls);
}

/// Posts every call of [`calls`] with `client` to kv_server and to the
/// Python server: status, content type and body are the same byte for byte.
fn compare_raw_calls(mutual: bool, client: fn(u16, bool) -> Output) {
    let rust = Server::start(Impl::Rust, mutual);
    let from_rust = client(rust.port, mutual);
    let python = Server::start(Impl::Python, mutual);
    let from_python = client(python.port, mutual);
    assert_success(&from_rust, "the client against kv_server");
    assert_success(&from_python, "the client against the Python server");
    let (r, p) = (stdout(&from_rust), stdout(&from_python));
    assert_eq!(
        r.matches("--- 200 text/xml").count(),
        calls().len(),
        "every call answered 200 text/xml:\n{r}"
    );
    assert_same_lines(&r, &p, "kv_server", "Python server");
}

/// `requests.post(url, data=call, verify=ca, cert=(crt, key), timeout=10)`
/// for each call, printing `--- STATUS CONTENT-TYPE` and the body.
fn requests_calls(port: u16, mutual: bool) -> Output {
    let f = fixture();
    let (crt, key) = if mutual {
        (f.pki.client_cert.clone(), f.pki.client_key.clone())
    } else {
        (PathBuf::from("-"), PathBuf::from("-"))
    };
    let mut cmd = Command::new("python3");
    cmd.arg(&f.py_requests)
        .arg(format!("https://localhost:{port}/RPC2"))
        .args([&f.pki.ca, &crt, &key])
        .args(&f.calls);
    run(cmd, "python3 requests client")
}

/// One `curl` for all calls (`--next`), so kv_server answers them on one
/// kept-alive connection.
fn curl_calls(port: u16, mutual: bool) -> Output {
    let f = fixture();
    let mut cmd = Command::new("curl");
    for (i, call) in f.calls.iter().enumerate() {
        if i > 0 {
            cmd.arg("--next");
        }
        cmd.args(["--silent", "--show-error", "--max-time", "10", "--cacert"])
            .arg(&f.pki.ca);
        if mutual {
            cmd.arg("--cert")
                .arg(&f.pki.client_cert)
                .arg("--key")
                .arg(&f.pki.client_key);
        }
        cmd.args(["-H", "Content-Type: text/xml", "--data-binary"])
            .arg(format!("@{}", call.display()))
            .args(["-w", "--- %{http_code} %{content_type}\n"])
            .arg(format!("https://localhost:{port}/RPC2"));
    }
    let out = run(cmd, "curl");
    // curl writes the status after the body; put it first, like requests.
    let mut reordered = String::new();
    let mut body = String::new();
    for line in stdout(&out).split_inclusive('\n') {
        if line.starts_with("--- ") {
            reordered.push_str(line);
            reordered.push_str(&body);
            body.clear();
        } else {
            body.push_str(line);
        }
    }
    Output {
        stdout: reordered.into_bytes(),
        ..out
    }
}

// --- (d) refused clients under mutual TLS -------------------------------------

#[test]
fn mutual_refuses_client_without_certificate() {
    let f = fixture();
    refused_then_served(&f.ca_only(), NO_CERT);
}

#[test]
fn mutual_refuses_client_from_other_ca() {
    let f = fixture();
    let creds = vec![f.pki.ca.clone(), f.other_cert.clone(), f.other_key.clone()];
    refused_then_served(&creds, OTHER_CA);
}

/// A Python ServerProxy session with `bad` credentials fails; kv_server and
/// the Python server each print the same error (Python's), then serve the
/// session of a good client.
fn refused_then_served(bad: &[PathBuf], expected: &str) {
    let f = fixture();
    let mut lines = Vec::new();
    for which in [Impl::Rust, Impl::Python] {
        let mut server = Server::start(which, true);
        let refused = python_session(server.port, bad);
        assert!(
            !refused.status.success(),
            "{which:?}: a bad client got through:\n{}",
            stdout(&refused)
        );
        let first = server.wait_line(is_error_line, LINE_LIMIT);
        let good = python_session(server.port, &f.client_creds());
        assert_success(
            &good,
            &format!("{which:?}: a good client after a refused one"),
        );
        assert_same_lines(&stdout(&good), &SESSION.join("\n"), "served", "the recipe");
        // The Python client may retry on a new connection (a reset or
        // broken pipe counts as a dropped keep-alive); every refusal of
        // this client must read the same.
        let mut printed: Vec<String> = std::iter::once(first)
            .chain(server.drain().into_iter().filter(|l| is_error_line(l)))
            .map(|l| strip_ssl_c(&l))
            .collect();
        printed.dedup();
        eprintln!(
            "{which:?} server printed {printed:?}; the client printed {:?}",
            stdout(&refused).trim()
        );
        lines.push(printed);
    }
    assert_eq!(lines[0], lines[1], "kv_server vs the Python server");
    assert_eq!(lines[0], [expected]);
}

/// A server's line for a refused client: `SomeError: message`.
fn is_error_line(line: &str) -> bool {
    line.split_once(": ").is_some_and(|(class, _)| {
        class.ends_with("Error") && class.chars().all(|c| c.is_ascii_alphanumeric())
    })
}

/// Drops Python's ` (_ssl.c:1006)` tail.
fn strip_ssl_c(line: &str) -> String {
    match line.rfind(" (_ssl.c:") {
        Some(i) if line.ends_with(')') => line[..i].to_owned(),
        _ => line.to_owned(),
    }
}

// --- (e) kv_client against the Cookbook's Python server ----------------------

#[test]
fn kv_client_against_python_server_one_way() {
    kv_client_against_python_server(false);
}

#[test]
fn kv_client_against_python_server_mutual() {
    kv_client_against_python_server(true);
}

/// kv_client prints what the Python client prints against the same Python
/// server, and the same against kv_server.
fn kv_client_against_python_server(mutual: bool) {
    let f = fixture();
    let creds = if mutual {
        f.client_creds()
    } else {
        f.ca_only()
    };
    let python = Server::start(Impl::Python, mutual);
    let rust_client = kv_client(python.port, &creds);
    let python = Server::start(Impl::Python, mutual);
    let python_client = python_session(python.port, &creds);
    assert_success(&rust_client, "kv_client against the Python server");
    assert_success(
        &python_client,
        "the Python client against the Python server",
    );
    assert_same_lines(
        &stdout(&rust_client),
        &stdout(&python_client),
        "kv_client",
        "Python client",
    );

    let rust = Server::start(Impl::Rust, mutual);
    let both_rust = kv_client(rust.port, &creds);
    assert_success(&both_rust, "kv_client against kv_server");
    assert_same_lines(
        &stdout(&both_rust),
        &SESSION.join("\n"),
        "kv_client",
        "the recipe",
    );
}

fn kv_client(port: u16, creds: &[PathBuf]) -> Output {
    let mut cmd = Command::new(&bins().client);
    cmd.args(["--port", &port.to_string(), "--cafile"])
        .arg(&creds[0]);
    if let [_, crt, key] = creds {
        cmd.arg("--certfile").arg(crt).arg("--keyfile").arg(key);
    }
    run(cmd, "kv_client")
}

fn python_session(port: u16, creds: &[PathBuf]) -> Output {
    let mut cmd = Command::new("python3");
    cmd.arg(&fixture().py_session)
        .arg(port.to_string())
        .args(creds);
    run(cmd, "python3 ServerProxy session")
}

// --- the Python programs -------------------------------------------------------

/// Recipe 11.10's `SSLMixin` and `SSLSimpleXMLRPCServer` serving recipe
/// 11.8's `KeyValueServer`, as printed; only `__main__` is the test's.
const PY_SERVER: &str = r#"
import ssl
import sys
from xmlrpc.server import SimpleXMLRPCServer

class SSLMixin:
    '''
    Mixin class that adds support for SSL to existing servers based
    on the socketserver module.
    '''
    def __init__(self, *args,
                 keyfile=None, certfile=None, ca_certs=None,
                 cert_reqs=ssl.CERT_NONE,
                 **kwargs):
        self._keyfile = keyfile
        self._certfile = certfile
        self._ca_certs = ca_certs
        self._cert_reqs = cert_reqs
        super().__init__(*args, **kwargs)

    def get_request(self):
        client, addr = super().get_request()
        client_ssl = ssl.wrap_socket(client,
                                     keyfile = self._keyfile,
                                     certfile = self._certfile,
                                     ca_certs = self._ca_certs,
                                     cert_reqs = self._cert_reqs,
                                     server_side = True)
        return client_ssl, addr

class SSLSimpleXMLRPCServer(SSLMixin, SimpleXMLRPCServer):
    pass

class KeyValueServer:
    _rpc_methods_ = ['get', 'set', 'delete', 'exists', 'keys']
    def __init__(self, *args, **kwargs):
        self._data = {}
        self._serv = SSLSimpleXMLRPCServer(*args, allow_none=True, **kwargs)
        for name in self._rpc_methods_:
            self._serv.register_function(getattr(self, name))

    def get(self, name):
        return self._data[name]

    def set(self, name, value):
        self._data[name] = value

    def delete(self, name):
        del self._data[name]

    def exists(self, name):
        return name in self._data

    def keys(self):
        return list(self._data)

    def serve_forever(self):
        self._serv.serve_forever()

if __name__ == '__main__':
    # The test's part: the files from argv, an ephemeral loopback port, and
    # a failed handshake printed the way the recipe's echo server prints
    # errors (socketserver itself drops an OSError from get_request).
    CERTFILE, KEYFILE = sys.argv[1], sys.argv[2]
    mutual = {}
    if len(sys.argv) > 3:
        mutual = dict(ca_certs=sys.argv[3], cert_reqs=ssl.CERT_REQUIRED)

    class PrintingSSLSimpleXMLRPCServer(SSLSimpleXMLRPCServer):
        def get_request(self):
            try:
                return super().get_request()
            except Exception as e:
                print('{}: {}'.format(e.__class__.__name__, e), flush=True)
                raise
    SSLSimpleXMLRPCServer = PrintingSSLSimpleXMLRPCServer

    kvserv = KeyValueServer(('127.0.0.1', 0), keyfile=KEYFILE, certfile=CERTFILE, **mutual)
    print('listening on 127.0.0.1:{}'.format(kvserv._serv.server_address[1]), flush=True)
    kvserv.serve_forever()
"#;

/// Recipe 11.10's `VerifyCertSafeTransport` and recipe 11.8's session,
/// printed. Two changes to the transport, both forced by today's Python:
/// `PROTOCOL_TLS_CLIENT` for the obsolete `PROTOCOL_TLSv1`, and
/// `make_connection` hands the context over through `SafeTransport`'s own
/// `context` attribute: the recipe's `super().make_connection((host,
/// {'context': ...}))` fails since Python 3.4.3 with "HTTPSConnection() got
/// multiple values for keyword argument 'context'".
const PY_SESSION: &str = r#"
import socket
import ssl
import sys
from xmlrpc.client import SafeTransport, ServerProxy, Fault

class VerifyCertSafeTransport(SafeTransport):
    def __init__(self, cafile, certfile=None, keyfile=None):
        SafeTransport.__init__(self)
        self._ssl_context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        self._ssl_context.load_verify_locations(cafile)
        if certfile:
            self._ssl_context.load_cert_chain(certfile, keyfile)
        self._ssl_context.verify_mode = ssl.CERT_REQUIRED

    def make_connection(self, host):
        # Items in the passed dictionary are passed as keyword
        # arguments to the http.client.HTTPSConnection() constructor.
        # The context argument allows us to pass a custom SSL context
        # object with verification settings.
        self.context = self._ssl_context
        s = super().make_connection(host)
        return s

socket.setdefaulttimeout(10)
port = sys.argv[1]
s = ServerProxy('https://localhost:' + port,
                transport=VerifyCertSafeTransport(*sys.argv[2:]),
                allow_none=True)
try:
    print(s.set('foo', 'bar'))
    print(s.set('spam', [1, 2, 3]))
    print(s.keys())
    print(s.get('foo'))
    print(s.get('spam'))
    print(s.delete('spam'))
    print(s.exists('spam'))
    try:
        s.get('spam')
    except Fault as e:
        print(e)
    print(s.set('misc', {'pi': 3.25, 'yes': True, 'none': None, 'neg': -7,
                         'text': 'it\'s <b> & "q"',
                         'list': [1e16, 0.0001, 'x', False, []], 'empty': {}}))
    print(s.get('misc'))
    print(s.keys())
    print(s.delete('misc'))
    print(s.keys())
except Exception as e:
    print('{}: {}'.format(e.__class__.__name__, e))
    sys.exit(1)
"#;

/// `requests.post(url, data=<XML-RPC call>, verify=ca, cert=(crt, key))`.
const PY_REQUESTS: &str = r#"
import sys
import requests

url, ca, crt, key = sys.argv[1:5]
cert = (crt, key) if crt != '-' else None
for path in sys.argv[5:]:
    with open(path, 'rb') as f:
        call = f.read()
    r = requests.post(url, data=call, verify=ca, cert=cert, timeout=10)
    head = '--- {} {}\n'.format(r.status_code, r.headers.get('Content-Type'))
    sys.stdout.buffer.write(head.encode() + r.content)
"#;

/// XML-RPC calls posted as they are by requests and curl: the recipe's
/// session, then every type, the faults Python raises (missing key, wrong
/// number of arguments, unhashable key, unknown method, values that do not
/// parse, ints past 32 bits) and Python's key equality (`True == 1 == 1.0`).
/// kv_server's answers must equal Python's byte for byte.
fn calls() -> Vec<String> {
    fn call(method: &str, values: &[&str]) -> String {
        let mut s = format!(
            "<?xml version='1.0'?>\n<methodCall>\n<methodName>{method}</methodName>\n<params>\n"
        );
        for v in values {
            s.push_str(&format!("<param>\n<value>{v}</value>\n</param>\n"));
        }
        s + "</params>\n</methodCall>\n"
    }
    let s = |t: &str| format!("<string>{t}</string>");
    let (key_foo, spam) = (s("foo"), s("spam"));
    let misc = "<struct>\
        <member><name>double</name><value><array><data>\
          <value><double>3.25</double></value><value><double>1e16</double></value>\
          <value><double>1e15</double></value><value><double>0.0001</double></value>\
          <value><double>0.00001</double></value><value><double>-0.0</double></value>\
          <value><double>0.30000000000000004</double></value><value><double>5e-324</double></value>\
          <value><double>1.7976931348623157e308</double></value><value><double> 2 </double></value>\
        </data></array></value></member>\
        <member><name>bool</name><value><boolean>1</boolean></value></member>\
        <member><name>nil</name><value><nil/></value></member>\
        <member><name>ns nil</name><value><ex:nil/></value></member>\
        <member><name>empty</name><value><string/></value></member>\
        <member><name>bare</name><value>  untyped  </value></member>\
        <member><name>refs</name><value><string>&lt;&amp;&gt;&quot;&apos;&#233;&#x2713;</string></value></member>\
        <member><name>cdata</name><value><string><![CDATA[<raw> & ]]></string></value></member>\
        <member><name>unicode \u{fc}</name><value><string>h\u{e9}llo \u{2713}</string></value></member>\
        <member><name>when</name><value><dateTime.iso8601>20240102T03:04:05</dateTime.iso8601></value></member>\
        <member><name>bin</name><value><base64>aGVsbG8g\nd29ybGQ=</base64></value></member>\
        <member><name>long bin</name><value><base64>eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4</base64></value></member>\
        <member><name>ints</name><value><array><data><value><i4>-2147483648</i4></value><value><i8>2147483647</i8></value><value><int>+7</int></value></data></array></value></member>\
        <member><name>nested</name><value><struct><member><name>a</name><value><array><data/></array></value></member></struct></value></member>\
        <member><name>dup</name><value><int>1</int></value></member>\
        <member><name>dup</name><value><int>2</int></value></member>\
        </struct>";
    vec![
        // The recipe's session.
        call("set", &[&key_foo, &s("bar")]),
        call("set", &[&spam, "<array><data><value><i4>1</i4></value><value><int>2</int></value><value><i8>3</i8></value></data></array>"]),
        call("keys", &[]),
        call("get", &[&key_foo]),
        call("get", &[&spam]),
        call("delete", &[&spam]),
        call("exists", &[&spam]),
        // Faults of the methods.
        call("get", &[&spam]),
        call("delete", &[&spam]),
        call("get", &[&key_foo, &key_foo]),
        call("set", &[&key_foo]),
        call("set", &[]),
        call("keys", &[&key_foo]),
        call("delete", &[]),
        call("nosuch", &[]),
        "<?xml version='1.0'?><methodCall><params/></methodCall>".to_owned(),
        call("exists", &["<array><data/></array>"]),
        call("get", &["<struct/>"]),
        call("get", &["<base64>aGk=</base64>"]),
        call("get", &["<dateTime.iso8601>20240102T03:04:05</dateTime.iso8601>"]),
        // Every type there and back.
        call("set", &[&s("misc"), misc]),
        call("get", &[&s("misc")]),
        // Keys: Python's equality and KeyError's repr.
        call("set", &["<boolean>1</boolean>", &s("true")]),
        call("get", &["<int>1</int>"]),
        call("get", &["<double>1.0</double>"]),
        call("exists", &["<double>1.5</double>"]),
        call("set", &["<nil/>", "<nil/>"]),
        call("get", &["<double>1e-7</double>"]),
        call("get", &[&s("it's")]),
        call("get", &[&s("a\"b'c")]),
        call("get", &[&s("tab&#9;nl&#10;")]),
        call("keys", &[]),
        // Ints past 32 bits: taken, but not sent back.
        call("set", &[&s("big"), "<i8>5000000000</i8>"]),
        call("get", &[&s("big")]),
        call("keys", &[]),
        call("delete", &[&s("big")]),
        // Values that do not parse.
        call("get", &["<boolean>2</boolean>"]),
        call("get", &["<int>x</int>"]),
        call("get", &["<double>x</double>"]),
        call("get", &["<foo>1</foo>"]),
        call("keys", &[]),
    ]
}

// --- fixtures -----------------------------------------------------------------

/// The example binaries, built once.
struct Bins {
    server: PathBuf,
    client: PathBuf,
}

fn bins() -> &'static Bins {
    static BINS: OnceLock<Bins> = OnceLock::new();
    BINS.get_or_init(|| {
        let mut cmd = Command::new(env!("CARGO"));
        cmd.current_dir(env!("CARGO_MANIFEST_DIR")).args([
            "build",
            "--quiet",
            "--example",
            "kv_server",
            "--example",
            "kv_client",
            "--message-format=json",
        ]);
        if cfg!(feature = "vendored") {
            cmd.args(["--features", "vendored"]);
        }
        if !cfg!(debug_assertions) {
            cmd.arg("--release");
        }
        let out = run_limited(
            cmd,
            BUILD_LIMIT,
            "cargo build --example kv_server --example kv_client",
        );
        assert_success(&out, "cargo build of the kv examples");
        // Where cargo put them: the "executable" of each artifact message.
        let find = |name: &str| {
            stdout(&out)
                .lines()
                .filter_map(|l| l.split("\"executable\":\"").nth(1))
                .filter_map(|rest| rest.split('"').next())
                .map(PathBuf::from)
                .find(|p| p.file_stem().is_some_and(|s| s == name))
                .unwrap_or_else(|| panic!("cargo did not report the {name} executable"))
        };
        Bins {
            server: find("kv_server"),
            client: find("kv_client"),
        }
    })
}

/// Certificates, the Python programs and the calls, written once per test
/// binary into a directory of its own.
struct Fixture {
    pki: support::ThrowawayPki,
    other_cert: PathBuf,
    other_key: PathBuf,
    py_server: PathBuf,
    py_session: PathBuf,
    py_requests: PathBuf,
    calls: Vec<PathBuf>,
}

impl Fixture {
    fn ca_only(&self) -> Vec<PathBuf> {
        vec![self.pki.ca.clone()]
    }

    fn client_creds(&self) -> Vec<PathBuf> {
        vec![
            self.pki.ca.clone(),
            self.pki.client_cert.clone(),
            self.pki.client_key.clone(),
        ]
    }
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        require_python();
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("examples_kv");
        remove_stale_dirs(&root);
        let dir = root.join(std::process::id().to_string());
        let pki = support::ThrowawayPki::create(&dir).expect("throw-away PKI");
        let (other_cert, other_key) = other_ca_client(&dir).expect("a client of another CA");
        let write = |name: &str, text: &str| {
            let path = dir.join(name);
            std::fs::write(&path, text).expect("write a test file");
            path
        };
        let calls = calls()
            .iter()
            .enumerate()
            .map(|(i, c)| write(&format!("call-{i:02}.xml"), c))
            .collect();
        Fixture {
            pki,
            other_cert,
            other_key,
            py_server: write("kv_server.py", PY_SERVER),
            py_session: write("kv_session.py", PY_SESSION),
            py_requests: write("kv_requests.py", PY_REQUESTS),
            calls,
        }
    })
}

/// Removes the directories of earlier runs whose process is gone.
fn remove_stale_dirs(root: &Path) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let alive = name
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
            .is_some_and(|pid| Path::new(&format!("/proc/{pid}")).exists());
        if !alive {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// A client certificate and key from a CA the servers do not trust (its
/// own name and key), made with `sslwrap::testing`.
fn other_ca_client(dir: &Path) -> Result<(PathBuf, PathBuf), sslwrap::SslError> {
    let ca = CertificateAuthority::builder()
        .common_name("sslwrap test: another CA")
        .organization("")
        .organization_unit("")
        .build()?;
    let client = ca
        .leaf()
        .common_name("client of another CA")
        .organization("")
        .organization_unit("")
        .server_auth(false)
        .client_auth(true)
        .issue(&[])?;
    let files = client.write_to(dir, "other-client")?;
    Ok((files.certfile, files.keyfile))
}

fn require_python() {
    let ok = Command::new("python3")
        .args(["-c", "import ssl, xmlrpc.client; ssl.wrap_socket"])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "these tests need python3 (CPython 3.11, whose ssl.wrap_socket the Cookbook's \
         server uses): apt-get install python3"
    );
}

fn require_requests() {
    let out = Command::new("python3")
        .args(["-c", "import requests"])
        .output();
    assert!(
        out.as_ref().is_ok_and(|o| o.status.success()),
        "this test needs the Python package `requests` (pip install requests, or \
         apt-get install python3-requests): {out:?}"
    );
}

fn require_curl() {
    let ok = Command::new("curl")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(ok, "this test needs curl: apt-get install curl");
}

// --- processes ----------------------------------------------------------------

#[derive(Debug, Clone, Copy)]
enum Impl {
    Rust,
    Python,
}

/// A running server, killed on drop. Its stdout lines arrive on a channel;
/// stderr is kept for the failure messages.
struct Server {
    child: Child,
    port: u16,
    lines: Receiver<String>,
    seen: Vec<String>,
    stderr: Arc<Mutex<Vec<u8>>>,
}

impl Server {
    /// Starts the server and waits (bounded) for `listening on HOST:PORT`.
    fn start(which: Impl, mutual: bool) -> Server {
        let f = fixture();
        let mut cmd = match which {
            Impl::Rust => {
                let mut cmd = Command::new(&bins().server);
                cmd.arg("--certfile")
                    .arg(&f.pki.server_cert)
                    .arg("--keyfile")
                    .arg(&f.pki.server_key)
                    .args(["--port", "0"]);
                if mutual {
                    cmd.arg("--cafile")
                        .arg(&f.pki.ca)
                        .arg("--require-client-cert");
                }
                cmd
            }
            Impl::Python => {
                let mut cmd = Command::new("python3");
                cmd.arg("-u")
                    .arg(&f.py_server)
                    .arg(&f.pki.server_cert)
                    .arg(&f.pki.server_key);
                if mutual {
                    cmd.arg(&f.pki.ca);
                }
                cmd
            }
        };
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start the {which:?} server: {e}"));
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let mut pipe = child.stderr.take().expect("piped stderr");
        let sink = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut buf = [0; 4096];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        let mut server = Server {
            child,
            port: 0,
            lines,
            seen: Vec::new(),
            stderr,
        };
        let line = server.wait_line(|l| l.starts_with("listening on "), READY_LIMIT);
        server.port = line
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in {line:?}"));
        server
    }

    /// The next line matching `pred`, waiting at most `limit`.
    fn wait_line(&mut self, pred: impl Fn(&str) -> bool, limit: Duration) -> String {
        let deadline = Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if pred(&line) {
                        return line;
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    panic!("no such line within {limit:?}\n{}", self.transcript())
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("the server exited\n{}", self.transcript())
                }
            }
        }
    }

    /// The lines printed so far and not yet read.
    fn drain(&mut self) -> Vec<String> {
        let lines: Vec<String> = self.lines.try_iter().collect();
        self.seen.extend(lines.iter().cloned());
        lines
    }

    /// What the server printed, for failure messages.
    fn transcript(&self) -> String {
        format!(
            "--- server stdout:\n{}\n--- server stderr:\n{}",
            self.seen.join("\n"),
            String::from_utf8_lossy(&self.stderr.lock().unwrap())
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs a client to the end, bounded by [`RUN_LIMIT`].
fn run(cmd: Command, what: &str) -> Output {
    run_limited(cmd, RUN_LIMIT, what)
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn assert_success(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} failed ({}):\n--- stdout:\n{}\n--- stderr:\n{}",
        out.status,
        stdout(out),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Compares two outputs line by line, naming the first difference.
fn assert_same_lines(a: &str, b: &str, a_name: &str, b_name: &str) {
    let (la, lb): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    for (i, (x, y)) in la.iter().zip(&lb).enumerate() {
        assert_eq!(
            x,
            y,
            "line {} differs ({a_name} vs {b_name})\n--- {a_name}:\n{a}\n--- {b_name}:\n{b}",
            i + 1
        );
    }
    assert_eq!(
        la.len(),
        lb.len(),
        "{a_name} printed {} lines, {b_name} {}\n--- {a_name}:\n{a}\n--- {b_name}:\n{b}",
        la.len(),
        lb.len()
    );
}
