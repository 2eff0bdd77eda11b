//! Bar charts drawn on the server as SVG: the geometry here, the markup in
//! the `bar_chart` macro of `admin/charts.html` (which escapes every label).
//! Each chart is a picture with a title and a summary; the numbers are
//! also in a table beside it, for screen readers and for copying.

use serde::Serialize;

use crate::theme::grouped;

/// The drawing's size in its own units (it scales to the page's width).
const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 220.0;
/// Room under the bars for labels, and left of them for the scale.
const BOTTOM: f64 = 24.0;
const LEFT: f64 = 48.0;
/// Horizontal rules across the chart, with their values.
const RULES: i64 = 4;

#[derive(Debug, Serialize)]
pub struct BarChart {
    /// Unique on the page: the title's and summary's ids derive from it.
    pub id: &'static str,
    pub title: String,
    /// What a reader of the picture should take from it, in words.
    pub summary: String,
    pub width: f64,
    pub height: f64,
    pub bars: Vec<Bar>,
    pub rules: Vec<Rule>,
    /// Labels under some bars (a day's first hour, every few days).
    pub ticks: Vec<Tick>,
}

#[derive(Debug, Serialize)]
pub struct Bar {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    /// Said on hover: "Dec 6, 14:00: 312".
    pub label: String,
    pub value: i64,
}

#[derive(Debug, Serialize)]
pub struct Rule {
    pub y: f64,
    pub value: i64,
}

#[derive(Debug, Serialize)]
pub struct Tick {
    pub x: f64,
    pub label: String,
}

/// What the bars measure, for the summary in words.
#[derive(Debug, Clone, Copy)]
pub enum Reading {
    /// Counts in each period (views per hour): said as the total and the peak.
    PerPeriod,
    /// A level at each point (subscribers): said as where it ended and began.
    Level,
}

impl BarChart {
    /// Bars for `points` (label, value) in order; every `tick_every`th bar
    /// gets its label under the chart (`short_label` of it).
    pub fn new(
        id: &'static str,
        title: impl Into<String>,
        reading: Reading,
        points: &[(String, i64)],
        tick_every: usize,
        short_label: impl Fn(usize, &str) -> String,
    ) -> Self {
        let max = points.iter().map(|(_, v)| *v).max().unwrap_or(0);
        let top = nice_ceiling(max);
        let plot_height = HEIGHT - BOTTOM - 8.0;
        let slot = (WIDTH - LEFT) / points.len().max(1) as f64;
        let gap = (slot * 0.2).min(4.0);
        let scale = |v: i64| plot_height * v as f64 / top as f64;
        let bars = points
            .iter()
            .enumerate()
            .map(|(i, (label, value))| {
                let height = scale(*value);
                Bar {
                    x: round(LEFT + i as f64 * slot + gap / 2.0),
                    y: round(8.0 + plot_height - height),
                    width: round(slot - gap),
                    height: round(height),
                    label: format!("{label}: {}", grouped(*value)),
                    value: *value,
                }
            })
            .collect();
        let rules = (0..=RULES)
            .map(|n| {
                let value = top * n / RULES;
                Rule {
                    y: round(8.0 + plot_height - scale(value)),
                    value,
                }
            })
            .collect();
        let ticks = points
            .iter()
            .enumerate()
            .filter(|(i, _)| tick_every > 0 && i % tick_every == 0)
            .map(|(i, (label, _))| Tick {
                x: round(LEFT + i as f64 * slot + slot / 2.0),
                label: short_label(i, label),
            })
            .collect();
        let title = title.into();
        let summary = summary(&title, reading, points);
        Self {
            id,
            title,
            summary,
            width: WIDTH,
            height: HEIGHT,
            bars,
            rules,
            ticks,
        }
    }
}

/// The chart in a sentence.
fn summary(title: &str, reading: Reading, points: &[(String, i64)]) -> String {
    match (reading, points.first(), points.last()) {
        (_, None, _) | (_, _, None) => format!("{title}: none yet."),
        (Reading::PerPeriod, _, _) => {
            let total: i64 = points.iter().map(|(_, v)| v).sum();
            match points.iter().max_by_key(|(_, v)| *v) {
                Some((label, peak)) if *peak > 0 => format!(
                    "{title}: {} in all; the most, {}, at {label}.",
                    grouped(total),
                    grouped(*peak)
                ),
                _ => format!("{title}: none yet."),
            }
        }
        (Reading::Level, Some((first_label, first)), Some((last_label, last))) => format!(
            "{title}: {} at {last_label}, from {} at {first_label}.",
            grouped(*last),
            grouped(*first)
        ),
    }
}

/// The top of the scale: the smallest round number at or above `max` that
/// splits into [`RULES`] whole, round steps (steps of 1, 2, 2.5 or 5 times
/// a power of ten: 4, 8, 20, 40, 80, 100, 200…).
fn nice_ceiling(max: i64) -> i64 {
    let mut unit = 1;
    loop {
        let mut steps = vec![unit, 2 * unit, 5 * unit];
        if unit >= 10 {
            steps.insert(2, unit * 5 / 2);
        }
        if let Some(top) = steps.into_iter().map(|s| s * RULES).find(|t| *t >= max) {
            return top;
        }
        unit *= 10;
    }
}

fn round(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scale_ends_on_a_round_number_at_or_above_the_peak() {
        for (max, top) in [(0, 4), (3, 4), (7, 8), (40, 40), (95, 100), (1234, 2000)] {
            let got = nice_ceiling(max);
            assert!(got >= max && got % RULES == 0, "{max} -> {got}");
            assert_eq!(got, top, "{max}");
        }
    }

    #[test]
    fn bars_are_as_tall_as_their_share_of_the_scale() {
        let points = vec![("a".to_owned(), 50), ("b".to_owned(), 100)];
        let chart = BarChart::new("c", "Views", Reading::PerPeriod, &points, 1, |_, l| {
            l.to_owned()
        });
        assert_eq!(chart.bars.len(), 2);
        assert!((chart.bars[1].height - 2.0 * chart.bars[0].height).abs() < 0.2);
        assert_eq!(chart.rules.last().map(|r| r.value), Some(100));
        assert_eq!(chart.summary, "Views: 150 in all; the most, 100, at b.");
        let level = BarChart::new("s", "Subscribers", Reading::Level, &points, 1, |_, l| {
            l.to_owned()
        });
        assert_eq!(level.summary, "Subscribers: 100 at b, from 50 at a.");
    }
}
