//! Ratios measured side by side. Criterion times one contender after another, so a burst of
//! other work on a shared machine lands on one of them and moves their ratio by tens of per
//! cent. Here every round times each contender for the same number of iterations, back to back
//! in an order that rotates from round to round; a round's ratios compare contenders that ran
//! under the same conditions, and the table reports the median ratio over all rounds with its
//! interquartile range.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Rounds per case: odd, so the median is one of them.
const ROUNDS: usize = 101;
/// How long each contender runs in a round.
const SLICE: Duration = Duration::from_millis(2);

/// One contender's nanoseconds per call, one figure per round, in round order.
struct Timings {
    name: &'static str,
    per_round: Vec<f64>,
}

struct Case {
    group: &'static str,
    timings: Vec<Timings>,
}

static CASES: Mutex<Vec<Case>> = Mutex::new(Vec::new());

/// Whether the command line asks for `group`: no filter, or a filter it contains (criterion's
/// own rule for the positional filter argument). `--test` and `--list` ask for none.
fn wanted(group: &str) -> bool {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--test" || a == "--list") {
        return false;
    }
    let filters: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    filters.is_empty() || filters.iter().any(|f| group.contains(f.as_str()))
}

/// Times `contenders` side by side for `group`, and keeps the figures for [`print`]. Each
/// contender runs one call per invocation and `black_box`es its answer.
pub(crate) fn measure(group: &'static str, contenders: &mut [(&'static str, &mut dyn FnMut())]) {
    if !wanted(group) || contenders.is_empty() {
        return;
    }
    // Warm every contender up, and size one slice from the slowest.
    let mut slowest = Duration::ZERO;
    for (_, run) in contenders.iter_mut() {
        let start = Instant::now();
        for _ in 0..1000 {
            run();
        }
        slowest = slowest.max(start.elapsed() / 1000);
    }
    let iterations = (SLICE.as_nanos() / slowest.as_nanos().max(1)).clamp(10, 1_000_000) as u32;
    let mut timings: Vec<Timings> = contenders
        .iter()
        .map(|(name, _)| Timings {
            name,
            per_round: Vec::with_capacity(ROUNDS),
        })
        .collect();
    let n = contenders.len();
    for round in 0..ROUNDS {
        let mut this_round = vec![0.0; n];
        for k in 0..n {
            let who = (round + k) % n;
            let run = &mut contenders[who].1;
            let start = Instant::now();
            for _ in 0..iterations {
                run();
            }
            this_round[who] = start.elapsed().as_nanos() as f64 / f64::from(iterations);
        }
        for (t, ns) in timings.iter_mut().zip(this_round) {
            t.per_round.push(ns);
        }
    }
    CASES
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .push(Case { group, timings });
}

/// The median and the quartiles of `values`.
fn quartiles(mut values: Vec<f64>) -> (f64, f64, f64) {
    values.sort_by(f64::total_cmp);
    let at = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.25), at(0.75))
}

fn figures<'a>(case: &'a Case, name: &str) -> Option<&'a [f64]> {
    case.timings
        .iter()
        .find(|t| t.name == name)
        .map(|t| t.per_round.as_slice())
}

/// `a / b` round by round: median and quartiles, as `1.23× (1.20–1.27)`.
fn ratio(case: &Case, a: &str, b: &str) -> String {
    match (figures(case, a), figures(case, b)) {
        (Some(a), Some(b)) => {
            let ratios = a.iter().zip(b).map(|(x, y)| x / y).collect();
            let (median, low, high) = quartiles(ratios);
            format!("{median:.2}× ({low:.2}–{high:.2})")
        }
        _ => "–".to_owned(),
    }
}

fn ns(case: &Case, name: &str) -> String {
    figures(case, name).map_or_else(
        || "–".to_owned(),
        |f| format!("{:.0}", quartiles(f.to_vec()).0),
    )
}

/// Prints the side-by-side table (Markdown), when any case was measured.
pub(crate) fn print(titles: &[(&str, &str)]) {
    let cases = CASES
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if cases.is_empty() {
        return;
    }
    println!();
    println!(
        "Side by side: {ROUNDS} rounds per case, each contender {} ms per round in rotating \
         order; ns are medians over rounds, ratios the median of the rounds' ratios \
         (interquartile range in brackets).",
        SLICE.as_millis()
    );
    println!();
    println!(
        "| case | leanrpc ns | jsonrpsee ns | floor ns | leanrpc / floor | leanrpc / jsonrpsee |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for case in cases.iter() {
        let title = titles
            .iter()
            .find(|(group, _)| *group == case.group)
            .map_or(case.group, |(_, title)| title);
        println!(
            "| {title} | {} | {} | {} | {} | {} |",
            ns(case, "leanrpc"),
            ns(case, "jsonrpsee"),
            ns(case, "floor"),
            ratio(case, "leanrpc", "floor"),
            ratio(case, "leanrpc", "jsonrpsee"),
        );
        if figures(case, "leanrpc_no_auth").is_some() {
            println!(
                "| same call, `Endpoint::handle` without auth | {} | | | authenticated / unauthenticated: {} | |",
                ns(case, "leanrpc_no_auth"),
                ratio(case, "leanrpc", "leanrpc_no_auth"),
            );
        }
    }
}
