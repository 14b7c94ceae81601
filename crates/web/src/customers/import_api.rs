//! `POST /api/v1/customers/import`: people from a CSV sent as the request body, answered
//! with the import's report once every row is read.
use super::import_file::{self, SaveError, MAX_UPLOAD};
use crate::error::{ApiError, Problem};
use crate::extract::{ApiAuth, ApiQuery};
use crate::state::AppState;
use axum::body::Body;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use vinculo_app::imports::{
    import_csv, import_vcard, is_vcard, ImportOptions, ImportReport, Progress,
};
use vinculo_domain::auth::{Access, Area};

/// The body limit of the browser's upload: the file and a little room for the form around it.
pub const UPLOAD_BODY_LIMIT: usize = MAX_UPLOAD as usize + (64 << 10);

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// Report what would be created, updated and rejected, writing nothing (default false).
    pub dry_run: Option<bool>,
    /// Overrides of the recognised headers: `Header=field,Other=ignore`. Fields: given_name,
    /// family_name, name, email, phone, external_id, external_id:SOURCE, organization, title,
    /// street, city, region, postal_code, country, lifecycle_stage, tags, notes, birthday,
    /// language, timezone.
    pub map: Option<String>,
    /// The file's name, for the audit log.
    pub file_name: Option<String>,
}

/// A column of the file and the field it was read as.
#[derive(Serialize, ToSchema)]
pub struct ImportColumn {
    pub header: String,
    /// `None`: ignored.
    pub field: Option<String>,
}

/// Rows read and what became of them.
#[derive(Serialize, ToSchema)]
pub struct ImportCounts {
    /// Bytes of the file read.
    pub bytes_read: u64,
    /// Non-empty rows read.
    pub rows: u64,
    pub created: u64,
    /// Rows whose e-mail, phone or external id belonged to a customer, who was updated.
    pub updated: u64,
    pub rejected: u64,
    pub organizations_created: u64,
}

/// A row that was not imported.
#[derive(Serialize, ToSchema)]
pub struct ImportRejection {
    /// As an editor numbers the file's lines (1 is the header).
    pub line: u64,
    pub reason: String,
}

/// The outcome of an import.
#[derive(Serialize, ToSchema)]
pub struct ImportResult {
    pub dry_run: bool,
    /// `UTF-8` or `windows-1252`.
    pub encoding: String,
    pub columns: Vec<ImportColumn>,
    pub counts: ImportCounts,
    /// The first 10,000 rejected rows, in file order (all are counted).
    pub rejections: Vec<ImportRejection>,
}

impl From<&Progress> for ImportCounts {
    fn from(p: &Progress) -> Self {
        ImportCounts {
            bytes_read: p.bytes_read,
            rows: p.rows,
            created: p.created,
            updated: p.updated,
            rejected: p.rejected,
            organizations_created: p.organizations_created,
        }
    }
}

impl From<ImportReport> for ImportResult {
    fn from(r: ImportReport) -> Self {
        ImportResult {
            dry_run: r.dry_run,
            encoding: r.encoding.to_owned(),
            columns: r
                .columns
                .into_iter()
                .map(|(header, field)| ImportColumn { header, field })
                .collect(),
            counts: (&r.counts).into(),
            rejections: r
                .rejections
                .into_iter()
                .map(|x| ImportRejection {
                    line: x.line,
                    reason: x.reason,
                })
                .collect(),
        }
    }
}

/// Imports people from CSV (UTF-8 or Windows-1252; comma, semicolon or tab), or from a vCard
/// file (`BEGIN:VCARD`…, a phone's contacts export, no mapping needed). HubSpot,
/// Salesforce, Spanish and English headers and Vinculo's own export are recognised; rows
/// whose e-mail, phone or external id belongs to a customer update them; organisations are
/// found by name or created. Rejected rows are reported by line and the rest is imported.
#[utoipa::path(post, path = "/customers/import", tag = "customers", params(ImportParams),
    request_body(content = String, content_type = "text/csv", description = "The CSV file, up to 512 MiB"),
    responses((status = 200, body = ImportResult),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "unreadable or empty file, or a mapping without a name, e-mail or phone")),
    security(("bearer" = []), ("session" = [])))]
pub async fn import_customers(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiQuery(q): ApiQuery<ImportParams>,
    body: Body,
) -> Result<Json<ImportResult>, ApiError> {
    // Refused before a byte is stored.
    p.require(Area::Customers, Access::Write)?;
    let file = import_file::save(body.into_data_stream())
        .await
        .map_err(save_error)?;
    let opts = ImportOptions {
        mapping: q.map.unwrap_or_default(),
        dry_run: q.dry_run.unwrap_or(false),
        file_name: q.file_name.unwrap_or_else(|| "API upload".into()),
    };
    let internal =
        |e: std::io::Error| vinculo_app::AppError::Internal(format!("reading an upload: {e}"));
    // A contacts export (vCard) needs no mapping: its properties say what each value is.
    let mut head = vec![0u8; 512];
    let n = {
        use tokio::io::AsyncReadExt;
        let mut f = tokio::fs::File::open(&file.path).await.map_err(internal)?;
        f.read(&mut head).await.map_err(internal)?
    };
    head.truncate(n);
    if is_vcard(&head) {
        let bytes = tokio::fs::read(&file.path).await.map_err(internal)?;
        let report = import_vcard(&state.app, &p, bytes, &opts, |_| {}).await?;
        return Ok(Json(report.into()));
    }
    let source = import_file::open(file.path.clone())
        .await
        .map_err(|e| ApiError::invalid("file", e))?;
    let report = import_csv(&state.app, &p, source, &opts, |_| {}).await?;
    Ok(Json(report.into()))
}

fn save_error(e: SaveError) -> ApiError {
    match e {
        SaveError::TooLarge => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("the file is larger than {} MiB", MAX_UPLOAD >> 20),
        ),
        SaveError::Body(m) => ApiError::new(StatusCode::BAD_REQUEST, "malformed_request", m),
        SaveError::Io(e) => {
            vinculo_app::AppError::Internal(format!("storing an upload: {e}")).into()
        }
    }
}
