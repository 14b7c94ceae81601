//! Test helpers: [`TestApp::spawn`] starts the real Vinculo server on a random loopback port
//! against a fresh database — a temporary SQLite file, or a new PostgreSQL database created
//! on the server named by `VINCULO_TEST_POSTGRES_URL` — so tests run in parallel and never
//! share state. Typed helpers create users, tokens and logged-in browser-like clients.
#![forbid(unsafe_code)]

use anyhow::Context as _;
use reqwest::header::{HeaderMap, HeaderValue};
use secrecy::SecretString;
use std::fmt;
use vinculo_app::auth::{create_account, NewAccount};
use vinculo_app::{App, AppConfig, Principal, Via};
use vinculo_domain::auth::Role;
use vinculo_domain::ids::UserId;
use vinculo_store::{Db, DbConfig};

/// The database a test runs against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        })
    }
}

/// The password every test user gets.
pub const PASSWORD: &str = "correct horse battery";

pub struct TestApp {
    pub base: String,
    pub app: App,
    pub db: Db,
    pub backend: Backend,
    pub state: vinculo_web::AppState,
    server: tokio::task::JoinHandle<()>,
    // Declared last: fields drop in order, so the database goes after the pools using it.
    _guard: DbGuard,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Owns a test database and removes it when dropped: the SQLite temporary folder, or the
/// PostgreSQL database (dropped with `FORCE`, so open pool connections do not keep it alive).
/// Without it, every PostgreSQL test run would leave hundreds of databases on the server.
pub enum DbGuard {
    Sqlite(tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl Drop for DbGuard {
    fn drop(&mut self) {
        let DbGuard::Postgres { admin_url, name } = self else {
            return;
        };
        let (admin_url, sql) = (
            admin_url.clone(),
            format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        );
        // Drop runs inside the test's runtime, which cannot be blocked on: use a thread of its own.
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            rt.block_on(async {
                let mut admin =
                    <sqlx::PgConnection as sqlx::Connection>::connect(&admin_url).await?;
                sqlx::query(&sql).execute(&mut admin).await?;
                anyhow::Ok(())
            })
        })
        .join();
        if let Ok(Err(e)) = dropped {
            eprintln!("could not drop test database {name}: {e:#}");
        }
    }
}

/// A fresh database config, or `None` when PostgreSQL is asked for but not configured.
pub async fn fresh_db(backend: Backend) -> anyhow::Result<Option<(DbConfig, DbGuard)>> {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir()?;
            let cfg = DbConfig {
                url: None,
                data_dir: dir.path().to_path_buf(),
                max_connections: 5,
            };
            Ok(Some((cfg, DbGuard::Sqlite(dir))))
        }
        Backend::Postgres => {
            let Ok(admin_url) = std::env::var("VINCULO_TEST_POSTGRES_URL") else {
                eprintln!("VINCULO_TEST_POSTGRES_URL is not set: skipping the PostgreSQL case");
                return Ok(None);
            };
            let name = format!("vinculo_test_{}", uuid::Uuid::new_v4().simple());
            let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(&admin_url)
                .await
                .context("connect to VINCULO_TEST_POSTGRES_URL")?;
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut admin)
                .await?;
            let mut url = url::Url::parse(&admin_url)?;
            url.set_path(&name);
            let cfg = DbConfig {
                url: Some(SecretString::from(url.to_string())),
                data_dir: std::env::temp_dir(),
                max_connections: 5,
            };
            Ok(Some((cfg, DbGuard::Postgres { admin_url, name })))
        }
    }
}

impl TestApp {
    /// Starts a server on a fresh database; `None` when the backend is not available here.
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        match Self::try_spawn(backend).await {
            Ok(app) => app,
            Err(e) => panic!("could not start a test server on {backend}: {e:#}"),
        }
    }

    async fn try_spawn(backend: Backend) -> anyhow::Result<Option<TestApp>> {
        let Some((cfg, guard)) = fresh_db(backend).await? else {
            return Ok(None);
        };
        let db = Db::connect(&cfg).await?;
        db.migrate().await?;
        // Real argon2id, with a small memory cost so hundreds of test users stay fast.
        let app = App::new(
            db.clone(),
            AppConfig {
                password_memory_kib: 64,
                credentials: Some(std::sync::Arc::new(
                    vinculo_app::credentials::CredentialsKey::random(),
                )),
                // Small, so the tests can cross them with small messages.
                mail_limits: vinculo_app::MailLimits {
                    max_message_bytes: 2 * 1024 * 1024,
                    max_attachment_bytes: 1024 * 1024,
                },
                ..AppConfig::default()
            },
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let base = format!("http://{addr}");
        let web = vinculo_web::WebConfig {
            public_url: base.clone(),
            secure_cookies: false,
            trust_forwarded_for: true,
        };
        let state = vinculo_web::build_state(app.clone(), web, None)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let served = state.clone();
        let server = tokio::spawn(async move {
            let _ = vinculo_web::serve(listener, served, std::future::pending()).await;
        });
        Ok(Some(TestApp {
            base,
            app,
            db,
            backend,
            state,
            server,
            _guard: guard,
        }))
    }

    /// The one-time secret of the setup page (what `vinculo serve` prints).
    pub async fn setup_secret(&self) -> String {
        self.state
            .setup_token()
            .expect("no setup secret: users exist already")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Creates a member of `workspace` (created if new) with `role`.
    pub async fn user(&self, workspace: &str, email: &str, role: Role) -> UserId {
        let acct = NewAccount {
            workspace_name: workspace.to_owned(),
            workspace_slug: Some(workspace.to_owned()),
            name: email.split('@').next().unwrap_or(email).to_owned(),
            email: email.to_owned(),
            password: PASSWORD.to_owned(),
            role,
            locale: Some("en".into()),
            via: Via::Cli,
        };
        match create_account(&self.app, acct).await {
            Ok((_, id, _)) => id,
            Err(e) => panic!("create user {email}: {e}"),
        }
    }

    /// A principal acting as `email` in `workspace`, for calling use cases directly.
    pub async fn principal(&self, workspace: &str, email: &str) -> Principal {
        let mut conn = self.db.conn().await.expect("conn");
        let user = vinculo_store::users::credentials_by_email(&mut conn, email)
            .await
            .expect("query")
            .expect("user exists");
        let ws = vinculo_store::workspaces::by_slug(&mut conn, workspace)
            .await
            .expect("query")
            .expect("workspace exists");
        let member = vinculo_store::users::member(&mut conn, ws.id, user.id)
            .await
            .expect("query")
            .expect("member");
        Principal::new(
            (user.id, &user.name, &user.email),
            None,
            &ws,
            member.role,
            Via::Cli,
        )
    }

    /// Creates an API token for `email` in `workspace` with `scopes`, returning its secret.
    pub async fn token(&self, workspace: &str, email: &str, scopes: &str) -> String {
        let mut operator = self.principal(workspace, email).await;
        operator.role = Role::Admin;
        match vinculo_app::tokens::create(&self.app, &operator, "test", scopes, None).await {
            Ok(t) => t.secret,
            Err(_) => {
                // Names are unique per workspace: retry with a unique one.
                let name = format!("test-{}", uuid::Uuid::new_v4().simple());
                vinculo_app::tokens::create(&self.app, &operator, &name, scopes, None)
                    .await
                    .expect("token")
                    .secret
            }
        }
    }

    /// An HTTP client sending `Authorization: Bearer <token>`.
    pub fn bearer(&self, token: &str) -> reqwest::Client {
        let mut h = HeaderMap::new();
        h.insert(
            reqwest::header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Bearer {token}")).expect("header"),
        );
        reqwest::Client::builder()
            .default_headers(h)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
    }

    /// A browser-like client (cookie jar, no redirects followed) that is not logged in.
    pub fn browser(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
    }

    /// Logs a browser-like client in through the real login form; returns it with the CSRF
    /// token of its session (read from a page, as a browser would).
    pub async fn login(&self, email: &str) -> (reqwest::Client, String) {
        let c = self.browser();
        let csrf = self.csrf_of(&c, "/login").await;
        let res = c
            .post(self.url("/login"))
            .form(&[("email", email), ("password", PASSWORD), ("_csrf", &csrf)])
            .send()
            .await
            .expect("login");
        assert_eq!(
            res.status(),
            303,
            "login of {email} failed: {}",
            res.text().await.unwrap_or_default()
        );
        let csrf = self.csrf_of(&c, "/settings/account").await;
        (c, csrf)
    }

    /// The `_csrf` value of the first form on a page.
    pub async fn csrf_of(&self, c: &reqwest::Client, path: &str) -> String {
        let html = c
            .get(self.url(path))
            .send()
            .await
            .expect("get")
            .text()
            .await
            .expect("body");
        extract_csrf(&html).unwrap_or_else(|| panic!("no CSRF field on {path}: {html}"))
    }
}

/// Reads `name="_csrf" value="…"` from a page.
pub fn extract_csrf(html: &str) -> Option<String> {
    let i = html.find("name=\"_csrf\" value=\"")? + "name=\"_csrf\" value=\"".len();
    let rest = &html[i..];
    Some(rest[..rest.find('"')?].to_owned())
}
