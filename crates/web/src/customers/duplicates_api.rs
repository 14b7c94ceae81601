//! `POST /api/v1/merge-suggestions:scan`: runs the duplicate finder over the workspace's
//! people and answers what it did; the pairs it found join `GET /merge-suggestions`.
use crate::error::{ApiError, Problem};
use crate::extract::ApiAuth;
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;
use vinculo_app::customers::duplicates::{self, ScanReport};

/// What one scan did.
#[derive(Serialize, ToSchema)]
pub struct ScanOut {
    /// People compared (organisations and archived people are left out).
    pub customers: u64,
    /// Candidate pairs considered (sharing a name, e-mail, phone, postcode or birthday key).
    pub candidates: u64,
    /// Pairs likely enough to be one person (probability ≥ 0.95).
    pub found: u64,
    /// Of those, suggestions raised now; the others were already suggested, merged or
    /// dismissed and are left as they are.
    pub suggested: u64,
    /// Pairs merged at once: their score reached the workspace's `auto_merge_above` (off by
    /// default). Each is a merge like any other, listed by `GET /merges/{id}` and undoable.
    pub auto_merged: u64,
    /// Name, e-mail, phone… keys shared by more than 200 people (a common name with nothing
    /// rarer known): not compared whole, but split into sub-blocks and walked with a window.
    pub oversized_blocks: u64,
    /// Of `candidates` and `found`: pairs that met only in an oversized block's sub-blocks,
    /// and only in its window.
    pub in_sub_blocks: TallyOut,
    pub in_windows: TallyOut,
    pub took_ms: u64,
}

#[derive(Serialize, ToSchema)]
pub struct TallyOut {
    pub candidates: u64,
    pub found: u64,
}

impl From<vinculo_domain::identity::matching::Tally> for TallyOut {
    fn from(t: vinculo_domain::identity::matching::Tally) -> Self {
        TallyOut {
            candidates: t.candidates,
            found: t.found,
        }
    }
}

impl From<ScanReport> for ScanOut {
    fn from(r: ScanReport) -> Self {
        ScanOut {
            customers: r.customers,
            candidates: r.candidates,
            found: r.found,
            suggested: r.suggested,
            auto_merged: r.auto_merged,
            oversized_blocks: r.oversized_blocks,
            in_sub_blocks: r.in_sub_blocks.into(),
            in_windows: r.in_windows.into(),
            took_ms: u64::try_from(r.took.as_millis()).unwrap_or(u64::MAX),
        }
    }
}

/// Finds likely duplicates among the workspace's people and raises a `duplicate_score`
/// merge suggestion for each, with its score and evidence. Admins and managers.
#[utoipa::path(post, path = "/merge-suggestions:scan", tag = "interactions",
    responses((status = 200, body = ScanOut),
        (status = 403, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn scan_duplicates(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
) -> Result<Json<ScanOut>, ApiError> {
    Ok(Json(duplicates::scan(&state.app, &p).await?.into()))
}
