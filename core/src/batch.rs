//! Many enterprises at once: outcome per (record, rule) in long form, in parallel across cores
//! (sequentially in WebAssembly, which has no threads). Only hazards and undetermined rules are
//! traced, for their citations and missing facts; everything else takes the allocation-free path.

use serde_json::Value as Json;

use crate::error::Error;
use crate::facts::Facts;
use crate::library::{EvaluateOptions, Library};
use crate::report::Outcome;

/// A rule column of a batch: what every row of it shares.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BatchRule {
    pub standard: String,
    pub rule: String,
    pub title: String,
    pub citations: Vec<String>,
    pub superseded: bool,
}

/// One (record, rule) result.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BatchCell {
    pub outcome: Outcome,
    /// For hazards: citations added by the facts (e.g. 第十四条 for a failed device).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extra_citations: Vec<String>,
    /// For undetermined rules: the facts that would decide them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
}

/// One record's results, or why its facts were rejected.
pub type BatchRecord = Result<Vec<BatchCell>, Error>;

#[derive(Debug, Clone)]
pub struct BatchOutput {
    pub rules: Vec<BatchRule>,
    pub records: Vec<BatchRecord>,
}

impl Library {
    /// The rule columns a batch with these options produces.
    pub fn batch_rules(&self, opts: &EvaluateOptions) -> Result<Vec<BatchRule>, Error> {
        let c = self.compiled();
        let report = self.evaluate(
            &Facts::empty(),
            &EvaluateOptions {
                explain: false,
                ..opts.clone()
            },
        )?;
        Ok(report
            .findings
            .iter()
            .filter_map(|f| {
                let r = c.rules.iter().find(|r| r.id == f.rule)?;
                Some(BatchRule {
                    standard: f.standard.clone(),
                    rule: r.id.clone(),
                    title: r.title.clone(),
                    citations: r.citations.clone(),
                    superseded: f.superseded,
                })
            })
            .collect())
    }

    /// Evaluates one record for a batch.
    pub fn evaluate_cells(
        &self,
        facts: &Facts,
        opts: &EvaluateOptions,
    ) -> Result<Vec<BatchCell>, Error> {
        let opts = EvaluateOptions {
            explain: false,
            ..opts.clone()
        };
        let report = self.evaluate(facts, &opts)?;
        Ok(report
            .findings
            .into_iter()
            .map(|f| {
                let base = self
                    .compiled()
                    .rules
                    .iter()
                    .find(|r| r.id == f.rule)
                    .map(|r| r.citations.len())
                    .unwrap_or(0);
                BatchCell {
                    outcome: f.outcome,
                    extra_citations: f.citations.into_iter().skip(base).collect(),
                    missing: f.missing,
                }
            })
            .collect())
    }

    /// Evaluates JSON records in parallel; `threads` 0 means one per core.
    pub fn evaluate_batch(
        &self,
        records: &[Json],
        opts: &EvaluateOptions,
        threads: usize,
    ) -> Result<BatchOutput, Error> {
        let rules = self.batch_rules(opts)?;
        let one = |j: &Json| -> BatchRecord {
            let facts = self.facts(j)?;
            self.evaluate_cells(&facts, opts)
        };
        let records = parallel_map(records, threads, one);
        Ok(BatchOutput { rules, records })
    }
}

/// Maps `f` over `items`, preserving order, on up to `threads` threads.
pub fn parallel_map<T: Sync, U: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(&T) -> U + Sync,
) -> Vec<U> {
    #[cfg(target_arch = "wasm32")]
    {
        let _ = threads;
        items.iter().map(f).collect()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let n = if threads == 0 {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        } else {
            threads
        };
        if n <= 1 || items.len() < 64 {
            return items.iter().map(f).collect();
        }
        let chunk = items.len().div_ceil(n);
        let f = &f;
        std::thread::scope(|s| {
            let handles: Vec<_> = items
                .chunks(chunk)
                .map(|part| s.spawn(move || part.iter().map(f).collect::<Vec<U>>()))
                .collect();
            let mut out = Vec::with_capacity(items.len());
            for h in handles {
                match h.join() {
                    Ok(v) => out.extend(v),
                    // A worker cannot panic (the library denies panics), but never lose rows if one did.
                    Err(e) => std::panic::resume_unwind(e),
                }
            }
            out
        })
    }
}
