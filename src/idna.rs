//! Python's `str.encode('idna')` for `server_hostname` (IDNA 2003, RFC 3490
//! ToASCII with RFC 3492 punycode), as `SSLContext._encode_hostname` does.
//!
//! Nameprep (RFC 3491) is done for what host names in practice contain:
//! case folding (`to_lowercase`, `ß` → `ss`, final sigma) and removing the
//! characters nameprep maps to nothing. Unicode NFKC normalisation and the
//! prohibited-character and bidi checks are not done: a name that needs
//! them yields a different A-label than Python's, which then fails
//! hostname verification (never the reverse).

use crate::error::SslError;

/// The A-label form of `name`: unchanged when ASCII (after Python's label
/// length checks), else each non-ASCII label as `xn--` + punycode.
pub(crate) fn encode(name: &str) -> Result<String, SslError> {
    if name.is_ascii() {
        check_ascii(name)?;
        return Ok(name.to_owned());
    }
    // Python's idna codec splits on these four dots.
    let mut labels: Vec<&str> = name
        .split(['.', '\u{3002}', '\u{ff0e}', '\u{ff61}'])
        .collect();
    let trailing_dot = labels.last().is_some_and(|l| l.is_empty());
    if trailing_dot {
        labels.pop();
    }
    let mut out = Vec::with_capacity(labels.len());
    for label in labels {
        out.push(to_ascii(label)?);
    }
    let mut joined = out.join(".");
    if trailing_dot {
        joined.push('.');
    }
    Ok(joined)
}

/// The ASCII fast path of Python's codec: every label but the last is 1 to
/// 63 characters, the last under 64.
fn check_ascii(name: &str) -> Result<(), SslError> {
    if name.is_empty() {
        return Ok(());
    }
    let labels: Vec<&str> = name.split('.').collect();
    let (last, rest) = labels.split_last().unwrap_or((&"", &[]));
    if rest.iter().any(|l| l.is_empty() || l.len() > 63) {
        return Err(idna_error("label empty or too long"));
    }
    if last.len() >= 64 {
        return Err(idna_error("label too long"));
    }
    Ok(())
}

/// RFC 3490 ToASCII of one label, as Python's `encodings.idna.ToASCII`.
fn to_ascii(label: &str) -> Result<String, SslError> {
    let prepared = nameprep(label);
    let encoded = if prepared.is_ascii() {
        prepared
    } else {
        if prepared.to_ascii_lowercase().starts_with("xn--") {
            return Err(idna_error("Label starts with ACE prefix"));
        }
        format!("xn--{}", punycode(&prepared))
    };
    if encoded.is_empty() || encoded.len() > 63 {
        return Err(idna_error("label empty or too long"));
    }
    Ok(encoded)
}

/// The part of RFC 3491 nameprep that host names need (see the module docs).
fn nameprep(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    for c in label.chars() {
        match c {
            // RFC 3454 B.1: mapped to nothing.
            '\u{ad}'
            | '\u{34f}'
            | '\u{1806}'
            | '\u{180b}'..='\u{180d}'
            | '\u{200b}'..='\u{200d}'
            | '\u{2060}'
            | '\u{fe00}'..='\u{fe0f}'
            | '\u{feff}' => {}
            // RFC 3454 B.2 case folding where it differs from lowercase.
            'ß' => out.push_str("ss"),
            'ς' => out.push('σ'),
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// RFC 3492 punycode encoding of `input` (without the `xn--` prefix).
fn punycode(input: &str) -> String {
    const BASE: u32 = 36;
    const TMIN: u32 = 1;
    const TMAX: u32 = 26;
    let code_points: Vec<u32> = input.chars().map(u32::from).collect();
    let mut output: String = input.chars().filter(char::is_ascii).collect();
    let basic = output.len() as u32;
    let mut handled = basic;
    if basic > 0 {
        output.push('-');
    }
    let (mut n, mut delta, mut bias) = (128u32, 0u32, 72u32);
    let total = code_points.len() as u32;
    while handled < total {
        let m = code_points
            .iter()
            .copied()
            .filter(|&c| c >= n)
            .min()
            .unwrap_or(n);
        delta = delta.saturating_add((m - n).saturating_mul(handled + 1));
        n = m;
        for &c in &code_points {
            if c < n {
                delta = delta.saturating_add(1);
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = if k <= bias {
                        TMIN
                    } else if k >= bias + TMAX {
                        TMAX
                    } else {
                        k - bias
                    };
                    if q < t {
                        break;
                    }
                    output.push(digit(t + (q - t) % (BASE - t)));
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                output.push(digit(q));
                bias = adapt(delta, handled + 1, handled == basic);
                delta = 0;
                handled += 1;
            }
        }
        delta = delta.saturating_add(1);
        n += 1;
    }
    output
}

fn adapt(delta: u32, points: u32, first: bool) -> u32 {
    let mut delta = if first { delta / 700 } else { delta / 2 };
    delta += delta / points;
    let mut k = 0;
    while delta > ((36 - 1) * 26) / 2 {
        delta /= 36 - 1;
        k += 36;
    }
    k + (36 * delta) / (delta + 38)
}

fn digit(d: u32) -> char {
    match d {
        0..=25 => char::from(b'a' + d as u8),
        _ => char::from(b'0' + (d - 26) as u8),
    }
}

fn idna_error(problem: &str) -> SslError {
    SslError::value_class(
        "UnicodeError",
        format!("encoding with 'idna' codec failed (UnicodeError: {problem})"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_pythons_idna_codec() {
        // python3 -c "print('könig.idn.pythontest.net'.encode('idna'))", …
        assert_eq!(
            encode("könig.idn.pythontest.net").unwrap(),
            "xn--knig-5qa.idn.pythontest.net"
        );
        assert_eq!(
            encode("königsgäßchen.idna2003.pythontest.net").unwrap(),
            "xn--knigsgsschen-lcb0w.idna2003.pythontest.net"
        );
        assert_eq!(encode("Bücher.example.").unwrap(), "xn--bcher-kva.example.");
        assert_eq!(encode("例え.テスト").unwrap(), "xn--r8jz45g.xn--zckzah");
        assert_eq!(encode("localhost").unwrap(), "localhost");
        assert_eq!(
            encode(".example.org").unwrap_err().to_string(),
            "encoding with 'idna' codec failed (UnicodeError: label empty or too long)"
        );
    }
}
