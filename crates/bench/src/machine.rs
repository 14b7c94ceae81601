//! Describes the machine and invocation a benchmark ran on (nproc, CPU model, kernel, command line).

use std::fmt;
use std::process::Command;

#[derive(Debug, Clone)]
pub struct Machine {
    pub nproc: usize,
    pub cpu_model: String,
    pub kernel: String,
    pub command: String,
}

impl Machine {
    pub fn detect() -> Machine {
        let nproc = std::thread::available_parallelism().map_or(0, |n| n.get());
        let cpu_model = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|text| {
                text.lines()
                    .find(|l| l.starts_with("model name"))
                    .and_then(|l| l.split_once(':'))
                    .map(|(_, v)| v.trim().to_string())
            })
            .unwrap_or_else(|| "unknown CPU".to_string());
        let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
            .map(|s| s.trim().to_string())
            .unwrap_or_else(|_| "unknown kernel".to_string());
        let command = std::env::args().collect::<Vec<_>>().join(" ");
        Machine {
            nproc,
            cpu_model,
            kernel,
            command,
        }
    }

    /// One line, e.g. "2 × Intel(R) Xeon(R) Processor (nproc 2), Linux 6.1".
    pub fn one_line(&self) -> String {
        format!(
            "nproc {}, {}, Linux {}",
            self.nproc, self.cpu_model, self.kernel
        )
    }
}

impl fmt::Display for Machine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "machine: {}", self.one_line())?;
        write!(f, "command: {}", self.command)
    }
}

/// UTC date (YYYY-MM-DD) via `date`, for stamping reports; "unknown date" if unavailable.
pub fn today() -> String {
    Command::new("date")
        .args(["-u", "+%F"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown date".to_string())
}
