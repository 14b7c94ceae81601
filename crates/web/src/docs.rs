//! `/api/docs`: a readable API reference rendered on the server from the OpenAPI document
//! (no third-party viewer to download or trust): every operation with its parameters,
//! request body and responses, and each schema's fields.
use crate::i18n::{Lang, Msg};
use crate::pages::wide_layout;
use axum::http::HeaderMap;
use maud::{html, Markup};
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{OpenApi, RefOr, Schema};

fn schema_name(s: &RefOr<Schema>) -> String {
    match s {
        RefOr::Ref(r) => r
            .ref_location
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned(),
        RefOr::T(Schema::Array(a)) => match &a.items {
            utoipa::openapi::schema::ArrayItems::RefOrSchema(inner) => {
                format!("[{}]", schema_name(inner))
            }
            _ => "array".into(),
        },
        RefOr::T(Schema::Object(o)) => serde_json::to_value(&o.schema_type)
            .ok()
            .map(|v| v.to_string().replace('"', ""))
            .unwrap_or_else(|| "object".into()),
        RefOr::T(_) => "value".into(),
    }
}

/// Renders `code spans` written with backticks in OpenAPI descriptions.
fn prose(text: &str) -> Markup {
    html! {
        @for (i, part) in text.split('`').enumerate() {
            @if i % 2 == 1 { code { (part) } } @else { (part) }
        }
    }
}

fn operation(m: &Msg, method: &str, path: &str, op: &Operation) -> Markup {
    let id = format!("{method}-{path}").replace(['/', '{', '}'], "-");
    html! {
        section class="op" id=(id) {
            h3 { span class="op-method" { (method.to_uppercase()) } code { "/api/v1" (path) } }
            @if let Some(s) = &op.summary { p { (prose(s)) } }
            @if let Some(d) = &op.description { @if op.summary.as_ref() != Some(d) { p class="muted" { (prose(d)) } } }
            @if let Some(params) = &op.parameters {
                @if !params.is_empty() {
                    div class="table-wrap" { table { thead { tr { th { (m.docs_parameter) } th { (m.docs_in) } th { (m.docs_type) } th { "" } } }
                        tbody { @for p in params {
                            tr {
                                td { code { (p.name) } }
                                td { (match p.parameter_in { ParameterIn::Query => "query", ParameterIn::Path => "path", ParameterIn::Header => "header", ParameterIn::Cookie => "cookie" }) }
                                td { @if let Some(s) = &p.schema { (schema_name(s)) } }
                                td class="muted small" { @if let Some(d) = &p.description { (prose(d)) } }
                            }
                        } }
                    } }
                }
            }
            @if let Some(body) = &op.request_body {
                @for (ct, c) in &body.content {
                    p { (m.docs_body) " (" code { (ct) } "): " @if let Some(s) = &c.schema { a href={ "#schema-" (schema_name(s)) } { (schema_name(s)) } } }
                }
            }
            ul class="small" {
                @for (status, resp) in &op.responses.responses {
                    li {
                        strong { (status) } " "
                        @match resp {
                            RefOr::T(r) => {
                                (r.description) " "
                                @for (ct, c) in &r.content { @if let Some(s) = &c.schema { code { (ct) } " " a href={ "#schema-" (schema_name(s).trim_matches(['[', ']'])) } { (schema_name(s)) } } }
                            }
                            RefOr::Ref(r) => { (r.ref_location) }
                        }
                    }
                }
            }
        }
    }
}

pub fn render(doc: &OpenApi, headers: &HeaderMap) -> Markup {
    let lang = Lang::choose(None, headers);
    let m = lang.msg();
    let mut ops = Vec::new();
    for (path, item) in &doc.paths.paths {
        for (method, op) in [
            ("get", &item.get),
            ("post", &item.post),
            ("put", &item.put),
            ("patch", &item.patch),
            ("delete", &item.delete),
        ] {
            if let Some(op) = op {
                ops.push((
                    op.tags
                        .as_ref()
                        .and_then(|t| t.first().cloned())
                        .unwrap_or_default(),
                    method,
                    path.clone(),
                    op,
                ));
            }
        }
    }
    let tags = doc.tags.clone().unwrap_or_default();
    wide_layout(
        lang,
        m.nav_api_docs,
        html! {
            h1 { (doc.info.title) " " span class="muted small" { (doc.info.version) } }
            @if let Some(d) = &doc.info.description { p { (prose(d)) } }
            p { a href="/api/v1/openapi.json" { "openapi.json" } " (OpenAPI " (serde_json::to_value(&doc.openapi).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()) ")" }
            nav { ul { @for t in &tags { li { a href={ "#tag-" (t.name) } { (t.name) } @if let Some(d) = &t.description { " — " (d) } } } } }
            @for t in &tags {
                h2 id={ "tag-" (t.name) } { (t.name) }
                @for (_, method, path, op) in ops.iter().filter(|(tag, ..)| *tag == t.name) { (operation(m, method, path, op)) }
            }
            h2 { (m.docs_schemas) }
            @if let Some(c) = &doc.components {
                @for (name, schema) in &c.schemas {
                    section class="schema" id={ "schema-" (name) } {
                        h3 { (name) }
                        @if let RefOr::T(Schema::Object(o)) = schema {
                            @if let Some(d) = &o.description { p class="muted" { (prose(d)) } }
                            div class="table-wrap" { table { tbody { @for (field, fs) in &o.properties {
                                tr {
                                    td { code { (field) } @if o.required.contains(field) { " *" } }
                                    td { (schema_name(fs)) }
                                    td class="muted small" { @if let RefOr::T(Schema::Object(fo)) = fs { @if let Some(d) = &fo.description { (prose(d)) } } }
                                }
                            } } } }
                        }
                    }
                }
            }
        },
    )
}
