//! A `vinculo` binary run against a fresh database: one-shot commands, and a server started
//! on a free port that the tests can kill and start again.
#![allow(dead_code)]
use secrecy::ExposeSecret as _;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};
use vinculo_testkit::{fresh_db, Backend, DbGuard};

/// One database and the flags that point `vinculo` at it.
pub struct Target {
    pub backend: Backend,
    /// Working directory of every run (no `vinculo.toml` there) and, on PostgreSQL, the
    /// otherwise unused data dir.
    pub dir: tempfile::TempDir,
    pub db_args: Vec<String>,
    pub db: vinculo_store::DbConfig,
    // Last: the PostgreSQL database is dropped only after everything using it.
    _guard: DbGuard,
}

impl Target {
    pub async fn fresh(backend: Backend) -> Option<Target> {
        let (db, guard) = fresh_db(backend).await.expect("a fresh database")?;
        let dir = tempfile::tempdir().expect("tempdir");
        let db_args = match &db.url {
            Some(url) => vec![
                "--database-url".to_owned(),
                url.expose_secret().to_owned(),
                "--data-dir".to_owned(),
                dir.path().display().to_string(),
            ],
            None => vec!["--data-dir".to_owned(), db.data_dir.display().to_string()],
        };
        Some(Target {
            backend,
            dir,
            db_args,
            db,
            _guard: guard,
        })
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_vinculo"));
        c.args(args)
            .args(&self.db_args)
            .current_dir(self.dir.path())
            .env_remove("VINCULO_DATABASE_URL")
            .env_remove("VINCULO_CONFIG");
        c
    }

    pub fn run(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let o = super::output_of(self.command(args), stdin);
        assert!(
            o.status.success(),
            "vinculo {args:?}: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        o
    }

    /// An admin and an API token with `scopes` (e.g. `interactions:write,read`).
    pub fn token(&self, scopes: &str) -> String {
        let email = "ana@example.com";
        self.run(
            &["user", "create", "--admin", "--email", email],
            Some("a long enough password\n"),
        );
        let o = self.run(
            &[
                "token", "create", "--email", email, "--name", "test", "--scopes", scopes,
            ],
            None,
        );
        let stdout = String::from_utf8_lossy(&o.stdout);
        let token = stdout.lines().last().expect("a token line").trim();
        assert!(token.starts_with("vnc_"), "{stdout}");
        token.to_owned()
    }
}

/// A running `vinculo serve`; killed when dropped, so a failing test leaves no server behind.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub log: PathBuf,
}

impl Server {
    /// Starts the server on a free port and waits until `/healthz` answers.
    pub async fn start(t: &Target, run: usize) -> Server {
        Server::start_with(t, run, &[]).await
    }

    /// [`Server::start`] with extra environment variables.
    pub async fn start_with(t: &Target, run: usize, env: &[(&str, &str)]) -> Server {
        // The server does not report the port it got for :0, so pick a free one here.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let log = t.dir.path().join(format!("serve-{run}.log"));
        let listen = format!("127.0.0.1:{port}");
        let child = t
            .command(&["serve", "--listen", &listen, "--log", "warn"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("log file"))
            .envs(env.iter().copied())
            .spawn()
            .expect("spawn vinculo serve");
        let mut server = Server {
            child,
            base: format!("http://{listen}"),
            log,
        };
        let health = format!("{}/healthz", server.base);
        let client = reqwest::Client::new();
        let started = Instant::now();
        loop {
            if let Ok(r) = client.get(&health).send().await {
                if r.status().is_success() {
                    return server;
                }
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("vinculo serve exited ({status}): {}", server.log_text());
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "vinculo serve did not answer /healthz in 30 s: {}",
                server.log_text()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// SIGKILL (what `Child::kill` sends on Unix): no shutdown hook, no flush, no goodbye.
    pub fn kill(&mut self) {
        self.child.kill().expect("SIGKILL the server");
        self.child.wait().expect("reap the server");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
