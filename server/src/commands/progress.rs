//! Progress of long copies: a bar on a terminal, one line per table otherwise (logs, CI).

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// Progress over a known number of rows.
    pub fn rows(total: u64) -> Progress {
        Self::new(total, "{msg:>10} [{bar:40}] {pos}/{len} rows ({eta} left)")
    }

    /// Progress over the bytes of a file being read.
    pub fn bytes(total: u64) -> Progress {
        Self::new(
            total,
            "{msg:>10} [{bar:40}] {bytes}/{total_bytes} ({eta} left)",
        )
    }

    fn new(total: u64, template: &str) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(total);
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar
        });
        Progress { bar }
    }

    pub fn table(&mut self, name: &'static str) {
        if let Some(bar) = &self.bar {
            bar.set_message(name);
        }
    }

    pub fn advance(&mut self, n: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(n);
        }
    }

    pub fn set_position(&mut self, n: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(n);
        }
    }

    /// Progress over pages, when more are found as the work goes: `total` so far.
    pub fn pages(total: u64) -> Progress {
        Self::new(total, "{msg:>10} [{bar:40}] {pos}/{len} pages and files")
    }

    pub fn set_total(&mut self, total: u64) {
        if let Some(bar) = &self.bar {
            bar.set_length(total);
        }
    }

    /// Reports a finished table, above the bar or as a line of its own.
    pub fn done(&mut self, name: &str, rows: u64) {
        let line = format!("{name:>10}: {rows} rows");
        match &self.bar {
            Some(bar) => bar.println(line),
            None => eprintln!("{line}"),
        }
    }

    pub fn finish(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}
