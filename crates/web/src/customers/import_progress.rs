//! `/customers/import/{id}`: a running import's progress (polled by a small script, or
//! refreshed without one), then its report: counts, rejected rows with their line, a CSV of
//! them, and after a dry run the way to import for real.
use super::import_file::csv_cell;
use super::import_jobs::{JobView, Stage};
use super::import_pages::mapping_page;
use crate::i18n::Msg;
use crate::pages::{csrf_field, ctx_error, layout, Ctx};
use crate::problems::issues_text;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use maud::{html, Markup};
use serde::Serialize;
use uuid::Uuid;
use vinculo_app::imports::{ImportReport, Progress};
use vinculo_app::AppError;

/// Rejected rows listed on the page (all are in the CSV).
const SHOWN: usize = 200;

pub async fn job_page(State(state): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> Response {
    let Some(job) = state.imports.view(&ctx.principal, id) else {
        return ctx_error(&ctx, AppError::NotFound("import"));
    };
    let m = ctx.m;
    let (title, body) = match &job.stage {
        Stage::Uploaded => return mapping_page(&state, &ctx, id, &job, None).await,
        Stage::Running => (
            if job.dry_run {
                m.import_dry_running
            } else {
                m.import_running
            },
            running(m, id, &job),
        ),
        Stage::Finished(report) => (
            if report.dry_run {
                m.import_dry_done
            } else {
                m.import_done
            },
            finished(&ctx, id, &job, report),
        ),
        Stage::Failed(message) => (
            m.import_failed,
            html! {
                div class="flash err" role="alert" { (message) }
                p { a class="button" href="/customers/import" { (m.import_another) } }
            },
        ),
    };
    layout(
        &ctx,
        title,
        html! { h1 { (title) } p class="muted" { (job.file_name) } (body) },
    )
    .into_response()
}

fn counts_text(m: &Msg, p: &Progress) -> String {
    m.import_counts
        .replace("{rows}", &p.rows.to_string())
        .replace("{created}", &p.created.to_string())
        .replace("{updated}", &p.updated.to_string())
        .replace("{rejected}", &p.rejected.to_string())
}

fn running(m: &Msg, id: Uuid, job: &JobView) -> Markup {
    let percent = job.percent();
    html! {
        // Without the script, the page reloads itself; with it, the script polls instead.
        noscript { meta http-equiv="refresh" content="2"; }
        div class="card import-progress" data-import-status={ "/customers/import/" (id) "/status" } {
            progress max="100" value=(percent) aria-label=(m.import_running) { (percent) " %" }
            p role="status" {
                span data-import-percent { (percent) } " % · "
                span data-import-counts data-template=(m.import_counts) { (counts_text(m, &job.progress)) }
            }
        }
    }
}

fn finished(ctx: &Ctx, id: Uuid, job: &JobView, r: &ImportReport) -> Markup {
    let m = ctx.m;
    let c = &r.counts;
    html! {
        dl class="card import-counts" {
            dt { (m.import_rows) } dd { (c.rows) }
            dt { (m.import_created) } dd data-count="created" { (c.created) }
            dt { (m.import_updated) } dd data-count="updated" { (c.updated) }
            dt { (m.import_rejected) } dd data-count="rejected" { (c.rejected) }
            dt { (m.import_orgs) } dd data-count="organizations" { (c.organizations_created) }
        }
        div class="row import-actions" {
            @if r.dry_run && job.has_file {
                form method="post" action={ "/customers/import/" (id) } {
                    (csrf_field(&ctx.csrf))
                    input type="hidden" name="mapping" value=(job.mapping);
                    input type="hidden" name="dry_run" value="false";
                    button type="submit" { (m.import_for_real) }
                }
                a class="button secondary" href={ "/customers/import/" (id) "/map" } { (m.import_change_mapping) }
            } @else {
                a class="button" href="/customers" { (m.import_see_customers) }
                a class="button secondary" href="/customers/import" { (m.import_another) }
            }
        }
        h2 { (m.import_rejected) }
        @if r.rejections.is_empty() { p class="muted" { (m.import_none_rejected) } } @else {
            p {
                a href={ "/customers/import/" (id) "/rejections.csv" } download { (m.import_download_rejections) }
                @if r.rejections.len() > SHOWN { " · " (m.import_first_shown.replace("{n}", &SHOWN.to_string())) }
            }
            div class="table-wrap" {
                table class="stack-phone rejections" {
                    thead { tr { th { (m.import_line) } th { (m.import_reason) } } }
                    tbody { @for x in r.rejections.iter().take(SHOWN) {
                        tr { td data-label=(m.import_line) { (x.line) } td data-label=(m.import_reason) { (issues_text(m, &x.issues)) } }
                    } }
                }
            }
        }
        details class="card import-columns" {
            summary { (m.import_columns) }
            ul { @for (h, f) in &r.columns { li { (h) " → " (f.as_deref().unwrap_or("—")) } } }
        }
    }
}

/// What the progress script reads.
#[derive(Serialize)]
pub struct Status {
    /// `uploaded`, `running`, `finished` or `failed`.
    stage: &'static str,
    percent: u64,
    total_bytes: u64,
    #[serde(flatten)]
    counts: Progress,
}

pub async fn status(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
) -> Result<Json<Status>, Response> {
    let job = state
        .imports
        .view(&ctx.principal, id)
        .ok_or_else(|| ctx_error(&ctx, AppError::NotFound("import")))?;
    Ok(Json(Status {
        stage: match job.stage {
            Stage::Uploaded => "uploaded",
            Stage::Running => "running",
            Stage::Finished(_) => "finished",
            Stage::Failed(_) => "failed",
        },
        percent: job.percent(),
        total_bytes: job.total_bytes,
        counts: job.progress,
    }))
}

/// Every rejected row the report kept, as `line,reason`.
pub async fn rejections_csv(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
) -> Response {
    let report = match state.imports.view(&ctx.principal, id).map(|j| j.stage) {
        Some(Stage::Finished(r)) => r,
        _ => return ctx_error(&ctx, AppError::NotFound("import")),
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(["line", "reason"]);
    for x in &report.rejections {
        let reason = issues_text(ctx.m, &x.issues);
        let _ = w.write_record([x.line.to_string(), csv_cell(&reason)]);
    }
    let body = w.into_inner().unwrap_or_default();
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"rejected-rows.csv\"",
            ),
        ],
        body,
    )
        .into_response()
}
