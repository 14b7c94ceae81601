//! `/customers`: the list with one search box and filters, a new-customer form, and each
//! customer's page to view, edit, archive or erase them.
use super::custom_parts::{drafted, form_of, inputs, CustomForm, WithCustom};
use super::filters::{refine, MoreFilters};
use super::parts::{
    consent_section, error_box, form_page, lines, opt, primary, purpose_name, read_only,
    record_actions, stage_name, AddressForm, Choices,
};
use super::tier;
use crate::i18n::Msg;
use crate::interactions::pages::{self as timeline, TimelineQuery};
use crate::pages::{csrf_field, ctx_error, layout, when, Ctx};
use crate::state::AppState;
use crate::users::api::parse_cursor;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::{html, Markup};
use serde::Deserialize;
use uuid::Uuid;
use vinculo_app::customers::{self, Draft, Lists, OnConflict, ValueTier};
use vinculo_app::AppError;
use vinculo_domain::auth::{Access, Area};
use vinculo_domain::customers::consent::ConsentEntry;
use vinculo_domain::customers::consent::{Channel, Purpose};
use vinculo_domain::customers::custom::FieldDef;
use vinculo_domain::customers::{AffiliationDraft, ContactPoint, Kind, PersonDraft};
use vinculo_domain::identity::KeyKind;
use vinculo_domain::ids::CustomerId;
use vinculo_store::customers::CustomerRecord;
use vinculo_store::Cursor;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    q: Option<String>,
    stage: Option<String>,
    tag: Option<String>,
    archived: Option<String>,
    cursor: Option<String>,
    organization: Option<String>,
    /// The "More filters" custom field picker: the field, and a value or a range; turned
    /// into `cf.KEY=…` before anything else reads the query.
    cff: Option<String>,
    cfv: Option<String>,
    cfmin: Option<String>,
    cfmax: Option<String>,
    // Every further filter is text, so flattening works with form-encoded queries.
    #[serde(flatten)]
    more: MoreFilters,
}

impl ListQuery {
    /// Moves the picker's field and values into `cf.` filters (replacing that field's).
    fn settle_custom(&mut self) {
        let Some(key) = self.cff.take().filter(|k| !k.is_empty()) else {
            return;
        };
        let base = format!("cf.{key}");
        self.more.custom.retain(|k, _| {
            k != &base && k != &format!("{base}.min") && k != &format!("{base}.max")
        });
        for (suffix, v) in [
            ("", self.cfv.take()),
            (".min", self.cfmin.take()),
            (".max", self.cfmax.take()),
        ] {
            if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
                self.more.custom.insert(format!("{base}{suffix}"), v);
            }
        }
    }

    /// The `cf.` filters in use, sorted by name.
    pub(super) fn custom_pairs(&self) -> Vec<(String, String)> {
        let mut pairs: Vec<(String, String)> = self
            .more
            .custom
            .iter()
            .filter(|(k, v)| k.starts_with("cf.") && !v.trim().is_empty())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        pairs.sort();
        pairs
    }
}

pub async fn list_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(mut q): Query<ListQuery>,
) -> Response {
    let m = ctx.m;
    q.settle_custom();
    let mut filter = super::api::filter_of(
        q.q.as_deref(),
        q.stage.clone(),
        q.tag.clone(),
        None,
        q.archived.is_some(),
    );
    filter.organization = q
        .organization
        .as_deref()
        .and_then(|o| o.parse::<Uuid>().ok())
        .map(CustomerId);
    let bad_filter = refine(&mut filter, &q.more).is_err();
    let cursor = parse_cursor(q.cursor.as_deref()).ok().flatten();
    let (page, refused) = match super::parts::list_forgiving(&state, &ctx, filter, cursor).await {
        Ok(p) => p,
        Err(e) => return ctx_error(&ctx, e),
    };
    let bad_filter = bad_filter || refused;
    let choices = match Choices::load(&state, &ctx).await {
        Ok(c) => c,
        Err(e) => return ctx_error(&ctx, e),
    };
    let views = match customers::saved_views(&state.app, &ctx.principal, "customers").await {
        Ok(v) => v,
        Err(e) => return ctx_error(&ctx, e),
    };
    let further = [
        ("organization", &q.organization),
        ("created_from", &q.more.created_from),
        ("created_until", &q.more.created_until),
        ("updated_from", &q.more.updated_from),
        ("updated_until", &q.more.updated_until),
        ("consent", &q.more.consent),
        ("sort", &q.more.sort),
    ];
    let custom = q.custom_pairs();
    let mut more = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in [
        ("q", &q.q),
        ("stage", &q.stage),
        ("tag", &q.tag),
        ("archived", &q.archived),
    ]
    .into_iter()
    .chain(further)
    {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            more.append_pair(k, v);
        }
    }
    for (k, v) in &custom {
        more.append_pair(k, v);
    }
    let more = more.finish();
    let mut export = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in [("q", &q.q), ("lifecycle_stage", &q.stage), ("tag", &q.tag)]
        .into_iter()
        .chain(further)
    {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            export.append_pair(k, v);
        }
    }
    for (k, v) in &custom {
        export.append_pair(k, v);
    }
    if q.archived.is_some() {
        export.append_pair("archived", "true");
    }
    let export_query = match export.finish() {
        e if e.is_empty() => String::new(),
        e => format!("&{e}"),
    };
    // The custom fields the list is sorted or filtered by get a column.
    let columns: Vec<&FieldDef> = choices
        .fields
        .iter()
        .filter(|d| d.applies_to.includes(Kind::Person))
        .filter(|d| {
            let base = format!("cf.{}", d.key);
            q.more.sort.as_deref().map(|s| s.trim_start_matches('-')) == Some(base.as_str())
                || custom
                    .iter()
                    .any(|(k, _)| *k == base || k.starts_with(&format!("{base}.")))
        })
        .take(3)
        .collect();
    let can_write = ctx.principal.can(Area::Customers, Access::Write);
    let body = html! {
           div class="row spread" {
               h1 { (m.customers_title) }
               div class="row" {
                   a class="button secondary" href={ "/api/v1/customers/export?format=csv" (export_query) } download { (m.export_csv) }
                   a class="button secondary" href={ "/api/v1/customers/export?format=vcard" (export_query) } download { (m.export_vcard) }
                   @if can_write { a class="button secondary" href="/customers/duplicates" { (m.duplicates_title) } }
                   @if can_write { a class="button secondary" href="/customers/import" { (m.import_button) } }
                   @if can_write { a class="button" href="/customers/new" { "+ " (m.customer_new) } }
               }
           }
           (super::views_pages::views_bar(&ctx, "customers", &views, &more))
           form class="card row" method="get" action="/customers" role="search" {
               label class="grow" { span class="visually-hidden" { (m.customer_search) }
                   input type="search" name="q" value=[q.q.as_deref()] placeholder=(m.customer_search) autocomplete="off" autofocus data-typeahead="/api/v1/customers";
               }
               label { (m.stage)
                   select name="stage" {
                       option value="" { (m.all_stages) }
                       @for s in &choices.stages { option value=(s) selected[q.stage.as_deref() == Some(s.as_str())] { (stage_name(m, s)) } }
                   }
               }
               label class="check" { input type="checkbox" name="archived" value="1" checked[q.archived.is_some()]; (m.show_archived) }
               button type="submit" class="secondary" { (m.customer_search_button) }
               (further_filters(m, &q, &choices))
           }
           @if bad_filter { div class="flash err" role="alert" { (m.filter_invalid) } }
           @if page.items.is_empty() { p class="muted" { (m.no_results) } } @else {
               div class="table-wrap" {
                   table class="stack-phone" {
                       thead { tr { th { (m.name) } th { (m.organization) } th { (m.email) } th { (m.phones) } th { (m.stage) } @for d in &columns { th { (d.label) } } th { (m.tags) } } }
                       tbody {
                           @for c in &page.items {
                               tr {
                                   td data-label=(m.name) { a href={ "/customers/" (c.id) } { (c.display_name) } @if c.archived_at.is_some() { " " span class="badge off" { (m.archived) } } }
                                   td data-label=(m.organization) { @for a in c.affiliations.iter().take(1) { a href={ "/organizations/" (a.organization) } { (a.name) } } }
                                   td data-label=(m.email) { (primary(c, KeyKind::Email).unwrap_or("")) }
                                   td data-label=(m.phones) { (primary(c, KeyKind::Phone).unwrap_or("")) }
    td data-label=(m.stage) { (stage_name(m, &c.lifecycle_stage)) }
                                   @for d in &columns { td data-label=(d.label) { (super::custom_parts::value_text(d, c)) } }
                                   td data-label=(m.tags) { @for t in &c.tags { a class="badge" href={ "/customers?tag=" (url::form_urlencoded::byte_serialize(t.as_bytes()).collect::<String>()) } { (t) } " " } }
                               }
                           }
                       }
                   }
               }
               @if let Some(next) = page.next.clone() {
                   p { a href={ "/customers?" (more) @if !more.is_empty() { "&" } "cursor=" (Cursor::encode(next)) } { (m.more_results) " →" } }
               }
           }
       };
    layout(&ctx, m.customers_title, body).into_response()
}

/// Organisation, dates, consent and order, folded away until asked for (open when in use).
fn further_filters(m: &Msg, q: &ListQuery, ch: &Choices) -> Markup {
    let v = |o: &Option<String>| o.clone().unwrap_or_default();
    let used = [
        &q.organization,
        &q.more.created_from,
        &q.more.created_until,
        &q.more.updated_from,
        &q.more.updated_until,
        &q.more.consent,
        &q.more.sort,
    ]
    .iter()
    .any(|o| o.as_deref().is_some_and(|s| !s.is_empty()));
    let consent_now = v(&q.more.consent);
    let custom = q.custom_pairs();
    let used = used || !custom.is_empty();
    // The picker shows the first field filtered on.
    let picked = custom
        .first()
        .map(|(k, _)| {
            let k = k.trim_start_matches("cf.");
            k.strip_suffix(".min")
                .or_else(|| k.strip_suffix(".max"))
                .or_else(|| k.strip_suffix(".empty"))
                .unwrap_or(k)
                .to_owned()
        })
        .unwrap_or_default();
    let value_of = |suffix: &str| {
        custom
            .iter()
            .find(|(k, _)| *k == format!("cf.{picked}{suffix}"))
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let sort_now = v(&q.more.sort);
    html! {
        details class="grow more-filters" open[used] {
            summary { (m.more_filters) }
            div class="row" {
                label { (m.organization)
                    select name="organization" {
                        option value="" { (m.all_organizations) }
                        @for (id, name) in &ch.organizations { option value=(id) selected[q.organization.as_deref() == Some(id.as_str())] { (name) } }
                    }
                }
                label { (m.created_from) input type="date" name="created_from" value=(v(&q.more.created_from)); }
                label { (m.created_until) input type="date" name="created_until" value=(v(&q.more.created_until)); }
                label { (m.updated_from) input type="date" name="updated_from" value=(v(&q.more.updated_from)); }
                label { (m.consent_title)
                    select name="consent" {
                        option value="" { "—" }
                        @for ch in Channel::ALL { @for p in Purpose::ALL {
                            @let key = format!("{}:{}", ch.as_str(), p.as_str());
                            option value=(key) selected[consent_now == key] { (ch.as_str()) " · " (purpose_name(m, *p)) " · " (m.consent_opted_in) }
                        } }
                    }
                }
                (sort_select(m, &sort_now, &ch.fields, Kind::Person))
            }
            @if ch.fields.iter().any(|d| d.applies_to.includes(Kind::Person)) {
                div class="row" {
                    label { (m.filter_field)
                        select name="cff" {
                            option value="" { "—" }
                            @for d in ch.fields.iter().filter(|d| d.applies_to.includes(Kind::Person)) {
                                option value=(d.key) selected[picked == d.key] { (d.label) }
                            }
                        }
                    }
                    label { (m.filter_value) input type="text" name="cfv" value=(value_of("")) size="14"; }
                    label { (m.filter_min) input type="text" name="cfmin" value=(value_of(".min")) size="10"; }
                    label { (m.filter_max) input type="text" name="cfmax" value=(value_of(".max")) size="10"; }
                }
            }
            // Filters the picker does not show (from a saved view or a link) are kept.
            @for (k, val) in custom.iter().filter(|(k, _)| ![format!("cf.{picked}"), format!("cf.{picked}.min"), format!("cf.{picked}.max")].contains(k)) {
                input type="hidden" name=(k) value=(val);
            }
        }
    }
}

/// The order select: newest/oldest, name, last change, and each sortable custom field.
pub(super) fn sort_select(m: &Msg, now: &str, fields: &[FieldDef], kind: Kind) -> Markup {
    let fixed = [
        ("newest", m.sort_newest),
        ("oldest", m.sort_oldest),
        ("name", m.sort_name),
        ("-name", m.sort_name_desc),
        ("-updated", m.sort_updated_desc),
        ("updated", m.sort_updated),
    ];
    html! {
        label { (m.sort_order)
            select name="sort" {
                @for (value, label) in fixed { option value=(value) selected[now == value] { (label) } }
                @for d in fields.iter().filter(|d| d.applies_to.includes(kind) && d.field_type != vinculo_domain::customers::custom::FieldType::MultiSelect) {
                    @let up = format!("cf.{}", d.key);
                    @let down = format!("-cf.{}", d.key);
                    option value=(up) selected[now == up] { (d.label) " ↑" }
                    option value=(down) selected[now == down] { (d.label) " ↓" }
                }
            }
        }
    }
}

/// The person form's fields, as text a person types.
#[derive(Deserialize, Default, Clone)]
pub struct PersonForm {
    #[serde(default)]
    given_name: String,
    #[serde(default)]
    family_name: String,
    #[serde(default)]
    emails: String,
    #[serde(default)]
    phones: String,
    #[serde(default)]
    external_ids: String,
    #[serde(default)]
    lifecycle_stage: String,
    #[serde(default)]
    tags: String,
    #[serde(default)]
    birthday: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    organization_id: String,
    #[serde(default)]
    title: String,
    #[serde(flatten)]
    address: AddressForm,
    #[serde(skip)]
    custom: CustomForm,
}

impl PersonForm {
    fn draft(&self) -> PersonDraft {
        let points = |s: &str| {
            lines(s)
                .into_iter()
                .map(|value| ContactPoint {
                    value,
                    ..ContactPoint::default()
                })
                .collect()
        };
        PersonDraft {
            given_name: opt(&self.given_name),
            family_name: opt(&self.family_name),
            emails: points(&self.emails),
            phones: points(&self.phones),
            external_ids: lines(&self.external_ids),
            lifecycle_stage: opt(&self.lifecycle_stage),
            tags: self
                .tags
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
            birthday: opt(&self.birthday),
            notes: opt(&self.notes),
            addresses: self.address.draft(),
            organizations: opt(&self.organization_id)
                .map(|organization_id| AffiliationDraft {
                    organization_id,
                    title: opt(&self.title),
                })
                .into_iter()
                .collect(),
            custom_fields: drafted(&self.custom),
            ..PersonDraft::default()
        }
    }

    fn of(c: &CustomerRecord, fields: &[FieldDef]) -> Self {
        let joined = |kind: KeyKind| {
            c.keys
                .iter()
                .filter(|k| k.kind == kind)
                .map(|k| {
                    if kind == KeyKind::External {
                        k.value.clone()
                    } else {
                        k.display.clone()
                    }
                })
                .collect::<Vec<_>>()
                .join("\n")
        };
        PersonForm {
            given_name: c.given_name.clone().unwrap_or_default(),
            family_name: c.family_name.clone().unwrap_or_default(),
            emails: joined(KeyKind::Email),
            phones: joined(KeyKind::Phone),
            external_ids: joined(KeyKind::External),
            lifecycle_stage: c.lifecycle_stage.clone(),
            tags: c.tags.join(", "),
            birthday: c.birthday.map(|d| d.to_string()).unwrap_or_default(),
            notes: c.notes.clone().unwrap_or_default(),
            organization_id: c
                .affiliations
                .first()
                .map(|a| a.organization.to_string())
                .unwrap_or_default(),
            title: c
                .affiliations
                .first()
                .and_then(|a| a.title.clone())
                .unwrap_or_default(),
            address: AddressForm::of(c),
            custom: form_of(fields, c),
        }
    }
}

/// The person form's fields.
fn person_fields(ctx: &Ctx, f: &PersonForm, error: Option<&AppError>, ch: &Choices) -> Markup {
    let m = ctx.m;
    html! {
        (error_box(m, error, &ch.fields))
        (csrf_field(&ctx.csrf))
        div class="row" {
            label { (m.given_name) input type="text" name="given_name" value=(f.given_name) maxlength="200" autocomplete="off"; }
            label { (m.family_name) input type="text" name="family_name" value=(f.family_name) maxlength="200" autocomplete="off"; }
        }
        div class="row" {
            label { (m.emails) span class="hint" { (m.one_per_line) } textarea name="emails" rows="2" { (f.emails) } }
            label { (m.phones) span class="hint" { (m.one_per_line) } textarea name="phones" rows="2" { (f.phones) } }
        }
        div class="row" {
            label { (m.organization)
                select name="organization_id" {
                    option value="" { "— " (m.organization_none) " —" }
                    @for (id, name) in &ch.organizations { option value=(id) selected[&f.organization_id == id] { (name) } }
                }
            }
            label { (m.job_title) input type="text" name="title" value=(f.title) maxlength="200" autocomplete="off"; }
        }
        div class="row" {
            (ch.stage_select(m, &f.lifecycle_stage))
            label { (m.tags) span class="hint" { (m.tags_hint) } input type="text" name="tags" value=(f.tags); }
            label { (m.birthday) input type="date" name="birthday" value=(f.birthday); }
        }
        (f.address.fields(m))
        (inputs(m, &ch.fields, Kind::Person, &f.custom))
        label { (m.external_ids) span class="hint" { (m.external_ids_hint) } textarea name="external_ids" rows="2" { (f.external_ids) } }
        label { (m.notes) textarea name="notes" rows="3" { (f.notes) } }
    }
}

fn new_page(ctx: &Ctx, f: &PersonForm, error: Option<&AppError>, ch: &Choices) -> Response {
    let m = ctx.m;
    let body = html! {
        p { a href="/customers" { "← " (m.customers_title) } }
        h1 { (m.customer_new) }
        form class="stack card" method="post" action="/customers/new" {
            (person_fields(ctx, f, error, ch))
            div { button type="submit" { (m.customer_create) } }
        }
    };
    form_page(ctx, m.customer_new, body, error.is_some())
}

/// What a link can fill the new customer form with (a screen pop's "create customer").
#[derive(Deserialize, Default)]
pub struct Prefill {
    #[serde(default)]
    phone: Option<String>,
    #[serde(default)]
    email: Option<String>,
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(prefill): Query<Prefill>,
) -> Response {
    if let Err(e) = ctx.principal.require(Area::Customers, Access::Write) {
        return ctx_error(&ctx, e);
    }
    let form = PersonForm {
        phones: prefill.phone.unwrap_or_default(),
        emails: prefill.email.unwrap_or_default(),
        ..PersonForm::default()
    };
    match Choices::load(&state, &ctx).await {
        Ok(ch) => new_page(&ctx, &form, None, &ch),
        Err(e) => ctx_error(&ctx, e),
    }
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    WithCustom(mut f, custom): WithCustom<PersonForm>,
) -> Response {
    f.custom = custom;
    let draft = Draft::Person(f.draft());
    match customers::create(&state.app, &ctx.principal, draft, OnConflict::Reject).await {
        Ok((c, _)) => Redirect::to(&format!("/customers/{}?flash=saved", c.id)).into_response(),
        Err(e @ AppError::Forbidden) => ctx_error(&ctx, e),
        Err(e) => match Choices::load(&state, &ctx).await {
            Ok(ch) => new_page(&ctx, &f, Some(&e), &ch),
            Err(e) => ctx_error(&ctx, e),
        },
    }
}

fn show_page(
    ctx: &Ctx,
    l: &Loaded,
    f: &PersonForm,
    error: Option<&AppError>,
    timeline: Option<Markup>,
) -> Response {
    let (m, c, ch) = (ctx.m, &l.c, &l.choices);
    let can_write = ctx.principal.can(Area::Customers, Access::Write);
    let body = html! {
        p { a href="/customers" { "← " (m.customers_title) } }
        div class="row spread" {
            h1 { (c.display_name) @if c.archived_at.is_some() { " " span class="badge off" { (m.archived) } } }
            span { span class="badge" { (stage_name(m, &c.lifecycle_stage)) } " " (tier::badge(m, &l.tier)) }
        }
        p class="muted small" {
            @for a in &c.affiliations {
                @if let Some(t) = &a.title { (t) ", " }
                a href={ "/organizations/" (a.organization) } { (a.name) } " · "
            }
            (m.created) " " (when(c.created_at))
        }
        // What the customer did comes before the form that edits who they are.
        @if let Some(t) = timeline { (t) }
        @if can_write {
            form class="stack card" method="post" action={ "/customers/" (c.id) } {
                (person_fields(ctx, f, error, ch))
                div { button type="submit" { (m.save) } }
            }
            (record_actions(ctx, c))
        }
        (consent_section(ctx, c, &l.ledger, can_write))
        @if !can_write { (read_only(m, c, &ch.fields)) }
    };
    form_page(ctx, &c.display_name, body, error.is_some())
}

/// A customer as their page shows them.
pub(super) struct Loaded {
    pub c: CustomerRecord,
    pub tier: ValueTier,
    pub ledger: Vec<ConsentEntry>,
    /// The form's choices.
    pub choices: Choices,
}

/// The customer of `kind`, their value tier, their consent ledger, and the form's choices.
pub(super) async fn load(
    state: &AppState,
    ctx: &Ctx,
    id: CustomerId,
    kind: Kind,
) -> Result<Loaded, AppError> {
    let c = customers::get(&state.app, &ctx.principal, id, Some(kind)).await?;
    let tier = customers::value_tier(&state.app, &ctx.principal, &c).await?;
    let ledger = customers::consent_ledger(&state.app, &ctx.principal, id).await?;
    let choices = Choices::load(state, ctx).await?;
    Ok(Loaded {
        c,
        tier,
        ledger,
        choices,
    })
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    Query(tq): Query<TimelineQuery>,
    Query(mq): Query<super::merge_history::MergedQuery>,
) -> Response {
    let id = CustomerId(id);
    let base = format!("/customers/{id}");
    match load(&state, &ctx, id, Kind::Person).await {
        Ok(l) => {
            let t = timeline::section(&state, &ctx, id, &base, &tq).await;
            match (timeline::glance(&state, &ctx, id).await, t) {
                (Ok(g), Ok(t)) => {
                    let f = PersonForm::of(&l.c, &l.choices.fields);
                    // A merge into this customer: its undo comes first, above the glance.
                    let undo = super::merge_history::banner(&state, &ctx, id, &mq).await;
                    let t = t.map(|t| html! { @if let Some(u) = &undo { (u) } (g) (t) });
                    show_page(&ctx, &l, &f, None, t)
                }
                (Err(e), _) | (_, Err(e)) => ctx_error(&ctx, e),
            }
        }
        Err(e) => ctx_error(&ctx, e),
    }
}

#[derive(Deserialize)]
pub struct ConsentForm {
    channel: String,
    purpose: String,
    state: String,
}

pub async fn record_consent(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    Form(f): Form<ConsentForm>,
) -> Response {
    let change = customers::ConsentChange {
        channel: f.channel,
        purpose: f.purpose,
        state: f.state,
        source: None,
        note: None,
    };
    match customers::record_consent(&state.app, &ctx.principal, CustomerId(id), change).await {
        Ok(_) => Redirect::to(&format!(
            "{}?flash=saved#consent",
            page_of(&state, &ctx, CustomerId(id)).await
        ))
        .into_response(),
        Err(e) => ctx_error(&ctx, e),
    }
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    WithCustom(mut f, custom): WithCustom<PersonForm>,
) -> Response {
    f.custom = custom;
    let id = CustomerId(id);
    // The form shows every list, so each list it sends replaces the stored one; it edits
    // only the first address and organisation, so the others are carried over.
    let lists = Lists {
        emails: true,
        phones: true,
        external_ids: true,
        tags: true,
        addresses: true,
        organizations: true,
        domains: false,
    };
    let mut draft = Draft::Person(f.draft());
    if let Err(e) = keep_the_rest(&state, &ctx, id, &mut draft).await {
        return ctx_error(&ctx, e);
    }
    match customers::update(&state.app, &ctx.principal, id, draft, lists, None).await {
        Ok(_) => Redirect::to(&format!("/customers/{id}?flash=saved")).into_response(),
        Err(e @ (AppError::Forbidden | AppError::NotFound(_))) => ctx_error(&ctx, e),
        Err(e) => match load(&state, &ctx, id, Kind::Person).await {
            Ok(l) => {
                // The form came back with errors: those are what the page is for now, so
                // the timeline shows as on a first visit, or not at all if it cannot be read.
                let base = format!("/customers/{id}");
                let tq = TimelineQuery::default();
                let t = timeline::section(&state, &ctx, id, &base, &tq).await;
                show_page(&ctx, &l, &f, Some(&e), t.ok().flatten())
            }
            Err(e) => ctx_error(&ctx, e),
        },
    }
}

#[derive(Deserialize)]
pub struct ArchiveForm {
    archived: bool,
}

pub async fn archive(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    Form(f): Form<ArchiveForm>,
) -> Response {
    let id = CustomerId(id);
    match customers::set_archived(&state.app, &ctx.principal, id, f.archived).await {
        Ok(c) => Redirect::to(&format!("{}?flash=saved", page_url(&c))).into_response(),
        Err(e) => ctx_error(&ctx, e),
    }
}

/// Carries over what a form does not show: the addresses and organisations after the first.
pub(super) async fn keep_the_rest(
    state: &AppState,
    ctx: &Ctx,
    id: CustomerId,
    draft: &mut Draft,
) -> Result<(), AppError> {
    let current = customers::get(&state.app, &ctx.principal, id, Some(draft.kind())).await?;
    // Only addresses and organisations are taken, so the phones' region does not matter.
    let region = vinculo_domain::identity::Region::ES;
    match (draft, Draft::of(&current, region)) {
        (Draft::Person(p), Draft::Person(was)) => {
            p.addresses.extend(was.addresses.into_iter().skip(1));
            p.organizations
                .extend(was.organizations.into_iter().skip(1));
        }
        (Draft::Organization(o), Draft::Organization(was)) => {
            o.addresses.extend(was.addresses.into_iter().skip(1));
        }
        _ => {}
    }
    Ok(())
}

/// Where a customer's page is.
pub(super) fn page_url(c: &CustomerRecord) -> String {
    match c.kind {
        Kind::Person => format!("/customers/{}", c.id),
        Kind::Organization => format!("/organizations/{}", c.id),
    }
}

async fn page_of(state: &AppState, ctx: &Ctx, id: CustomerId) -> String {
    match customers::get(&state.app, &ctx.principal, id, None).await {
        Ok(c) => page_url(&c),
        Err(_) => format!("/customers/{id}"),
    }
}

pub async fn erase(State(state): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> Response {
    let id = CustomerId(id);
    let list = match customers::get(&state.app, &ctx.principal, id, None).await {
        Ok(c) if c.kind == Kind::Organization => "/organizations",
        Ok(_) => "/customers",
        Err(e) => return ctx_error(&ctx, e),
    };
    match customers::erase(&state.app, &ctx.principal, id).await {
        Ok(()) => Redirect::to(&format!("{list}?flash=erased")).into_response(),
        Err(e) => ctx_error(&ctx, e),
    }
}
