//! `/organizations`: the list with search, a new-organisation form, and each organisation's
//! page to edit it and see its people. Archive, erase and consent reuse the customer routes.
use super::custom_parts::{drafted, form_of, inputs, CustomForm, WithCustom};
use super::pages::{load, Loaded};
use super::parts::{
    consent_section, error_box, form_page, lines, opt, primary, read_only, record_actions,
    stage_name, AddressForm, Choices,
};
use crate::pages::{csrf_field, ctx_error, layout, when, Ctx};
use crate::state::AppState;
use crate::users::api::parse_cursor;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use serde::Deserialize;
use uuid::Uuid;
use vinculo_app::customers::{self, Draft, Lists, OnConflict};
use vinculo_app::AppError;
use vinculo_domain::auth::{Access, Area};
use vinculo_domain::customers::custom::FieldDef;
use vinculo_domain::customers::{ContactPoint, Kind, OrganizationDraft, SIZES};
use vinculo_domain::identity::KeyKind;
use vinculo_domain::ids::CustomerId;
use vinculo_store::customers::{CustomerFilter, CustomerRecord};
use vinculo_store::Cursor;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    q: Option<String>,
    cursor: Option<String>,
    sort: Option<String>,
    /// `cf.KEY=…` filters (from a saved view or a typed address).
    #[serde(flatten)]
    custom: std::collections::HashMap<String, String>,
}

pub async fn list_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Response {
    let m = ctx.m;
    let mut filter = super::api::filter_of(q.q.as_deref(), None, None, None, false);
    filter.kind = Some(Kind::Organization);
    let mut custom: Vec<(String, String)> = q
        .custom
        .iter()
        .filter(|(k, v)| k.starts_with("cf.") && !v.trim().is_empty())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    custom.sort();
    let further = super::filters::MoreFilters {
        sort: q.sort.clone(),
        custom: custom.iter().cloned().collect(),
        ..Default::default()
    };
    let bad_filter = super::filters::refine(&mut filter, &further).is_err();
    let cursor = parse_cursor(q.cursor.as_deref()).ok().flatten();
    let (page, refused) = match super::parts::list_forgiving(&state, &ctx, filter, cursor).await {
        Ok(p) => p,
        Err(e) => return ctx_error(&ctx, e),
    };
    let bad_filter = bad_filter || refused;
    let (views, fields) = match (
        customers::saved_views(&state.app, &ctx.principal, "organizations").await,
        customers::custom_fields(&state.app, &ctx.principal).await,
    ) {
        (Ok(v), Ok(f)) => (v, f),
        (Err(e), _) | (_, Err(e)) => return ctx_error(&ctx, e),
    };
    let more: String = {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in [("q", &q.q), ("sort", &q.sort)] {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                s.append_pair(k, v);
            }
        }
        for (k, v) in &custom {
            s.append_pair(k, v);
        }
        s.finish()
    };
    let sort_now = q.sort.clone().unwrap_or_default();
    let can_write = ctx.principal.can(Area::Customers, Access::Write);
    let body = html! {
        div class="row spread" {
            h1 { (m.organizations_title) }
            @if can_write { a class="button" href="/organizations/new" { "+ " (m.organization_new) } }
        }
        (super::views_pages::views_bar(&ctx, "organizations", &views, &more))
        form class="card row" method="get" action="/organizations" role="search" {
            label class="grow" { span class="visually-hidden" { (m.organization_search) }
                input type="search" name="q" value=[q.q.as_deref()] placeholder=(m.organization_search) autocomplete="off" autofocus;
            }
            (super::pages::sort_select(m, &sort_now, &fields, Kind::Organization))
            @for (k, v) in &custom { input type="hidden" name=(k) value=(v); }
            button type="submit" class="secondary" { (m.customer_search_button) }
        }
        @if bad_filter { div class="flash err" role="alert" { (m.filter_invalid) } }
        @if page.items.is_empty() { p class="muted" { (m.no_results) } } @else {
            div class="table-wrap" {
                table class="stack-phone" {
                    thead { tr { th { (m.org_name) } th { (m.domains) } th { (m.industry) } th { (m.size) } th { (m.stage) } } }
                    tbody {
                        @for c in &page.items {
                            tr {
                                td data-label=(m.org_name) { a href={ "/organizations/" (c.id) } { (c.display_name) } }
                                td data-label=(m.domains) { (primary(c, KeyKind::Domain).unwrap_or("")) }
                                td data-label=(m.industry) { (c.industry.as_deref().unwrap_or("")) }
                                td data-label=(m.size) { (c.size.as_deref().unwrap_or("")) }
                                td data-label=(m.stage) { (stage_name(m, &c.lifecycle_stage)) }
                            }
                        }
                    }
                }
            }
            @if let Some(next) = page.next.clone() {
                p { a href={ "/organizations?" (more) @if !more.is_empty() { "&" } "cursor=" (Cursor::encode(next)) } { (m.more_results) " →" } }
            }
        }
    };
    layout(&ctx, m.organizations_title, body).into_response()
}

/// The organisation form's fields, as text a person types.
#[derive(Deserialize, Default, Clone)]
pub struct OrgForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    domains: String,
    #[serde(default)]
    tax_id: String,
    #[serde(default)]
    industry: String,
    #[serde(default)]
    size: String,
    #[serde(default)]
    phones: String,
    #[serde(default)]
    emails: String,
    #[serde(default)]
    lifecycle_stage: String,
    #[serde(default)]
    tags: String,
    #[serde(default)]
    notes: String,
    #[serde(flatten)]
    address: AddressForm,
    #[serde(skip)]
    custom: CustomForm,
}

impl OrgForm {
    fn draft(&self) -> Draft {
        let points = |s: &str| {
            lines(s)
                .into_iter()
                .map(|value| ContactPoint {
                    value,
                    ..ContactPoint::default()
                })
                .collect()
        };
        Draft::Organization(OrganizationDraft {
            name: opt(&self.name),
            domains: lines(&self.domains),
            tax_id: opt(&self.tax_id),
            industry: opt(&self.industry),
            size: opt(&self.size),
            phones: points(&self.phones),
            emails: points(&self.emails),
            lifecycle_stage: opt(&self.lifecycle_stage),
            tags: self
                .tags
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
            notes: opt(&self.notes),
            addresses: self.address.draft(),
            custom_fields: drafted(&self.custom),
            ..OrganizationDraft::default()
        })
    }

    fn of(c: &CustomerRecord, fields: &[FieldDef]) -> Self {
        let joined = |kind: KeyKind| {
            c.keys
                .iter()
                .filter(|k| k.kind == kind)
                .map(|k| k.display.clone())
                .collect::<Vec<_>>()
                .join("\n")
        };
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        OrgForm {
            name: c.display_name.clone(),
            domains: joined(KeyKind::Domain),
            tax_id: s(&c.tax_id),
            industry: s(&c.industry),
            size: s(&c.size),
            phones: joined(KeyKind::Phone),
            emails: joined(KeyKind::Email),
            lifecycle_stage: c.lifecycle_stage.clone(),
            tags: c.tags.join(", "),
            notes: s(&c.notes),
            address: AddressForm::of(c),
            custom: form_of(fields, c),
        }
    }
}

fn org_fields(ctx: &Ctx, f: &OrgForm, error: Option<&AppError>, ch: &Choices) -> Markup {
    let m = ctx.m;
    html! {
        (error_box(m, error, &ch.fields))
        (csrf_field(&ctx.csrf))
        label { (m.org_name) input type="text" name="name" value=(f.name) maxlength="200" required autocomplete="off"; }
        div class="row" {
            label { (m.domains) span class="hint" { (m.domains_hint) } textarea name="domains" rows="2" { (f.domains) } }
            label { (m.phones) span class="hint" { (m.one_per_line) } textarea name="phones" rows="2" { (f.phones) } }
            label { (m.emails) span class="hint" { (m.one_per_line) } textarea name="emails" rows="2" { (f.emails) } }
        }
        div class="row" {
            label { (m.tax_id) input type="text" name="tax_id" value=(f.tax_id) maxlength="40" autocomplete="off"; }
            label { (m.industry) input type="text" name="industry" value=(f.industry) maxlength="100"; }
            label { (m.size)
                select name="size" {
                    option value="" { (m.size_unknown) }
                    @for s in SIZES { option value=(s) selected[f.size == s] { (s) } }
                }
            }
        }
        div class="row" {
            (ch.stage_select(m, &f.lifecycle_stage))
            label { (m.tags) span class="hint" { (m.tags_hint) } input type="text" name="tags" value=(f.tags); }
        }
        (f.address.fields(m))
        (inputs(m, &ch.fields, Kind::Organization, &f.custom))
        label { (m.notes) textarea name="notes" rows="3" { (f.notes) } }
    }
}

fn new_page(ctx: &Ctx, f: &OrgForm, error: Option<&AppError>, ch: &Choices) -> Response {
    let m = ctx.m;
    let body = html! {
        p { a href="/organizations" { "← " (m.organizations_title) } }
        h1 { (m.organization_new) }
        form class="stack card" method="post" action="/organizations/new" {
            (org_fields(ctx, f, error, ch))
            div { button type="submit" { (m.organization_create) } }
        }
    };
    form_page(ctx, m.organization_new, body, error.is_some())
}

pub async fn new_form(State(state): State<AppState>, ctx: Ctx) -> Response {
    if let Err(e) = ctx.principal.require(Area::Customers, Access::Write) {
        return ctx_error(&ctx, e);
    }
    match Choices::load(&state, &ctx).await {
        Ok(ch) => new_page(&ctx, &OrgForm::default(), None, &ch),
        Err(e) => ctx_error(&ctx, e),
    }
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    WithCustom(mut f, custom): WithCustom<OrgForm>,
) -> Response {
    f.custom = custom;
    match customers::create(&state.app, &ctx.principal, f.draft(), OnConflict::Reject).await {
        Ok((c, _)) => Redirect::to(&format!("/organizations/{}?flash=saved", c.id)).into_response(),
        Err(e @ AppError::Forbidden) => ctx_error(&ctx, e),
        Err(e) => match Choices::load(&state, &ctx).await {
            Ok(ch) => new_page(&ctx, &f, Some(&e), &ch),
            Err(e) => ctx_error(&ctx, e),
        },
    }
}

struct Shown<'a> {
    l: &'a Loaded,
    people: &'a [CustomerRecord],
    /// Right after a merge into this organisation: its undo.
    merged: Option<maud::Markup>,
}

fn show_page(ctx: &Ctx, s: Shown<'_>, f: &OrgForm, error: Option<&AppError>) -> Response {
    let (m, c) = (ctx.m, &s.l.c);
    let can_write = ctx.principal.can(Area::Customers, Access::Write);
    let body = html! {
        p { a href="/organizations" { "← " (m.organizations_title) } }
        div class="row spread" {
            h1 { (c.display_name) @if c.archived_at.is_some() { " " span class="badge off" { (m.archived) } } }
            span { span class="badge" { (stage_name(m, &c.lifecycle_stage)) } " " (super::tier::badge(m, &s.l.tier)) }
        }
        p class="muted small" { (m.created) " " (when(c.created_at)) }
        @if let Some(b) = &s.merged { (b) }
        section class="card" id="people" {
            h2 { (m.people) " (" (s.people.len()) ")" }
            @if s.people.is_empty() { p class="muted" { (m.no_people) } } @else {
                ul {
                    @for p in s.people {
                        li {
                            a href={ "/customers/" (p.id) } { (p.display_name) }
                            @if let Some(t) = p.affiliations.iter().find(|a| a.organization == c.id).and_then(|a| a.title.as_deref()) { " — " (t) }
                            @if let Some(e) = primary(p, KeyKind::Email) { " · " span class="muted" { (e) } }
                        }
                    }
                }
            }
        }
        @if can_write {
            form class="stack card" method="post" action={ "/organizations/" (c.id) } {
                (org_fields(ctx, f, error, &s.l.choices))
                div { button type="submit" { (m.save) } }
            }
            (record_actions(ctx, c))
        }
        (consent_section(ctx, c, &s.l.ledger, can_write))
        @if !can_write { (read_only(m, c, &s.l.choices.fields)) }
    };
    form_page(ctx, &c.display_name, body, error.is_some())
}

/// The first 200 people of an organisation (the API pages through all of them).
async fn people(
    state: &AppState,
    ctx: &Ctx,
    id: CustomerId,
) -> Result<Vec<CustomerRecord>, AppError> {
    let filter = CustomerFilter {
        kind: Some(Kind::Person),
        organization: Some(id),
        ..CustomerFilter::default()
    };
    Ok(
        customers::list(&state.app, &ctx.principal, &filter, None, 200)
            .await?
            .items,
    )
}

async fn render(
    state: &AppState,
    ctx: &Ctx,
    id: CustomerId,
    f: Option<OrgForm>,
    error: Option<&AppError>,
    merged: Option<maud::Markup>,
) -> Response {
    let loaded = match load(state, ctx, id, Kind::Organization).await {
        Ok(l) => l,
        Err(e) => return ctx_error(ctx, e),
    };
    let people = match people(state, ctx, id).await {
        Ok(p) => p,
        Err(e) => return ctx_error(ctx, e),
    };
    let f = f.unwrap_or_else(|| OrgForm::of(&loaded.c, &loaded.choices.fields));
    let shown = Shown {
        l: &loaded,
        people: &people,
        merged,
    };
    show_page(ctx, shown, &f, error)
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    Query(mq): Query<super::merge_history::MergedQuery>,
) -> Response {
    let id = CustomerId(id);
    let merged = super::merge_history::banner(&state, &ctx, id, &mq).await;
    render(&state, &ctx, id, None, None, merged).await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    WithCustom(mut f, custom): WithCustom<OrgForm>,
) -> Response {
    f.custom = custom;
    let id = CustomerId(id);
    let lists = Lists {
        emails: true,
        phones: true,
        tags: true,
        addresses: true,
        domains: true,
        ..Lists::default()
    };
    let mut draft = f.draft();
    if let Err(e) = super::pages::keep_the_rest(&state, &ctx, id, &mut draft).await {
        return ctx_error(&ctx, e);
    }
    match customers::update(&state.app, &ctx.principal, id, draft, lists, None).await {
        Ok(_) => Redirect::to(&format!("/organizations/{id}?flash=saved")).into_response(),
        Err(e @ (AppError::Forbidden | AppError::NotFound(_))) => ctx_error(&ctx, e),
        Err(e) => render(&state, &ctx, id, Some(f), Some(&e), None).await,
    }
}
