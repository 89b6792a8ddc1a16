//! The per-call metrics: a [`CallObserver`] recording through the `metrics` facade.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock, RwLock};

use leanrpc_core::observe::OTHER_METHOD;
use leanrpc_core::{CallInfo, CallObserver, CallOutcome};
use metrics::{Gauge, Histogram};

use crate::names;

/// The most distinct error codes kept apart per method; further ones are labelled `_OTHER`.
pub const MAX_CODES_PER_METHOD: usize = 16;

/// Records every call's duration by method and status code, the calls in flight and the batch
/// sizes, through the [`metrics`] facade (so into whatever recorder the process installed:
/// [`crate::install_prometheus`] for Prometheus). Give it to `ServerBuilder::observer`.
///
/// Metric handles are made on first use and kept, one set per method: a call costs a map
/// lookup under a read lock, two clock readings and a few atomic operations.
#[derive(Debug, Default)]
pub struct CallMetrics {
    methods: RwLock<HashMap<Box<str>, MethodMetrics, foldhash::fast::RandomState>>,
    in_flight: OnceLock<Gauge>,
    batch: OnceLock<Histogram>,
}

#[derive(Debug)]
struct MethodMetrics {
    method: String,
    ok: OnceLock<Histogram>,
    cancelled: OnceLock<Histogram>,
    errors: Mutex<Vec<(i32, Histogram)>>,
    other: OnceLock<Histogram>,
}

impl MethodMetrics {
    fn new(method: &str) -> Self {
        Self {
            method: method.to_owned(),
            ok: OnceLock::new(),
            cancelled: OnceLock::new(),
            errors: Mutex::new(Vec::new()),
            other: OnceLock::new(),
        }
    }

    /// Records one call's duration under its status code.
    fn record(&self, outcome: &CallOutcome, seconds: f64) {
        let Some(code) = outcome.error else {
            let (cell, label) = if outcome.completed {
                (&self.ok, "OK")
            } else {
                (&self.cancelled, "cancelled")
            };
            cell.get_or_init(|| duration(&self.method, label.to_owned()))
                .record(seconds);
            return;
        };
        let code = code.code();
        let mut errors = self.errors.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, histogram)) = errors.iter().find(|(c, _)| *c == code) {
            histogram.record(seconds);
        } else if errors.len() >= MAX_CODES_PER_METHOD {
            self.other
                .get_or_init(|| duration(&self.method, OTHER_METHOD.to_owned()))
                .record(seconds);
        } else {
            let histogram = duration(&self.method, code.to_string());
            histogram.record(seconds);
            errors.push((code, histogram));
        }
    }
}

fn duration(method: &str, code: String) -> Histogram {
    metrics::histogram!(
        names::CALL_DURATION,
        "rpc_method" => method.to_owned(),
        "rpc_response_status_code" => code,
    )
}

impl CallMetrics {
    /// Metrics recorded into the process's recorder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a call of method `label`: under the read lock when the method was seen before.
    fn record(&self, label: &str, outcome: &CallOutcome) {
        let seconds = outcome.elapsed.as_secs_f64();
        {
            let methods = self.methods.read().unwrap_or_else(|e| e.into_inner());
            if let Some(found) = methods.get(label) {
                found.record(outcome, seconds);
                return;
            }
        }
        let mut methods = self.methods.write().unwrap_or_else(|e| e.into_inner());
        methods
            .entry(label.into())
            .or_insert_with(|| MethodMetrics::new(label))
            .record(outcome, seconds);
    }

    fn in_flight(&self) -> &Gauge {
        self.in_flight
            .get_or_init(|| metrics::gauge!(names::CALLS_IN_FLIGHT))
    }
}

impl CallObserver for CallMetrics {
    fn on_call_start(&self, _call: &CallInfo<'_>) {
        self.in_flight().increment(1.0);
    }

    fn on_call_end(&self, call: &CallInfo<'_>, outcome: &CallOutcome) {
        self.in_flight().decrement(1.0);
        // `method_label` is a mounted method's canonical name or `_OTHER`: never a name as sent.
        self.record(call.method_label(), outcome);
    }

    fn on_batch(&self, len: usize) {
        self.batch
            .get_or_init(|| metrics::histogram!(names::BATCH_SIZE))
            .record(len as f64);
    }
}
