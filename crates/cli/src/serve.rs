//! `vinculo serve`: migrate, optionally fill the demo workspace, print how to get in, and
//! serve until SIGINT/SIGTERM, finishing requests in flight.
use crate::config::{connect, FileConfig};
use anyhow::Context as _;
use std::net::SocketAddr;
use std::time::Duration;
use vinculo_app::{App, AppConfig};
use vinculo_store::DbConfig;
use vinculo_web::WebConfig;

#[derive(clap::Args)]
pub struct ServeArgs {
    /// Address and port to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "VINCULO_LISTEN")]
    listen: Option<String>,
    /// Fill a demo workspace (users of every role, teams) if it does not exist yet.
    #[arg(long, env = "VINCULO_DEMO")]
    demo: bool,
    /// The URL people use to reach Vinculo, for links in invitations [default: http://<listen>].
    #[arg(long, env = "VINCULO_PUBLIC_URL")]
    public_url: Option<String>,
    /// Mark cookies Secure (HTTPS only) [default: on when --public-url is https].
    #[arg(long, env = "VINCULO_SECURE_COOKIES")]
    secure_cookies: Option<bool>,
    /// Take the client address from X-Forwarded-For (only behind your own reverse proxy).
    #[arg(long, env = "VINCULO_TRUST_FORWARDED_FOR")]
    trust_forwarded_for: Option<bool>,
    /// Key that signs CSRF tokens [default: generated once and kept in the database].
    #[arg(long, env = "VINCULO_SECRET_KEY", hide_env_values = true)]
    secret_key: Option<String>,
    /// Log filter, e.g. `info` or `vinculo_web=debug` [default: info,sqlx=warn].
    #[arg(long, env = "VINCULO_LOG")]
    log: Option<String>,
    /// Largest e-mail attachment kept, in MB: a larger one is listed with a note, and a
    /// message far larger keeps its sender and subject only [default: 25].
    #[arg(long, env = "VINCULO_MAIL_MAX_ATTACHMENT_MB")]
    mail_max_attachment_mb: Option<u32>,
}

/// The e-mail size limits for attachments of up to `mb` MB: a message may hold one such
/// file base64-encoded (a third larger) with room for its text, and never less than the
/// default's 35 MB.
fn mail_limits(mb: u32) -> vinculo_app::MailLimits {
    let attachment = mb.max(1) as usize * 1024 * 1024;
    vinculo_app::MailLimits {
        max_attachment_bytes: attachment,
        max_message_bytes: (attachment / 3 * 4 + 10 * 1024 * 1024).max(35 * 1024 * 1024),
    }
}

fn init_logging(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .with_target(false)
        .try_init();
}

pub async fn run(args: ServeArgs, db_config: DbConfig, file: &FileConfig) -> anyhow::Result<()> {
    init_logging(
        args.log
            .as_deref()
            .or(file.log.as_deref())
            .unwrap_or("info,sqlx=warn"),
    );
    let listen = args
        .listen
        .or_else(|| file.listen.clone())
        .unwrap_or_else(|| "127.0.0.1:8080".into());
    let addr: SocketAddr = listen
        .parse()
        .with_context(|| format!("--listen {listen:?} is not an address like 127.0.0.1:8080"))?;
    let public_url = args
        .public_url
        .or_else(|| file.public_url.clone())
        .unwrap_or_else(|| format!("http://{addr}"));
    let public_url = public_url.trim_end_matches('/').to_owned();
    let parsed = url::Url::parse(&public_url)
        .with_context(|| format!("--public-url {public_url:?} is not a URL"))?;
    anyhow::ensure!(
        matches!(parsed.scheme(), "http" | "https"),
        "--public-url must be http:// or https://"
    );
    let secure_cookies = args
        .secure_cookies
        .or(file.secure_cookies)
        .unwrap_or(parsed.scheme() == "https");
    let web = WebConfig {
        public_url: public_url.clone(),
        secure_cookies,
        trust_forwarded_for: args
            .trust_forwarded_for
            .or(file.trust_forwarded_for)
            .unwrap_or(false),
    };

    let db = connect(&db_config).await?;
    let credentials = credentials_key(&db_config.data_dir)?;
    let app = App::new(
        db.clone(),
        AppConfig {
            credentials: Some(std::sync::Arc::new(credentials)),
            mail_limits: mail_limits(
                args.mail_max_attachment_mb
                    .or(file.mail_max_attachment_mb)
                    .unwrap_or(25),
            ),
            ..AppConfig::default()
        },
    );
    // Connected mailboxes are followed from now on (each in a task of its own).
    vinculo_app::conversations::reader::spawn(app.clone());
    // Replies waiting in the outbox go out (those a stop interrupted wait for an agent).
    vinculo_app::conversations::sender::spawn(app.clone());
    if args.demo {
        let demo = vinculo_app::demo::seed(&app)
            .await
            .context("cannot fill the demo workspace")?;
        let verb = if demo.created { "created" } else { "kept" };
        eprintln!(
            "Demo workspace {verb}. Log in with any of these (password: {}):",
            vinculo_app::demo::DEMO_PASSWORD
        );
        for (email, role) in &demo.logins {
            eprintln!("  {email:<28} {role}");
        }
    }
    let state = vinculo_web::build_state(
        app.clone(),
        web,
        args.secret_key.or_else(|| file.secret_key.clone()),
    )
    .await
    .map_err(|e| anyhow::anyhow!("cannot prepare the server: {e}"))?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr} (is another server using it?)"))?;
    if let Some(token) = state.setup_token() {
        eprintln!("No users yet. Open this link to create the first workspace and administrator:\n\n    {public_url}/setup?token={token}\n\n(or run `vinculo user create --admin --email you@example.com`)");
    }
    tracing::info!(%addr, backend = ?db.backend(), "Vinculo listening on {public_url}");

    let housekeeping = tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            if let Err(e) = vinculo_app::auth::purge_expired(&app).await {
                tracing::warn!(error = %e, "purging expired sessions failed");
            }
        }
    });
    vinculo_web::serve(listener, state, shutdown_signal())
        .await
        .context("server error")?;
    housekeeping.abort();
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
}

/// The key sealing mailbox passwords: `VINCULO_CREDENTIALS_KEY` (base64 of 32 bytes), else
/// `<data dir>/credentials.key`, created on first start. Kept out of the database on purpose
/// (see `vinculo_app::credentials`).
fn credentials_key(
    data_dir: &std::path::Path,
) -> anyhow::Result<vinculo_app::credentials::CredentialsKey> {
    use vinculo_app::credentials::CredentialsKey;
    match std::env::var("VINCULO_CREDENTIALS_KEY") {
        Ok(text) if !text.trim().is_empty() => Ok(CredentialsKey::from_base64(
            &text,
            "VINCULO_CREDENTIALS_KEY",
        )?),
        _ => Ok(CredentialsKey::load_or_create(
            &data_dir.join("credentials.key"),
        )?),
    }
}
