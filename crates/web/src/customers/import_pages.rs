//! `/customers/import`: upload a CSV, then match its columns to fields (each preselected as
//! recognised, with the first values beside it) and start a dry run or the import.
use super::import_file::{self, Preview, SaveError};
use super::import_jobs::JobView;
use crate::csrf;
use crate::i18n::Msg;
use crate::pages::{csrf_field, ctx_error, layout, Ctx};
use crate::state::AppState;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use axum_extra::extract::cookie::CookieJar;
use maud::{html, Markup};
use std::collections::HashMap;
use uuid::Uuid;
use vinculo_app::{customers, AppError};
use vinculo_domain::auth::{Access, Area};
use vinculo_domain::customers::custom::FieldDef;
use vinculo_domain::customers::import::{Field, Mapping, FIELDS};
use vinculo_domain::customers::search::fold;
use vinculo_domain::customers::Kind;

/// The forbidden page for those who may not change customers; `None` for the others.
fn refuse_readers(ctx: &Ctx) -> Option<Response> {
    ctx.principal
        .require(Area::Customers, Access::Write)
        .err()
        .map(|e| ctx_error(ctx, e))
}

pub async fn upload_form(ctx: Ctx) -> Response {
    if let Some(r) = refuse_readers(&ctx) {
        return r;
    }
    upload_page(&ctx, None).into_response()
}

fn upload_page(ctx: &Ctx, error: Option<String>) -> Markup {
    let m = ctx.m;
    // `_csrf` comes before the file: the handler checks it before storing a byte.
    let body = html! {
        h1 { (m.import_title) }
        p { (m.import_intro) }
        @if let Some(e) = error { div class="flash err" role="alert" { (e) } }
        form class="stack card" method="post" action="/customers/import" enctype="multipart/form-data" {
            (csrf_field(&ctx.csrf))
            label { (m.import_file) input type="file" name="file" accept=".csv,.tsv,.txt,text/csv" required; }
            div { button type="submit" { (m.import_upload) } }
        }
    };
    layout(ctx, m.import_title, body)
}

/// Stores the upload and sends the browser to the mapping step. The form is multipart, which
/// the CSRF middleware does not read, so its `_csrf` field (the first part) is checked here.
pub async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    jar: CookieJar,
    headers: HeaderMap,
    mut form: Multipart,
) -> Response {
    if !csrf::multipart_ok(&state.csrf_key, &jar, &headers, &mut form).await {
        return (StatusCode::FORBIDDEN, crate::pages::csrf_failed_page()).into_response();
    }
    if let Some(r) = refuse_readers(&ctx) {
        return r;
    }
    let m = ctx.m;
    let fail = |msg: String| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            upload_page(&ctx, Some(msg)),
        )
    };
    let field = match form.next_field().await {
        Ok(Some(f)) if f.name() == Some("file") => f,
        _ => return fail(m.import_empty.into()).into_response(),
    };
    let file_name = client_name(field.file_name());
    let file = match import_file::save(std::pin::pin!(field)).await {
        Ok(f) => f,
        Err(SaveError::TooLarge) => return fail(m.import_too_large.into()).into_response(),
        Err(SaveError::Io(e)) => return ctx_error(&ctx, AppError::Internal(e.to_string())),
        Err(e) => return fail(m.import_bad_file.replace("{msg}", &e.to_string())).into_response(),
    };
    if file.size == 0 {
        return fail(m.import_empty.into()).into_response();
    }
    let preview = match import_file::preview(file.path.clone()).await {
        Ok(p) => p,
        Err(e) => return fail(m.import_bad_file.replace("{msg}", &e)).into_response(),
    };
    let id = state
        .imports
        .add(&ctx.principal, file_name, preview.headers, file);
    Redirect::to(&format!("/customers/import/{id}")).into_response()
}

/// The client's file name, for display and the audit log only (never a path).
fn client_name(name: Option<&str>) -> String {
    let base = name
        .unwrap_or_default()
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default();
    let clean: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    if clean.is_empty() {
        "upload.csv".into()
    } else {
        clean
    }
}

/// `GET /customers/import/{id}/map`: the mapping step again (after a dry run).
pub async fn mapping_again(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
) -> Response {
    match state.imports.view(&ctx.principal, id) {
        Some(job) => mapping_page(&state, &ctx, id, &job, None).await,
        None => ctx_error(&ctx, AppError::NotFound("import")),
    }
}

/// The mapping step of job `id`.
/// A contacts file (vCard) needs no mapping: each value says what it is.
fn contacts_page(ctx: &Ctx, id: Uuid, job: &JobView, error: Option<&str>) -> Response {
    let m = ctx.m;
    let body = html! {
        h1 { (m.import_vcard_title) }
        p class="muted" { (job.file_name) " · vCard" }
        p { (m.import_vcard_intro) }
        @if let Some(e) = error { div class="flash err" role="alert" { (e) } }
        form class="stack" method="post" action={ "/customers/import/" (id) } {
            (csrf_field(&ctx.csrf))
            p class="hint" { (m.import_dry_run_hint) }
            div class="row" {
                button type="submit" name="dry_run" value="true" class="secondary" { (m.import_dry_run) }
                button type="submit" name="dry_run" value="false" { (m.import_start) }
            }
        }
    };
    layout(ctx, m.import_vcard_title, body).into_response()
}

pub async fn mapping_page(
    state: &AppState,
    ctx: &Ctx,
    id: Uuid,
    job: &JobView,
    error: Option<&str>,
) -> Response {
    let m = ctx.m;
    let Some(path) = state.imports.file_path(&ctx.principal, id) else {
        return gone(ctx);
    };
    if import_file::is_vcard(&path).await {
        return contacts_page(ctx, id, job, error);
    }
    let preview = match import_file::preview(path).await {
        Ok(p) => p,
        Err(_) => return gone(ctx),
    };
    let fields: Vec<FieldDef> = match customers::custom_fields(&state.app, &ctx.principal).await {
        Ok(f) => f
            .into_iter()
            .filter(|d| d.applies_to.includes(Kind::Person))
            .collect(),
        Err(e) => return ctx_error(ctx, e),
    };
    let chosen = choices(&preview.headers, &job.mapping, &fields);
    let delimiter = match preview.delimiter {
        b';' => "« ; »",
        b'\t' => "tab",
        _ => "« , »",
    };
    let body = html! {
        h1 { (m.import_mapping_title) }
        p { (m.import_mapping_intro) }
        p class="muted" { (job.file_name) " · " (m.import_detected.replace("{encoding}", preview.encoding).replace("{delimiter}", delimiter)) }
        @if let Some(e) = error { div class="flash err" role="alert" { (e) } }
        form class="stack" method="post" action={ "/customers/import/" (id) } {
            (csrf_field(&ctx.csrf))
            div class="table-wrap" {
                table class="stack-phone mapping" {
                    thead { tr { th { (m.import_column) } th { (m.import_field) } th { (m.import_sample) } } }
                    tbody { @for (i, header) in preview.headers.iter().enumerate() {
                        (column_row(m, &preview, &fields, i, header, chosen.get(i).cloned().flatten()))
                    } }
                }
            }
            p class="hint" { (m.import_dry_run_hint) }
            div class="row" {
                button type="submit" name="dry_run" value="true" class="secondary" { (m.import_dry_run) }
                button type="submit" name="dry_run" value="false" { (m.import_start) }
            }
        }
    };
    super::parts::form_page(ctx, m.import_mapping_title, body, error.is_some())
}

fn column_row(
    m: &Msg,
    p: &Preview,
    fields: &[FieldDef],
    i: usize,
    header: &str,
    field: Option<Field>,
) -> Markup {
    let chosen = field.as_ref().map(ToString::to_string).unwrap_or_default();
    let fixed = !addressable(&p.headers, i);
    let extra = match &field {
        Some(Field::ExternalId(Some(_))) => Some(chosen.clone()),
        _ => None,
    };
    html! {
        tr {
            td data-label=(m.import_column) { strong { (header) } }
            td data-label=(m.import_field) {
                select name={ "col" (i) } aria-label=(header) disabled[fixed] {
                    option value="ignore" selected[field.is_none()] { "— " (m.import_ignore) " —" }
                    @for (name, _) in FIELDS.iter() { option value=(name) selected[chosen == *name] { (field_label(m, name)) } }
                    @if !fields.is_empty() {
                        optgroup label=(m.custom_fields) {
                            @for d in fields { @let v = format!("cf.{}", d.key); option value=(v) selected[chosen == v] { (d.label) } }
                        }
                    }
                    @if let Some(x) = &extra { option value=(x) selected { (m.field_external_id) " (" (x.trim_start_matches("external_id:")) ")" } }
                }
                @if fixed { div class="hint" { (m.import_fixed) } }
            }
            td data-label=(m.import_sample) {
                div class="samples" {
                    @for v in p.samples.get(i).into_iter().flatten().filter(|v| !v.is_empty()) {
                        span { (v.chars().take(60).collect::<String>()) } " "
                    }
                }
            }
        }
    }
}

/// Each column's field: as recognised, then as `mapping` (the last choice) says. Unlike
/// [`Mapping::new`] it accepts a mapping without a name, e-mail or phone, to show it again.
fn choices(headers: &[String], mapping: &str, fields: &[FieldDef]) -> Vec<Option<Field>> {
    let mut cols: Vec<Option<Field>> = headers
        .iter()
        .map(|h| Field::recognise_in(h, fields))
        .collect();
    for (header, field) in mapping.split(',').filter_map(|p| p.rsplit_once('=')) {
        let key = fold(header.trim());
        if let Some(i) = headers.iter().position(|h| fold(h.trim()) == key) {
            cols[i] = Field::parse(field);
        }
    }
    cols
}

/// Whether column `i` can be named in a `Header=field` mapping: the mapping splits at commas
/// and finds a header's first column.
fn addressable(headers: &[String], i: usize) -> bool {
    let h = &headers[i];
    let key = fold(h.trim());
    !h.contains(',') && headers.iter().position(|o| fold(o.trim()) == key) == Some(i)
}

/// A field's name in the person's language.
fn field_label(m: &Msg, name: &str) -> &'static str {
    match name {
        "given_name" => m.given_name,
        "family_name" => m.family_name,
        "name" => m.field_full_name,
        "email" => m.email,
        "phone" => m.field_phone,
        "external_id" => m.field_external_id,
        "organization" => m.organization,
        "title" => m.job_title,
        "street" => m.street,
        "city" => m.city,
        "region" => m.region,
        "postal_code" => m.postal_code,
        "country" => m.field_country,
        "lifecycle_stage" => m.stage,
        "tags" => m.tags,
        "notes" => m.notes,
        "birthday" => m.birthday,
        "language" => m.language,
        "timezone" => m.field_timezone,
        _ => "?",
    }
}

fn gone(ctx: &Ctx) -> Response {
    let m = ctx.m;
    let body = html! {
        h1 { (m.import_title) }
        div class="flash err" role="alert" { (m.import_gone) }
        p { a class="button" href="/customers/import" { (m.import_another) } }
    };
    (StatusCode::GONE, layout(ctx, m.import_title, body)).into_response()
}

/// `POST /customers/import/{id}`: the mapping from the selects (`colN`), or a mapping kept
/// from a dry run (`mapping`), and `dry_run`. Starts the run and shows its progress.
pub async fn start(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    if let Some(r) = refuse_readers(&ctx) {
        return r;
    }
    let Some(job) = state.imports.view(&ctx.principal, id) else {
        return ctx_error(&ctx, AppError::NotFound("import"));
    };
    let mapping = form.get("mapping").cloned().unwrap_or_else(|| {
        let pairs = job.headers.iter().enumerate().filter_map(|(i, h)| {
            let field = form.get(&format!("col{i}"))?;
            addressable(&job.headers, i).then(|| format!("{}={field}", h.trim()))
        });
        pairs.collect::<Vec<_>>().join(",")
    });
    let vcard = match state.imports.file_path(&ctx.principal, id) {
        Some(path) => import_file::is_vcard(&path).await,
        None => false,
    };
    let fields = match customers::custom_fields(&state.app, &ctx.principal).await {
        Ok(f) => f,
        Err(e) => return ctx_error(&ctx, e),
    };
    let fields: Vec<FieldDef> = fields
        .into_iter()
        .filter(|d| d.applies_to.includes(Kind::Person))
        .collect();
    if !vcard && Mapping::new(&job.headers, &mapping, &fields).is_err() {
        let job = JobView { mapping, ..job };
        return mapping_page(&state, &ctx, id, &job, Some(ctx.m.import_bad_mapping)).await;
    }
    let dry_run = form.get("dry_run").is_some_and(|v| v == "true");
    match state
        .imports
        .start(&state.app, &ctx.principal, id, mapping, dry_run)
    {
        Ok(_) => Redirect::to(&format!("/customers/import/{id}")).into_response(),
        Err(AppError::NotFound(_)) => gone(&ctx),
        Err(e) => ctx_error(&ctx, e),
    }
}
