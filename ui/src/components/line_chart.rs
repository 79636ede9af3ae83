//! A line chart drawn as SVG by Yew itself: axes, grid, a line and labelled points.

use crate::number::{fixed1, text};
use yew::prelude::*;

const WIDTH: f64 = 560.0;
const HEIGHT: f64 = 280.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 36.0;
const GRID_LINES: usize = 4;

#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub label: String,
    pub value: f64,
}

/// Values to a compact label: 1234 → "1.2k", 58200 → "58.2k".
pub fn compact(value: f64) -> String {
    let abs = value.abs();
    let (scaled, suffix) = if abs >= 1e9 {
        (value / 1e9, "B")
    } else if abs >= 1e6 {
        (value / 1e6, "M")
    } else if abs >= 1e3 {
        (value / 1e3, "k")
    } else {
        (value, "")
    };
    let digits = fixed1(scaled);
    format!("{}{suffix}", digits.trim_end_matches(".0"))
}

/// A round step (1, 2 or 5 × 10ⁿ) that splits `span` into about `parts`.
fn nice_step(span: f64, parts: usize) -> f64 {
    let raw = span / parts as f64;
    if !raw.is_finite() || raw <= 0.0 {
        return 1.0;
    }
    // The power of ten at or below `raw`, by steps (no float log/pow).
    let mut magnitude = 1.0;
    while magnitude * 10.0 <= raw {
        magnitude *= 10.0;
    }
    while magnitude > raw {
        magnitude /= 10.0;
    }
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    if step > 0.0 {
        step
    } else {
        1.0
    }
}

/// The y range on round numbers: from 0 (or below the lowest negative value)
/// to the first grid line above the highest value.
fn y_range(points: &[Point]) -> (f64, f64, f64) {
    let max = points.iter().map(|p| p.value).fold(f64::MIN, f64::max);
    let min = points.iter().map(|p| p.value).fold(f64::MAX, f64::min);
    let span = (max.max(0.0) - min.min(0.0)).max(1.0);
    let step = nice_step(span, GRID_LINES);
    let low = (min.min(0.0) / step).floor() * step;
    let high = low + step * ((max.max(0.0) - low) / step).floor() + step;
    (low, high, step)
}

/// The chart of `points` under `title`. A plain function, not a component:
/// each component costs its own copy of Yew's lifecycle in the bundle.
pub fn line_chart(title: String, points: &[Point]) -> Html {
    if points.is_empty() {
        return html! { <p class="muted">{ "No data for this period." }</p> };
    }
    let (low, high, y_step) = y_range(points);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let x_step = if points.len() > 1 {
        plot_w / (points.len() - 1) as f64
    } else {
        0.0
    };
    let x =
        |i: usize| LEFT + x_step * i as f64 + if points.len() == 1 { plot_w / 2.0 } else { 0.0 };
    let y = |v: f64| TOP + plot_h * (1.0 - (v - low) / (high - low));
    let line: String = points
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{},{}", fixed1(x(i)), fixed1(y(p.value))))
        .collect::<Vec<_>>()
        .join(" ");
    let lines = ((high - low) / y_step).round() as usize;
    let grid = (0..=lines).map(|k| {
        let value = low + y_step * k as f64;
        let gy = fixed1(y(value));
        html! {
            <g class="grid">
                <line x1={text(LEFT)} x2={text(WIDTH - RIGHT)} y1={gy.clone()} y2={gy.clone()} />
                <text x={text(LEFT - 8.0)} y={gy} text-anchor="end" dominant-baseline="middle">
                    { compact(value) }
                </text>
            </g>
        }
    });
    let dots = points.iter().enumerate().map(|(i, p)| {
        html! {
            <g class="point">
                <circle cx={fixed1(x(i))} cy={fixed1(y(p.value))} r="4">
                    <title>{ format!("{}: {}", p.label, text(p.value)) }</title>
                </circle>
                <text class="x-label" x={fixed1(x(i))} y={text(HEIGHT - 12.0)}
                    text-anchor="middle">{ p.label.clone() }</text>
            </g>
        }
    });
    let summary = format!(
        "{}: {} values from {} to {}",
        title,
        points.len(),
        points.first().map(|p| p.label.as_str()).unwrap_or_default(),
        points.last().map(|p| p.label.as_str()).unwrap_or_default()
    );
    html! {
        <figure class="chart">
            <figcaption>{ title }</figcaption>
            <svg viewBox={format!("0 0 {} {}", text(WIDTH), text(HEIGHT))} role="img" aria-label={summary}
                preserveAspectRatio="xMidYMid meet">
                { for grid }
                <polyline class="line" points={line} />
                { for dots }
            </svg>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_labels() {
        assert_eq!(compact(58_200.0), "58.2k");
        assert_eq!(compact(1_000.0), "1k");
        assert_eq!(compact(950.0), "950");
        assert_eq!(compact(2_500_000.0), "2.5M");
    }

    #[test]
    fn y_range_is_round_from_zero_with_headroom() {
        let points = |values: &[f64]| {
            values
                .iter()
                .map(|v| Point {
                    label: String::new(),
                    value: *v,
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(y_range(&points(&[10.0, 20.0])), (0.0, 25.0, 5.0));
        assert_eq!(y_range(&points(&[1434.0, 1732.0])), (0.0, 2000.0, 500.0));
        assert_eq!(y_range(&points(&[-30.0, 70.0])), (-50.0, 100.0, 50.0));
    }
}
