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
    /// The (standard, rule, applied outside its dates) triples a batch evaluates, in report order.
    fn planned(&self, opts: &EvaluateOptions) -> Result<Vec<(usize, usize, bool)>, Error> {
        let (plan, _) = self.plan(opts)?;
        let c = self.compiled();
        Ok(plan
            .iter()
            .flat_map(|(si, off)| {
                c.standards
                    .get(*si)
                    .into_iter()
                    .flat_map(move |s| s.rules.iter().map(move |r| (*si, *r as usize, *off)))
            })
            .collect())
    }

    /// The rule columns a batch with these options produces.
    pub fn batch_rules(&self, opts: &EvaluateOptions) -> Result<Vec<BatchRule>, Error> {
        let c = self.compiled();
        Ok(self
            .planned(opts)?
            .into_iter()
            .filter_map(|(si, ri, off)| {
                let (s, r) = (c.standards.get(si)?, c.rules.get(ri)?);
                Some(BatchRule {
                    standard: s.id.clone(),
                    rule: r.id.clone(),
                    title: r.title.clone(),
                    citations: r.citations.clone(),
                    superseded: off,
                })
            })
            .collect())
    }

    fn cells(
        &self,
        facts: &Facts,
        planned: &[(usize, usize, bool)],
        opts: &EvaluateOptions,
    ) -> Result<Vec<BatchCell>, Error> {
        let c = self.compiled();
        let mut out = Vec::with_capacity(planned.len());
        for (si, ri, off) in planned {
            let (Some(s), Some(rule)) = (c.standards.get(*si), c.rules.get(*ri)) else {
                continue;
            };
            let outcome = self.outcome(s, rule, facts, opts.as_of)?;
            // Only undetermined rules (for their missing facts) and hazards of standards that add
            // citations by reason (工贸 第十四条) are traced; every other cell costs one
            // allocation-free evaluation.
            let cell = if outcome == Outcome::Undetermined
                || (outcome == Outcome::Hazard && !s.cites_when.is_empty())
            {
                let f = self.evaluate_rule(s, rule, facts, opts, *off)?;
                let base = rule.citations.len();
                BatchCell {
                    outcome: f.outcome,
                    extra_citations: f.citations.into_iter().skip(base).collect(),
                    missing: f.missing,
                }
            } else {
                BatchCell {
                    outcome,
                    extra_citations: Vec::new(),
                    missing: Vec::new(),
                }
            };
            out.push(cell);
        }
        Ok(out)
    }

    /// Evaluates one record for a batch: one cell per rule of `batch_rules`.
    pub fn evaluate_cells(
        &self,
        facts: &Facts,
        opts: &EvaluateOptions,
    ) -> Result<Vec<BatchCell>, Error> {
        let opts = EvaluateOptions {
            explain: false,
            ..opts.clone()
        };
        let planned = self.planned(&opts)?;
        self.cells(facts, &planned, &opts)
    }

    /// Evaluates JSON records in parallel; `threads` 0 means one per core.
    pub fn evaluate_batch(
        &self,
        records: &[Json],
        opts: &EvaluateOptions,
        threads: usize,
    ) -> Result<BatchOutput, Error> {
        self.batch_of(records, opts, threads, |j| {
            self.facts(j)
                .map(std::borrow::Cow::Owned)
                .map_err(Error::from)
        })
    }

    /// Evaluates already-parsed facts in parallel.
    pub fn evaluate_facts_batch(
        &self,
        records: &[Facts],
        opts: &EvaluateOptions,
        threads: usize,
    ) -> Result<BatchOutput, Error> {
        self.batch_of(records, opts, threads, |f| {
            Ok(std::borrow::Cow::Borrowed(f))
        })
    }

    /// Plans once, then turns each record into facts and evaluates it, on up to `threads` threads.
    fn batch_of<T: Sync>(
        &self,
        records: &[T],
        opts: &EvaluateOptions,
        threads: usize,
        facts: impl for<'x> Fn(&'x T) -> Result<std::borrow::Cow<'x, Facts>, Error> + Sync,
    ) -> Result<BatchOutput, Error> {
        let opts = EvaluateOptions {
            explain: false,
            ..opts.clone()
        };
        let rules = self.batch_rules(&opts)?;
        let planned = self.planned(&opts)?;
        let records = parallel_map(records, threads, |r| {
            self.cells(&*facts(r)?, &planned, &opts)
        });
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
