//! Charts: the confusion matrix (plotconfusion), the training curve (plotperform) and the
//! network diagram (view).

use crate::canvas::{Align, Canvas, Rgb, WHITE};

const GREEN: Rgb = Rgb(188, 230, 190);
const RED: Rgb = Rgb(245, 190, 185);
const GREY: Rgb = Rgb(225, 225, 225);
const BLUE: Rgb = Rgb(170, 195, 235);
const DARK: Rgb = Rgb(30, 30, 30);

/// plotconfusion: rows = output (predicted) class, columns = target (true) class, each cell
/// with its count and share of all samples; the last column holds each output class's
/// precision, the last row each target class's recall, the corner the overall accuracy.
/// `counts[t * c + p]` counts samples of true class t predicted as p.
pub fn confusion_matrix(counts: &[usize], class_names: &[String], title: &str) -> Canvas {
    let c = class_names.len();
    assert_eq!(counts.len(), c * c, "counts must be classes×classes");
    let total: usize = counts.iter().sum::<usize>().max(1);
    let cell = 64.0f32;
    let (left, top) = (90.0f32, 60.0f32);
    let size = cell * (c + 1) as f32;
    let mut cv = Canvas::new(
        (left + size + 20.0) as u32,
        (top + size + 60.0) as u32,
        WHITE,
    );
    cv.text(title, left + size / 2.0, 24.0, 16.0, DARK, Align::Centre);
    let get = |t: usize, p: usize| counts[t * c + p];
    let pct = |num: usize, den: usize| {
        if den == 0 {
            "NaN%".to_string()
        } else {
            format!("{:.1}%", 100.0 * num as f64 / den as f64)
        }
    };
    for p in 0..=c {
        for t in 0..=c {
            let (x, y) = (left + t as f32 * cell, top + p as f32 * cell);
            let (fill, line1, line2) = if p < c && t < c {
                let n = get(t, p);
                let fill = if n == 0 {
                    WHITE
                } else if p == t {
                    GREEN
                } else {
                    RED
                };
                (fill, n.to_string(), pct(n, total))
            } else if p < c {
                // Precision of output class p.
                let col: usize = (0..c).map(|tt| get(tt, p)).sum();
                (GREY, pct(get(p, p), col), "prec.".into())
            } else if t < c {
                let row: usize = (0..c).map(|pp| get(t, pp)).sum();
                (GREY, pct(get(t, t), row), "recall".into())
            } else {
                let correct: usize = (0..c).map(|i| get(i, i)).sum();
                (BLUE, pct(correct, total), "accuracy".into())
            };
            cv.fill_rect(x + 1.0, y + 1.0, cell - 2.0, cell - 2.0, fill);
            cv.text(
                &line1,
                x + cell / 2.0,
                y + cell / 2.0 - 2.0,
                13.0,
                DARK,
                Align::Centre,
            );
            cv.text(
                &line2,
                x + cell / 2.0,
                y + cell / 2.0 + 14.0,
                10.0,
                DARK,
                Align::Centre,
            );
        }
    }
    for (i, name) in class_names.iter().enumerate() {
        let mid = i as f32 * cell + cell / 2.0;
        cv.text(name, left - 8.0, top + mid + 5.0, 13.0, DARK, Align::Right);
        cv.text(
            name,
            left + mid,
            top + size + 18.0,
            13.0,
            DARK,
            Align::Centre,
        );
    }
    cv.text(
        "Target class",
        left + size / 2.0,
        top + size + 42.0,
        14.0,
        DARK,
        Align::Centre,
    );
    cv.text("Output", 8.0, top + size / 2.0, 14.0, DARK, Align::Left);
    cv.text(
        "class",
        8.0,
        top + size / 2.0 + 16.0,
        14.0,
        DARK,
        Align::Left,
    );
    cv
}

/// plotperform: performance per epoch on a log10 axis.
pub fn performance_curve(perf: &[f64], title: &str) -> Canvas {
    let (w, h) = (640.0f32, 400.0f32);
    let (left, right, top, bottom) = (80.0f32, 20.0f32, 40.0f32, 50.0f32);
    let mut cv = Canvas::new(w as u32, h as u32, WHITE);
    cv.text(title, w / 2.0, 24.0, 15.0, DARK, Align::Centre);
    let logs: Vec<f64> = perf.iter().map(|&p| p.max(1e-300).log10()).collect();
    let finite: Vec<f64> = logs.iter().cloned().filter(|v| v.is_finite()).collect();
    let lo = finite.iter().cloned().fold(f64::INFINITY, f64::min).floor();
    let mut hi = finite
        .iter()
        .cloned()
        .fold(f64::NEG_INFINITY, f64::max)
        .ceil();
    if !(lo.is_finite() && hi.is_finite()) {
        return cv;
    }
    if hi <= lo {
        hi = lo + 1.0;
    }
    let (pw, ph) = (w - left - right, h - top - bottom);
    let n = perf.len().max(2) - 1;
    let px = |i: usize| left + pw * i as f32 / n as f32;
    let py = |v: f64| top + ph * (1.0 - ((v - lo) / (hi - lo)) as f32);
    cv.polyline(
        &[(left, top), (left, top + ph), (left + pw, top + ph)],
        1.0,
        DARK,
    );
    let mut decade = lo;
    while decade <= hi {
        let y = py(decade);
        cv.polyline(&[(left, y), (left + pw, y)], 0.5, GREY);
        cv.text(
            &format!("1e{decade:.0}"),
            left - 6.0,
            y + 4.0,
            11.0,
            DARK,
            Align::Right,
        );
        decade += 1.0;
    }
    for k in 0..=4 {
        let i = n * k / 4;
        cv.text(
            &i.to_string(),
            px(i),
            top + ph + 16.0,
            11.0,
            DARK,
            Align::Centre,
        );
    }
    cv.text(
        "Epochs",
        left + pw / 2.0,
        h - 10.0,
        13.0,
        DARK,
        Align::Centre,
    );
    let pts: Vec<(f32, f32)> = logs
        .iter()
        .enumerate()
        .map(|(i, &v)| (px(i), py(v)))
        .collect();
    cv.polyline(&pts, 2.0, Rgb(40, 90, 200));
    cv
}

/// One block of the network diagram.
pub struct DiagramLayer {
    pub label: String,
    pub size: usize,
    pub transfer: String,
}

/// view(net): input → layers → output as an SVG diagram.
pub fn network_svg(inputs: usize, layers: &[DiagramLayer], title: &str) -> String {
    let bw = 150;
    let gap = 50;
    let width = 40 + (layers.len() + 2) * (bw + gap);
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"200\" font-family=\"sans-serif\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"{}\" y=\"28\" font-size=\"16\" text-anchor=\"middle\">{}</text>\n",
        width / 2,
        escape(title)
    );
    let mut x = 20;
    let block = |s: &mut String, x: usize, head: &str, body: &str, fill: &str| {
        s.push_str(&format!(
            "<rect x=\"{x}\" y=\"60\" width=\"{bw}\" height=\"90\" rx=\"8\" fill=\"{fill}\" stroke=\"#333\"/>\n\
             <text x=\"{}\" y=\"95\" font-size=\"14\" text-anchor=\"middle\">{}</text>\n\
             <text x=\"{}\" y=\"122\" font-size=\"13\" text-anchor=\"middle\">{}</text>\n",
            x + bw / 2,
            escape(head),
            x + bw / 2,
            escape(body)
        ));
    };
    let arrow = |s: &mut String, x: usize| {
        s.push_str(&format!(
            "<line x1=\"{}\" y1=\"105\" x2=\"{}\" y2=\"105\" stroke=\"#333\" stroke-width=\"2\"/>\n\
             <polygon points=\"{},100 {},105 {},110\" fill=\"#333\"/>\n",
            x + bw,
            x + bw + gap - 6,
            x + bw + gap - 8,
            x + bw + gap,
            x + bw + gap - 8
        ));
    };
    block(&mut s, x, "Input", &inputs.to_string(), "#eeeeee");
    arrow(&mut s, x);
    x += bw + gap;
    let mut last = inputs;
    for l in layers {
        block(
            &mut s,
            x,
            &l.label,
            &format!("{} · {}", l.size, l.transfer),
            "#dbe7fb",
        );
        arrow(&mut s, x);
        x += bw + gap;
        last = l.size;
    }
    block(&mut s, x, "Output", &last.to_string(), "#eeeeee");
    s.push_str("</svg>\n");
    s
}

fn escape(t: &str) -> String {
    t.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confusion_size_and_colours() {
        let names: Vec<String> = (0..2).map(|i| i.to_string()).collect();
        let c = confusion_matrix(&[3, 1, 0, 4], &names, "t");
        assert_eq!(c.width(), (90.0 + 64.0 * 3.0 + 20.0) as u32);
        let img = c.to_rgb();
        // Cell (output 0, target 0) is a correct cell: green; (output 0, target 1) is empty: white.
        assert_eq!(img.get_pixel(90 + 4, 60 + 4).0, [188, 230, 190]);
        assert_eq!(img.get_pixel(90 + 64 + 4, 60 + 4).0, [255, 255, 255]);
        // (output 1, target 0) holds one error: red.
        assert_eq!(img.get_pixel(90 + 4, 60 + 64 + 4).0, [245, 190, 185]);
    }

    #[test]
    fn svg_lists_layers() {
        let s = network_svg(
            784,
            &[DiagramLayer {
                label: "Encoder 1".into(),
                size: 100,
                transfer: "logsig".into(),
            }],
            "net",
        );
        assert!(s.contains("Encoder 1") && s.contains("100 · logsig") && s.contains(">784<"));
    }
}
