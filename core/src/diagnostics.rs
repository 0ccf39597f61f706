//! Rule-source diagnostics: a stable code, a one-sentence message, and the place — file, line,
//! column and a caret under the offending text.

use std::fmt;

use yinhuan_grammar::ast::Span;

/// One problem found in a rule source.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub code: &'static str,
    pub message: String,
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    /// Byte offsets into the file.
    pub start: usize,
    pub end: usize,
    /// The source line the problem is on.
    #[serde(skip)]
    pub source_line: String,
    /// Characters of `source_line` the caret underlines (at least 1).
    #[serde(skip)]
    pub width: usize,
}

impl Diagnostic {
    pub fn new(
        code: &'static str,
        message: impl Into<String>,
        file: &str,
        source: &str,
        span: Span,
    ) -> Self {
        let start = span.start.min(source.len());
        let line_start = source
            .get(..start)
            .and_then(|s| s.rfind('\n'))
            .map_or(0, |i| i + 1);
        let line_end = source
            .get(start..)
            .and_then(|s| s.find('\n'))
            .map_or(source.len(), |i| start + i);
        let line = source.get(..start).map_or(0, |s| s.matches('\n').count()) + 1;
        let column = source
            .get(line_start..start)
            .map_or(0, |s| s.chars().count())
            + 1;
        let source_line = source
            .get(line_start..line_end)
            .unwrap_or("")
            .trim_end_matches('\r')
            .to_string();
        let end = span.end.clamp(start, line_end);
        let width = source
            .get(start..end)
            .map_or(0, |s| s.chars().count())
            .max(1);
        Diagnostic {
            code,
            message: message.into(),
            file: file.to_string(),
            line,
            column,
            start: span.start,
            end: span.end,
            source_line,
            width,
        }
    }
}

impl fmt::Display for Diagnostic {
    /// Renders `error[E0201]: message`, the location and the source line with a caret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let gutter = self.line.to_string().len();
        let pad = " ".repeat(gutter);
        writeln!(f, "error[{}]: {}", self.code, self.message)?;
        writeln!(f, "{pad}--> {}:{}:{}", self.file, self.line, self.column)?;
        writeln!(f, "{pad} |")?;
        writeln!(f, "{} | {}", self.line, self.source_line)?;
        let lead: String = self
            .source_line
            .chars()
            .take(self.column.saturating_sub(1))
            .map(|c| {
                if c == '\t' {
                    '\t'
                } else if is_wide(c) {
                    '　'
                } else {
                    ' '
                }
            })
            .collect();
        write!(f, "{pad} | {lead}{}", "^".repeat(self.width))
    }
}

/// East Asian wide characters take two columns in a terminal; pad under them with a full-width space.
fn is_wide(c: char) -> bool {
    matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6)
}

/// Renders several diagnostics, separated by blank lines.
pub fn render_all(diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join("\n\n")
}
