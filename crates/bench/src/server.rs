//! Spawns `vinculo serve` children that are always reaped (Drop guard), plus scratch dirs, free ports and /proc memory.

use std::fs::{self, File};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::http;

/// How long one readiness probe may take before it counts as "not ready yet".
const PROBE_TIMEOUT: Duration = Duration::from_secs(1);
/// How long a SIGTERMed server gets before it is SIGKILLed.
const GRACE: Duration = Duration::from_secs(5);

/// The binary under test and extra `serve` arguments.
#[derive(Debug, Clone)]
pub struct ServeCmd {
    pub bin: PathBuf,
    pub extra: Vec<String>,
}

/// A scratch directory (removed on drop) holding `data/` (the data dir) and log files.
pub struct Scratch {
    root: PathBuf,
}

impl Scratch {
    pub fn new(label: &str) -> Result<Scratch> {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let root =
            std::env::temp_dir().join(format!("vinculo-bench-{}-{label}-{n}", std::process::id()));
        if root.exists() {
            fs::remove_dir_all(&root)
                .with_context(|| format!("remove stale {}", root.display()))?;
        }
        let scratch = Scratch { root };
        fs::create_dir_all(scratch.data_dir())
            .with_context(|| format!("create {}", scratch.data_dir().display()))?;
        Ok(scratch)
    }

    pub fn data_dir(&self) -> PathBuf {
        self.root.join("data")
    }

    pub fn log(&self, name: &str) -> PathBuf {
        self.root.join(format!("{name}.log"))
    }

    /// Size of `data/vinculo.db` in bytes, if it exists.
    pub fn db_bytes(&self) -> Option<u64> {
        fs::metadata(self.data_dir().join("vinculo.db"))
            .ok()
            .map(|m| m.len())
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}

/// A free loopback port: bind port 0, read it back, release it.
pub fn free_port() -> Result<u16> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).context("bind 127.0.0.1:0")?;
    Ok(listener.local_addr().context("local_addr")?.port())
}

/// Resident memory of a process, from /proc/PID/status.
#[derive(Debug, Clone, Copy)]
pub struct Memory {
    pub rss_kib: u64,
    pub hwm_kib: u64,
}

impl Memory {
    pub fn read(pid: u32) -> Result<Memory> {
        let path = format!("/proc/{pid}/status");
        let text = fs::read_to_string(&path).with_context(|| format!("read {path}"))?;
        let field = |name: &str| -> Result<u64> {
            text.lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|kb| kb.parse().ok())
                .with_context(|| format!("no {name} in {path}"))
        };
        Ok(Memory {
            rss_kib: field("VmRSS:")?,
            hwm_kib: field("VmHWM:")?,
        })
    }

    pub fn rss_mib(&self) -> f64 {
        self.rss_kib as f64 / 1024.0
    }

    pub fn hwm_mib(&self) -> f64 {
        self.hwm_kib as f64 / 1024.0
    }
}

/// A running `vinculo serve`; killed (SIGTERM, then SIGKILL) and reaped on drop.
pub struct Server {
    child: Child,
    addr: SocketAddr,
    log: PathBuf,
    spawned_at: Instant,
    reaped: bool,
}

impl Server {
    /// Spawns the server on a free port; stdout and stderr go to `log`.
    pub fn spawn(cmd: &ServeCmd, data_dir: &Path, log: PathBuf) -> Result<Server> {
        let addr = SocketAddr::from(([127, 0, 0, 1], free_port()?));
        let stderr = File::create(&log).with_context(|| format!("create {}", log.display()))?;
        let stdout = stderr.try_clone().context("clone log file handle")?;
        let mut command = Command::new(&cmd.bin);
        command
            .arg("serve")
            .arg("--listen")
            .arg(addr.to_string())
            .arg("--data-dir")
            .arg(data_dir)
            .args(&cmd.extra)
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(stderr);
        let spawned_at = Instant::now();
        let child = command
            .spawn()
            .with_context(|| format!("spawn {} serve", cmd.bin.display()))?;
        Ok(Server {
            child,
            addr,
            log,
            spawned_at,
            reaped: false,
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Errors (with the stderr tail) if the child has exited.
    pub fn ensure_running(&mut self) -> Result<()> {
        if let Some(status) = self.child.try_wait().context("poll vinculo serve")? {
            self.reaped = true;
            bail!(
                "vinculo serve exited unexpectedly ({status}); log tail:\n{}",
                self.log_tail()
            );
        }
        Ok(())
    }

    /// Polls `GET /healthz` every 1 ms until 200; returns time from spawn to that response.
    pub fn wait_healthy(&mut self, timeout: Duration) -> Result<Duration> {
        loop {
            if let Ok(resp) = http::get(self.addr, "/healthz", None, PROBE_TIMEOUT) {
                if resp.status == 200 {
                    return Ok(self.spawned_at.elapsed());
                }
            }
            self.ensure_running()?;
            if self.spawned_at.elapsed() > timeout {
                bail!(
                    "GET /healthz on {} not 200 within {timeout:?}; log tail:\n{}",
                    self.addr,
                    self.log_tail()
                );
            }
            thread::sleep(Duration::from_millis(1));
        }
    }

    /// GET on the server; errors include the log tail.
    pub fn get(&mut self, path: &str, bearer: Option<&str>) -> Result<http::Response> {
        let result = http::get(self.addr, path, bearer, Duration::from_secs(5));
        self.ensure_running()?;
        result.with_context(|| format!("log tail:\n{}", self.log_tail()))
    }

    pub fn memory(&mut self) -> Result<Memory> {
        self.ensure_running()?;
        Memory::read(self.pid())
    }

    /// Last 20 lines of the server's log, for error messages.
    pub fn log_tail(&self) -> String {
        match fs::read_to_string(&self.log) {
            Ok(text) if text.trim().is_empty() => "(empty)".to_string(),
            Ok(text) => {
                let lines: Vec<&str> = text.lines().collect();
                lines[lines.len().saturating_sub(20)..].join("\n")
            }
            Err(e) => format!("(could not read {}: {e})", self.log.display()),
        }
    }

    /// SIGTERM, wait up to GRACE, then SIGKILL; always reaps.
    pub fn stop(mut self) -> Result<()> {
        self.terminate()
    }

    fn terminate(&mut self) -> Result<()> {
        if self.reaped {
            return Ok(());
        }
        if self
            .child
            .try_wait()
            .context("poll vinculo serve")?
            .is_none()
        {
            let _ = Command::new("kill")
                .arg("-TERM")
                .arg(self.pid().to_string())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
            let deadline = Instant::now() + GRACE;
            while Instant::now() < deadline {
                if self
                    .child
                    .try_wait()
                    .context("poll vinculo serve")?
                    .is_some()
                {
                    self.reaped = true;
                    return Ok(());
                }
                thread::sleep(Duration::from_millis(2));
            }
            eprintln!(
                "vinculo serve (pid {}) ignored SIGTERM for {GRACE:?}; killing",
                self.pid()
            );
            let _ = self.child.kill();
        }
        self.child.wait().context("reap vinculo serve")?;
        self.reaped = true;
        Ok(())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Err(e) = self.terminate() {
            eprintln!("warning: could not stop vinculo serve: {e:#}");
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
