//! The summary table: criterion's median for each case and contender, and the ratios the
//! targets are stated in.

use std::path::PathBuf;

pub(crate) const CASES: [(&str, &str); 7] = [
    ("single_positional", "positional call `subtract [42,23]`"),
    (
        "single_named",
        "named-param call `subtract {subtrahend, minuend}`",
    ),
    ("get_decoded", "GET-decoded call (query → call)"),
    ("batch_100", "batch of 100 positional calls"),
    ("string_64k", "call with a 64 KiB string param"),
    ("auth_cached_key", "authenticated call, cached key"),
    ("reference", "`block_on` of a ready future"),
];

/// Where criterion wrote its results: as criterion itself decides, `$CRITERION_HOME`, then
/// `$CARGO_TARGET_DIR/criterion`, then the target directory this bench binary was built in.
fn criterion_dir() -> Option<PathBuf> {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return Some(home.into());
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return Some(PathBuf::from(target).join("criterion"));
    }
    // target/release/deps/inprocess-HASH
    let exe = std::env::current_exe().ok()?;
    Some(exe.parent()?.parent()?.parent()?.join("criterion"))
}

/// The median of `group/function` in nanoseconds, from the latest run.
fn median(group: &str, function: &str) -> Option<f64> {
    let path = criterion_dir()?
        .join(group)
        .join(function)
        .join("new")
        .join("estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json["median"]["point_estimate"].as_f64()
}

fn ns(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_owned(), |v| format!("{v:.0}"))
}

fn ratio(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.2}×", a / b),
        _ => "–".to_owned(),
    }
}

/// Prints the table (Markdown), unless criterion only listed or tested the benches.
pub(crate) fn print() {
    let quick = std::env::args().any(|a| a == "--test" || a == "--list");
    if quick {
        return;
    }
    println!();
    println!(
        "| case | leanrpc ns | jsonrpsee ns | floor ns | leanrpc / floor | leanrpc / jsonrpsee |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for (group, title) in CASES {
        if group == "reference" {
            let v = median(group, "block_on_ready");
            if v.is_some() {
                println!("| {title} | {} | | | | |", ns(v));
            }
            continue;
        }
        let (l, j, f) = (
            median(group, "leanrpc"),
            median(group, "jsonrpsee"),
            median(group, "floor"),
        );
        if l.is_none() && j.is_none() && f.is_none() {
            continue;
        }
        println!(
            "| {title} | {} | {} | {} | {} | {} |",
            ns(l),
            ns(j),
            ns(f),
            ratio(l, f),
            ratio(l, j)
        );
        if group == "auth_cached_key" {
            let open = median(group, "leanrpc_no_auth");
            if open.is_some() {
                println!(
                    "| same call, `Endpoint::handle` without auth | {} | | | authenticated / unauthenticated: {} | |",
                    ns(open),
                    ratio(l, open)
                );
            }
        }
    }
}
