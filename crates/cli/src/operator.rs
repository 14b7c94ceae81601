//! The operator at the console: acts as an admin of one workspace (named, or the only one).
//! Audit entries name them "operator" with no user.
use anyhow::Context as _;
use vinculo_app::{Principal, Via};
use vinculo_domain::auth::Role;
use vinculo_domain::ids::UserId;
use vinculo_store::{workspaces, Db};

pub async fn operator(db: &Db, workspace: Option<&str>) -> anyhow::Result<Principal> {
    let mut conn = db.conn().await?;
    let all = workspaces::all(&mut conn).await?;
    drop(conn);
    let ws = match (workspace, all.as_slice()) {
        (Some(slug), _) => all
            .iter()
            .find(|w| w.slug == slug)
            .with_context(|| format!("no workspace {slug:?}"))?,
        (None, [only]) => only,
        (None, []) => anyhow::bail!("there is no workspace yet"),
        (None, _) => {
            anyhow::bail!("there are several workspaces: choose one with --workspace SLUG")
        }
    };
    Ok(Principal::new(
        (UserId(uuid::Uuid::nil()), "operator", ""),
        None,
        ws,
        Role::Admin,
        Via::Cli,
    ))
}
