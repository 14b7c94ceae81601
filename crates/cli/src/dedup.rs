//! `vinculo dedup`: runs the duplicate finder over a workspace's people as the operator and
//! prints what it did; the pairs found are listed by `GET /api/v1/merge-suggestions`.
use crate::config::connect;
use vinculo_app::customers::duplicates;
use vinculo_app::{App, AppConfig};
use vinculo_store::DbConfig;

#[derive(clap::Args)]
pub struct DedupArgs {
    /// Workspace slug [default: the only workspace].
    #[arg(long)]
    workspace: Option<String>,
}

pub async fn run(args: DedupArgs, cfg: &DbConfig) -> anyhow::Result<()> {
    let db = connect(cfg).await?;
    let operator = crate::operator::operator(&db, args.workspace.as_deref()).await?;
    let app = App::new(db.clone(), AppConfig::default());
    let result = duplicates::scan(&app, &operator).await;
    db.close().await;
    let r = result?;
    println!(
        "{} people compared, {} candidate pairs, {} likely duplicates, {} new suggestions ({:.1} s)",
        r.customers,
        r.candidates,
        r.found,
        r.suggested,
        r.took.as_secs_f64()
    );
    if r.oversized_blocks > 0 {
        let (sub, win) = (r.in_sub_blocks, r.in_windows);
        println!(
            "{} keys were shared by more than {} people: split into sub-blocks ({} pairs, {} likely duplicates) and walked with a window of {} ({} pairs, {} likely duplicates)",
            r.oversized_blocks,
            vinculo_domain::identity::matching::MAX_BLOCK,
            sub.candidates,
            sub.found,
            vinculo_domain::identity::matching::WINDOW,
            win.candidates,
            win.found
        );
    }
    if r.auto_merged > 0 {
        println!(
            "{} pairs merged at once (the workspace's auto-merge threshold); each can be undone",
            r.auto_merged
        );
    }
    if r.found > r.suggested {
        println!(
            "{} pairs were already suggested, merged or dismissed and were left as they are",
            r.found - r.suggested
        );
    }
    Ok(())
}
