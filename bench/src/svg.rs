//! The throughput-by-write-size plot, as a hand-written SVG: log2 write
//! size across, log10 MB/s up, one line per contender.

use std::fmt::Write;

const COLORS: [&str; 10] = [
    "#7f7f7f", "#1f77b4", "#17becf", "#d62728", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b",
    "#e377c2", "#bcbd22",
];

pub struct Series {
    pub name: String,
    pub dashed: bool,
    pub points: Vec<(usize, f64)>,
}

fn size_label(n: usize) -> String {
    if n >= 1024 {
        format!("{} KiB", n / 1024)
    } else {
        format!("{n} B")
    }
}

pub fn plot(title: &str, subtitle: &str, series: &[Series]) -> String {
    let (w, h) = (960.0, 560.0);
    let (left, right, top, bottom) = (80.0, 220.0, 60.0, 60.0);
    let (pw, ph) = (w - left - right, h - top - bottom);
    let sizes: Vec<usize> = {
        let mut s: Vec<usize> = series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.0))
            .collect();
        s.sort_unstable();
        s.dedup();
        s
    };
    let values = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .filter(|v| *v > 0.0);
    let (mut lo, mut hi) = (f64::MAX, 0.0f64);
    for v in values {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if sizes.is_empty() || hi <= 0.0 {
        lo = 1.0;
        hi = 10.0;
    }
    let (ylo, yhi) = (
        lo.log10().floor(),
        hi.log10().ceil().max(lo.log10().floor() + 1.0),
    );
    let (xlo, xhi) = (
        (*sizes.first().unwrap_or(&64) as f64).log2(),
        (*sizes.last().unwrap_or(&65536) as f64)
            .log2()
            .max(1.0 + (*sizes.first().unwrap_or(&64) as f64).log2()),
    );
    let x = |n: usize| left + ((n as f64).log2() - xlo) / (xhi - xlo) * pw;
    let y = |v: f64| top + ph - (v.log10() - ylo) / (yhi - ylo) * ph;

    let mut o = String::new();
    let _ = writeln!(
        o,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="sans-serif" font-size="12">"##
    );
    let _ = writeln!(o, r##"<rect width="100%" height="100%" fill="white"/>"##);
    let _ = writeln!(
        o,
        r##"<text x="{}" y="24" font-size="16" font-weight="bold">{}</text>"##,
        left,
        esc(title)
    );
    let _ = writeln!(
        o,
        r##"<text x="{}" y="42" fill="#555">{}</text>"##,
        left,
        esc(subtitle)
    );
    // Grid: 1, 2, 5 per decade.
    let mut decade = ylo as i32;
    while decade as f64 <= yhi {
        for m in [1.0, 2.0, 5.0] {
            let v = m * 10f64.powi(decade);
            if v.log10() < ylo - 1e-9 || v.log10() > yhi + 1e-9 {
                continue;
            }
            let yy = y(v);
            let stroke = if m == 1.0 { "#bbb" } else { "#e4e4e4" };
            let _ = writeln!(
                o,
                r##"<line x1="{left}" y1="{yy:.1}" x2="{:.1}" y2="{yy:.1}" stroke="{stroke}"/>"##,
                left + pw
            );
            let _ = writeln!(
                o,
                r##"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"##,
                left - 6.0,
                yy + 4.0,
                fmt_num(v)
            );
        }
        decade += 1;
    }
    for &n in &sizes {
        let xx = x(n);
        let _ = writeln!(
            o,
            r##"<line x1="{xx:.1}" y1="{top}" x2="{xx:.1}" y2="{:.1}" stroke="#e4e4e4"/>"##,
            top + ph
        );
        let _ = writeln!(
            o,
            r##"<text x="{xx:.1}" y="{:.1}" text-anchor="middle">{}</text>"##,
            top + ph + 18.0,
            size_label(n)
        );
    }
    let _ = writeln!(
        o,
        r##"<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="#333"/>"##
    );
    let _ = writeln!(
        o,
        r##"<text x="{:.1}" y="{:.1}" text-anchor="middle">bytes per write (log scale)</text>"##,
        left + pw / 2.0,
        h - 14.0
    );
    let _ = writeln!(
        o,
        r##"<text transform="translate(20 {:.1}) rotate(-90)" text-anchor="middle">MB/s (10^6 bytes per second, log scale)</text>"##,
        top + ph / 2.0
    );
    for (i, s) in series.iter().enumerate() {
        let color = COLORS[i % COLORS.len()];
        let pts: Vec<String> = s
            .points
            .iter()
            .filter(|p| p.1 > 0.0)
            .map(|&(n, v)| format!("{:.1},{:.1}", x(n), y(v)))
            .collect();
        let dash = if s.dashed {
            r##" stroke-dasharray="6 4""##
        } else {
            ""
        };
        let _ = writeln!(
            o,
            r##"<polyline points="{}" fill="none" stroke="{color}" stroke-width="2"{dash}/>"##,
            pts.join(" ")
        );
        for p in &pts {
            let (px, py) = p.split_once(',').unwrap_or(("0", "0"));
            let _ = writeln!(o, r##"<circle cx="{px}" cy="{py}" r="3" fill="{color}"/>"##);
        }
        let ly = top + 10.0 + i as f64 * 20.0;
        let lx = left + pw + 16.0;
        let _ = writeln!(
            o,
            r##"<line x1="{lx}" y1="{ly}" x2="{:.1}" y2="{ly}" stroke="{color}" stroke-width="2"{dash}/>"##,
            lx + 28.0
        );
        let _ = writeln!(
            o,
            r##"<text x="{:.1}" y="{:.1}">{}</text>"##,
            lx + 34.0,
            ly + 4.0,
            esc(&s.name)
        );
    }
    o.push_str("</svg>\n");
    o
}

fn fmt_num(v: f64) -> String {
    if v >= 1.0 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
