//! Every role against every API operation: exactly what the permission matrix (and the few
//! rules narrower than it) allows answers success, the rest 403, and nobody anonymous gets in.
//! The list of operations is checked against the OpenAPI document, so a new route fails here
//! until it is listed with who may call it.
use crate::json;
use crate::security_fixture::{fixture, form_body, mailbox_body, Fixture};
use rstest::rstest;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use vinculo_domain::auth::{allows, Access, Area, Role};
use vinculo_testkit::{Backend, TestApp, PASSWORD};
use Access::{Read as R, Write as W};
use Area::{Customers as C, Interactions as I, Service as S, Workspace as Ws};
use Need::{Admins, Anyone, Both, Can, Leads};

/// Who may call an operation.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Need {
    /// Any member (their own profile and workspaces).
    Anyone,
    /// One permission of the matrix.
    Can(Area, Access),
    /// Two permissions together.
    Both((Area, Access), (Area, Access)),
    /// Admins and managers among those with these permissions: merging and undoing, scanning
    /// for duplicates, changing what is shared with everyone (responses, views).
    Leads((Area, Access), (Area, Access)),
    /// Admins among those with the permission: erasing a customer for good.
    Admins(Area, Access),
}

impl Need {
    pub(crate) fn allows(self, role: Role) -> bool {
        let leads = matches!(role, Role::Admin | Role::Manager);
        match self {
            Need::Anyone => true,
            Need::Can(area, access) => allows(role, area, access),
            Need::Both((a1, x1), (a2, x2)) => allows(role, a1, x1) && allows(role, a2, x2),
            Need::Leads((a1, x1), (a2, x2)) => {
                leads && allows(role, a1, x1) && allows(role, a2, x2)
            }
            Need::Admins(area, access) => role == Role::Admin && allows(role, area, access),
        }
    }
}

/// Every operation of the API (paths under `/api/v1`), in the order a round calls them:
/// what a round deletes comes after what reads it.
pub(crate) const ROUTES: &[(&str, &str, Need)] = &[
    ("GET", "/me", Anyone),
    ("PATCH", "/me", Anyone),
    ("POST", "/me/password", Anyone),
    ("GET", "/me/workspaces", Anyone),
    ("GET", "/users", Can(Area::Users, R)),
    ("GET", "/users/{member}", Can(Area::Users, R)),
    ("PATCH", "/users/{member}", Can(Area::Users, W)),
    ("GET", "/invites", Can(Area::Users, R)),
    ("POST", "/invites", Can(Area::Users, W)),
    ("DELETE", "/invites/{invite}", Can(Area::Users, W)),
    ("GET", "/teams", Can(Area::Teams, R)),
    ("POST", "/teams", Can(Area::Teams, W)),
    ("GET", "/teams/{team}", Can(Area::Teams, R)),
    ("PATCH", "/teams/{team}", Can(Area::Teams, W)),
    ("DELETE", "/teams/{team}", Can(Area::Teams, W)),
    ("GET", "/tokens", Can(Area::Tokens, R)),
    ("POST", "/tokens", Can(Area::Tokens, W)),
    ("DELETE", "/tokens/{token}", Can(Area::Tokens, W)),
    ("GET", "/audit-log", Can(Area::Audit, R)),
    ("GET", "/customers", Can(C, R)),
    ("POST", "/customers", Can(C, W)),
    ("GET", "/customers/{customer}", Can(C, R)),
    ("PATCH", "/customers/{customer}", Can(C, W)),
    ("GET", "/customers/{customer}/consents", Can(C, R)),
    ("POST", "/customers/{customer}/consents", Can(C, W)),
    ("GET", "/customers/{customer}/interactions", Can(I, R)),
    ("GET", "/customers/{customer}/360", Both((C, R), (I, R))),
    ("GET", "/customers/export", Can(C, R)),
    ("POST", "/customers/import", Can(C, W)),
    ("POST", "/customers:merge", Leads((C, W), (I, W))),
    ("GET", "/merges", Can(C, R)),
    ("GET", "/merges/{merge}", Can(C, R)),
    ("POST", "/merges/{merge}/undo", Leads((C, W), (I, W))),
    ("GET", "/merge-suggestions", Can(C, R)),
    ("POST", "/merge-suggestions:scan", Leads((C, W), (C, W))),
    ("POST", "/merge-suggestions/{suggestion}/dismiss", Can(C, W)),
    ("GET", "/settings/customers", Can(C, R)),
    ("PATCH", "/settings/customers", Can(Ws, W)),
    ("GET", "/settings/custom-fields", Can(C, R)),
    ("POST", "/settings/custom-fields", Can(Ws, W)),
    ("PATCH", "/settings/custom-fields/{field}", Can(Ws, W)),
    ("DELETE", "/settings/custom-fields/{field}", Can(Ws, W)),
    ("GET", "/views", Can(C, R)),
    ("POST", "/views", Can(C, R)),
    ("DELETE", "/views/{view}", Leads((C, R), (C, R))),
    ("GET", "/organizations", Can(C, R)),
    ("POST", "/organizations", Can(C, W)),
    ("GET", "/organizations/{organization}", Can(C, R)),
    ("GET", "/organizations/{organization}/people", Can(C, R)),
    ("PATCH", "/organizations/{organization}", Can(C, W)),
    ("DELETE", "/organizations/{organization}", Admins(C, W)),
    ("POST", "/interactions", Can(I, W)),
    ("POST", "/interactions:batch", Can(I, W)),
    ("GET", "/interactions/{interaction}", Can(I, R)),
    ("POST", "/telephony/events", Can(I, W)),
    ("GET", "/conversations", Can(S, R)),
    ("GET", "/conversations:unread", Can(S, R)),
    ("GET", "/conversations/{conversation}", Can(S, R)),
    ("PATCH", "/conversations/{conversation}", Can(S, W)),
    ("POST", "/conversations/{conversation}/notes", Can(S, W)),
    ("POST", "/conversations/{conversation}/replies", Can(S, W)),
    (
        "POST",
        "/conversations/{conversation}/replies/{entry}/resend",
        Can(S, W),
    ),
    ("GET", "/canned-responses", Can(S, R)),
    ("POST", "/canned-responses", Can(S, W)),
    ("GET", "/canned-responses/{canned}", Can(S, R)),
    (
        "GET",
        "/conversations/{conversation}/canned-responses/{canned}",
        Can(S, R),
    ),
    (
        "PUT",
        "/canned-responses/{canned}",
        Leads((S, W), (Area::Teams, W)),
    ),
    (
        "DELETE",
        "/canned-responses/{canned}",
        Leads((S, W), (Area::Teams, W)),
    ),
    ("GET", "/mail-channels", Can(Ws, R)),
    ("POST", "/mail-channels", Can(Ws, W)),
    ("POST", "/mail-channels/test", Can(Ws, W)),
    ("GET", "/mail-channels/{mailbox}", Can(Ws, R)),
    ("PUT", "/mail-channels/{mailbox}", Can(Ws, W)),
    ("POST", "/mail-channels/{mailbox}/test", Can(Ws, W)),
    ("POST", "/mail-channels/{mailbox}/read", Can(Ws, W)),
    ("DELETE", "/mail-channels/{mailbox}", Can(Ws, W)),
    ("GET", "/forms", Can(Ws, R)),
    ("POST", "/forms", Can(Ws, W)),
    ("GET", "/forms/{form}", Can(Ws, R)),
    ("PUT", "/forms/{form}", Can(Ws, W)),
    ("DELETE", "/forms/{form}", Can(Ws, W)),
    ("DELETE", "/customers/{customer}", Admins(C, W)),
];

/// What a request sends.
pub(crate) enum Body {
    None,
    Json(Value),
    Csv(&'static str),
}

/// The body a round sends to an operation; `r` tells this caller's round apart.
pub(crate) fn body(method: &str, template: &str, f: &Fixture, r: &str) -> Body {
    let n = f.n;
    let j = Body::Json;
    match (method, template) {
        (_, "/customers/import") => Body::Csv("given_name,email\nImportada,imported@example.es\n"),
        ("PATCH", "/me") => j(json!({"locale": "en"})),
        (_, "/me/password") => j(json!({"current_password": PASSWORD, "new_password": PASSWORD})),
        ("PATCH", "/users/{member}") => j(json!({"role": "agent"})),
        ("POST", "/invites") => j(json!({"email": format!("new{n}{r}@x.test"), "role": "sales"})),
        ("POST", "/teams") => j(json!({"name": format!("new-team-{n}{r}")})),
        ("PATCH", "/teams/{team}") => j(json!({"name": format!("renamed-{n}{r}")})),
        ("POST", "/tokens") => j(json!({"name": format!("new-tok-{n}{r}"), "scopes": "read"})),
        ("POST", "/customers") => j(json!({"given_name": format!("new-{n}{r}")})),
        ("PATCH", "/customers/{customer}") => j(json!({"tags": [format!("t{n}")]})),
        ("POST", "/customers/{customer}/consents") => {
            j(json!({"channel": "email", "purpose": "marketing", "state": "opted_in"}))
        }
        ("POST", "/customers:merge") => {
            j(json!({"survivor": f.id("pair_a"), "merge": [f.id("pair_b")]}))
        }
        ("PATCH", "/settings/customers") => j(json!({"default_country": "ES"})),
        ("POST", "/settings/custom-fields") => {
            j(json!({"label": format!("N{n}{r}"), "key": format!("n{n}{r}"), "field_type": "text"}))
        }
        ("PATCH", "/settings/custom-fields/{field}") => j(json!({"label": format!("G{n}{r}")})),
        ("POST", "/views") => j(json!({"name": format!("mine-{n}{r}"), "query": ""})),
        ("POST", "/organizations") => j(json!({"name": format!("New org {n}{r}")})),
        ("PATCH", "/organizations/{organization}") => j(json!({"tags": ["vip"]})),
        ("POST", "/interactions") => j(chat(&format!("chat{n}{r}@example.es"))),
        ("POST", "/interactions:batch") => {
            j(json!({"interactions": [chat(&format!("batch{n}{r}@example.es"))]}))
        }
        ("POST", "/telephony/events") => j(json!({"event": "ringing",
            "call_id": format!("call-{n}{r}"), "from": "612345678"})),
        ("PATCH", "/conversations/{conversation}") => j(json!({"labels": ["vip"]})),
        ("POST", "/conversations/{conversation}/notes") => j(json!({"body": "Nota"})),
        ("POST", "/conversations/{conversation}/replies") => j(json!({"body": "Enseguida."})),
        ("POST", "/canned-responses") => j(json!({"name": format!("mine-{n}{r}"), "body": "Hola"})),
        ("PUT", "/canned-responses/{canned}") => {
            j(json!({"name": format!("c{n}{r}"), "body": "Hola de nuevo", "shared": true}))
        }
        ("POST", "/mail-channels") => j(mailbox_body("Ventas", &format!("v{n}{r}@x.test"))),
        ("POST", "/mail-channels/test") => j(mailbox_body("Prueba", "prueba@x.test")),
        ("PUT", "/mail-channels/{mailbox}") => j(mailbox_body(
            &format!("Soporte {n}{r}"),
            &format!("s{n}{r}@x.test"),
        )),
        ("POST", "/forms") => j(form_body(n, &format!("new{r}"))),
        ("PUT", "/forms/{form}") => j(form_body(n, &format!("form{r}"))),
        _ => Body::None,
    }
}

fn chat(email: &str) -> Value {
    json!({"channel": "chat", "type": "message", "customer": {"email": email}})
}

/// The status an allowed caller gets when it is not a plain success: reading a mailbox
/// whose server is not there is the server's failure, past every permission check.
fn allowed_status(template: &str) -> Option<u16> {
    (template == "/mail-channels/{mailbox}/read").then_some(502)
}

pub(crate) async fn call(
    c: &reqwest::Client,
    t: &TestApp,
    method: &str,
    path: &str,
    body: &Body,
) -> reqwest::Response {
    let m = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let req = c.request(m, t.url(path));
    let req = match body {
        Body::None => req,
        Body::Json(v) => req.json(v),
        Body::Csv(text) => req.header("content-type", "text/csv").body(*text),
    };
    req.send().await.expect("send")
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn every_role_gets_exactly_what_the_matrix_allows_on_every_route(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    t.user("acme", "root@acme.test", Role::Admin).await;
    let admin = t.bearer(&t.token("acme", "root@acme.test", "read,write").await);
    let anonymous = reqwest::Client::new();
    for (n, role) in Role::ALL.into_iter().enumerate() {
        let email = format!("{role}@acme.test");
        t.user("acme", &email, role).await;
        let c = t.bearer(&t.token("acme", &email, "read,write").await);
        let f = fixture(&t, &admin, "acme", "root@acme.test", n).await;
        for (method, template, need) in ROUTES {
            let path = format!("/api/v1{}", f.path(template));
            let body = body(method, template, &f, role.as_str());
            let r = call(&c, &t, method, &path, &body).await;
            let status = r.status();
            if need.allows(role) {
                let text = r.text().await.unwrap_or_default();
                match allowed_status(template) {
                    Some(s) => assert_eq!(status, s, "{role} {method} {path}: {text}"),
                    None => assert!(
                        status.is_success(),
                        "{role} {method} {path}: expected success, got {status}: {text}"
                    ),
                }
            } else {
                assert_eq!(status, 403, "{role} {method} {path}: expected 403");
                assert_eq!(json(r).await["code"], "forbidden");
            }
            let r = call(&anonymous, &t, method, &path, &body).await;
            assert_eq!(r.status(), 401, "anonymous {method} {path}");
        }
    }
}

/// `/customers/{id}` and `/customers/{customer}` are one route.
fn shape(path: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for ch in path.chars() {
        match ch {
            '{' => inside = true,
            '}' => {
                inside = false;
                out.push_str("{}");
            }
            _ if !inside => out.push(ch),
            _ => {}
        }
    }
    out
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[tokio::test]
async fn the_matrix_lists_every_operation_of_the_openapi_document(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    // The document itself (`/openapi.json`) is public and no operation of the API: it is
    // the list, not on it.
    let doc = json(
        reqwest::get(t.url("/api/v1/openapi.json"))
            .await
            .expect("openapi"),
    )
    .await;
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(path, ops)| {
            let ops = ops.as_object().expect("operations");
            ops.keys()
                .filter(|m| ["get", "post", "put", "patch", "delete"].contains(&m.as_str()))
                .map(|m| (m.to_uppercase(), shape(path)))
                .collect::<Vec<_>>()
        })
        .collect();
    let listed: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|(m, p, _)| ((*m).to_owned(), shape(p)))
        .collect();
    assert_eq!(listed.len(), ROUTES.len(), "an operation is listed twice");
    let unlisted: Vec<_> = documented.difference(&listed).collect();
    let undocumented: Vec<_> = listed.difference(&documented).collect();
    assert!(
        unlisted.is_empty(),
        "operations missing from security_matrix::ROUTES (add them with who may call them): {unlisted:?}"
    );
    assert!(
        undocumented.is_empty(),
        "listed but not in the OpenAPI document: {undocumented:?}"
    );
    assert_eq!(ROUTES.len(), 82);
}
