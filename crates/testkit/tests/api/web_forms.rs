//! Web forms: admins build them under `/api/v1/forms` and `/settings/forms` (bad definitions
//! refused field by field; others may not); visitors submit at `/f/{slug}` (urlencoded or
//! JSON) and become customers found again by e-mail, with their consent, a `form_submission`
//! on their timeline and a conversation in the inbox or a lead; the honeypot, the limits
//! and the allowed origins hold. On both backends.
use crate::inbox_pages::{form, page};
use crate::interactions::{admin, get, post};
use crate::json;
use reqwest::header::{HeaderValue, ORIGIN};
use rstest::rstest;
use serde_json::{json, Value};
use vinculo_domain::auth::Role;
use vinculo_domain::conversations::Channel;
use vinculo_testkit::{Backend, TestApp};

const SITE: &str = "https://www.acme.test";

/// A client that sends no cookie and no token: a visitor.
fn visitor() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// A contact form opening conversations for `team`, answered from `mailbox`.
fn contact(team: &str, mailbox: &str) -> Value {
    json!({
        "name": "Contacto",
        "fields": [
            {"maps_to": "given_name", "label": "Nombre"},
            {"maps_to": "family_name", "label": "Apellidos"},
            {"maps_to": "email", "label": "Correo electrónico", "required": true},
            {"maps_to": "custom_fields.plan", "label": "Plan"},
            {"maps_to": "question.budget", "label": "Presupuesto"},
            {"maps_to": "message", "label": "Mensaje", "required": true}
        ],
        "consent": {"text": "Quiero recibir novedades por correo", "channel": "email", "purpose": "marketing"},
        "outcome": "conversation",
        "team_id": team,
        "mail_channel_id": mailbox,
        "allowed_origins": [format!("{SITE}/")],
        "thank_you": "¡Gracias! Te escribimos pronto."
    })
}

/// The one customer owning `email` (searched as typed).
async fn customer_by(t: &TestApp, c: &reqwest::Client, email: &str) -> Value {
    let r = c
        .get(t.url("/api/v1/customers"))
        .query(&[("q", email)])
        .send()
        .await
        .expect("search");
    let v = json(r).await;
    let data = v["data"].as_array().expect("data");
    assert_eq!(data.len(), 1, "one customer for {email}: {v}");
    data[0].clone()
}

async fn setup(t: &TestApp, c: &reqwest::Client) -> (String, String) {
    let (s, v) = post(
        t,
        c,
        "/api/v1/settings/custom-fields",
        json!({"label": "Plan", "key": "plan", "field_type": "select", "options": ["Básico", "Pro"]}),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    let (s, team) = post(t, c, "/api/v1/teams", json!({"name": "Ventas"})).await;
    assert_eq!(s, 201, "{team}");
    let (s, mb) = post(
        t,
        c,
        "/api/v1/mail-channels",
        json!({"name": "Ventas", "address": "ventas@acme.test",
               "imap": {"host": "imap.acme.test", "username": "v", "password": "x"},
               "smtp": {"host": "smtp.acme.test", "username": "v", "password": "x"}, "enabled": false}),
    )
    .await;
    assert_eq!(s, 201, "{mb}");
    (
        team["id"].as_str().expect("team").to_owned(),
        mb["id"].as_str().expect("mailbox").to_owned(),
    )
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_submission_becomes_a_customer_with_consent_a_timeline_entry_and_a_conversation(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let (team, mailbox) = setup(&t, &c).await;
    // The team assigns by turn: its one agent gets the form's conversation.
    let marta = t.user("acme", "marta@acme.test", Role::Agent).await;
    let r = c
        .patch(t.url(&format!("/api/v1/teams/{team}")))
        .json(&json!({"members": [marta.uuid()], "assign_by_turn": true}))
        .send()
        .await
        .expect("patch team");
    assert_eq!(r.status(), 200);
    let (s, f) = post(&t, &c, "/api/v1/forms", contact(&team, &mailbox)).await;
    assert_eq!(s, 201, "{f}");
    assert_eq!(f["slug"], "contacto");
    assert_eq!(f["allowed_origins"], json!([SITE]));
    assert_eq!(f["hosted_url"], t.url("/f/contacto"));
    let embed = f["embed_html"].as_str().expect("embed");
    let action = format!("action=\"{}\"", t.url("/f/contacto"));
    for part in [
        action.as_str(),
        "method=\"post\"",
        "name=\"website\"",
        "name=\"email\"",
        "name=\"consent\"",
        "/assets/forms.js",
    ] {
        assert!(embed.contains(part), "{part} not in {embed}");
    }

    // The hosted page, in the form's language, with no login.
    let v = visitor();
    let r = v.get(t.url("/f/contacto")).send().await.expect("page");
    assert_eq!(r.status(), 200);
    let html = r.text().await.expect("html");
    assert!(
        html.contains("lang=\"es\"") && html.contains("Correo electrónico"),
        "{html}"
    );
    assert!(
        html.contains("<option value=\"Pro\">"),
        "the custom field's choices"
    );

    // A browser's post: a prospect, its custom field, consent, a timeline entry, a conversation.
    let r = v
        .post(t.url("/f/contacto"))
        .form(&[
            ("given_name", "Lucía"),
            ("email", "Lucia.Perez@Example.com"),
            ("custom_fields.plan", "pro"),
            ("question.budget", "5.000 €"),
            ("message", "Quiero una demo del plan Pro."),
            ("consent", "on"),
            ("website", ""),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 200);
    assert!(r
        .text()
        .await
        .expect("body")
        .contains("¡Gracias! Te escribimos pronto."));
    let cust = customer_by(&t, &c, "lucia.perez@example.com").await;
    let id = cust["id"].as_str().expect("id").to_owned();
    assert_eq!(cust["given_name"], "Lucía");
    assert_eq!(cust["custom_fields"]["plan"], "Pro");
    assert_eq!(cust["lifecycle_stage"], "prospect");

    let (_, consents) = get(&t, &c, &format!("/api/v1/customers/{id}/consents")).await;
    let entry = &consents["history"][0];
    assert_eq!(entry["source"], "form", "{consents}");
    assert_eq!(
        (
            entry["channel"].as_str(),
            entry["purpose"].as_str(),
            entry["state"].as_str()
        ),
        (Some("email"), Some("marketing"), Some("opted_in"))
    );
    assert!(
        entry["at"].as_str().is_some_and(|a| a.starts_with("20")),
        "{entry}"
    );

    let (_, timeline) = get(&t, &c, &format!("/api/v1/customers/{id}/interactions")).await;
    let first = &timeline["data"][0];
    assert_eq!(
        (first["channel"].as_str(), first["type"].as_str()),
        (Some("web_form"), Some("form_submission")),
        "{timeline}"
    );
    let body = first["body"].as_str().expect("body");
    assert!(
        body.contains("Quiero una demo") && body.contains("Presupuesto: 5.000 €"),
        "{body}"
    );
    assert_eq!(first["attributes"]["fields"]["custom_fields.plan"], "Pro");

    let (_, inbox) = get(&t, &c, "/api/v1/conversations?status=open").await;
    let convs = inbox["data"].as_array().expect("data");
    assert_eq!(convs.len(), 1, "{inbox}");
    assert_eq!(convs[0]["customer_id"], json!(id));
    assert_eq!(convs[0]["channel"], "web_form");
    assert_eq!(convs[0]["team_id"], json!(team));
    assert_eq!(convs[0]["assignee_id"], json!(marta.uuid()));
    let conv_id: uuid::Uuid = convs[0]["id"].as_str().expect("id").parse().expect("uuid");
    let ws = t.principal("acme", "ana@acme.test").await.workspace_id;
    let mut conn = t.db.conn().await.expect("conn");
    let stored = vinculo_store::conversations::get(&mut conn, ws, conv_id.into())
        .await
        .expect("get")
        .expect("stored");
    assert_eq!(stored.channel, Channel::WebForm);
    assert_eq!(
        stored.mail_channel_id.map(|m| m.to_string()),
        Some(mailbox.clone()),
        "replies go out from the form's mailbox"
    );
    drop(conn);

    // A script's post from the allowed site, the same e-mail written otherwise: the same
    // customer, its empty family name filled, its given name kept.
    let send = |sub: &'static str| {
        v.post(t.url("/f/contacto"))
            .header(ORIGIN, HeaderValue::from_static(SITE))
            .json(&json!({"given_name": "Lu", "family_name": "Pérez Gil", "email": "  LUCIA.PEREZ@example.COM ",
                          "message": "¿Me llamáis?", "submission_id": sub}))
            .send()
    };
    let r = send("s-1").await.expect("json post");
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()
            .get("access-control-allow-origin")
            .and_then(|h| h.to_str().ok()),
        Some(SITE)
    );
    let v1 = json(r).await;
    assert_eq!(
        v1,
        json!({"status": "received", "message": "¡Gracias! Te escribimos pronto.", "redirect_url": null})
    );
    let cust = customer_by(&t, &c, "lucia.perez@example.com").await;
    assert_eq!(
        cust["id"],
        json!(id),
        "found by e-mail, not a second customer"
    );
    assert_eq!(
        (cust["given_name"].as_str(), cust["family_name"].as_str()),
        (Some("Lucía"), Some("Pérez Gil"))
    );

    // The same submission again (a retry): nothing new.
    let r = send("s-1").await.expect("retry");
    assert_eq!(r.status(), 200);
    let (_, timeline) = get(&t, &c, &format!("/api/v1/customers/{id}/interactions")).await;
    assert_eq!(
        timeline["data"].as_array().map(Vec::len),
        Some(2),
        "{timeline}"
    );
    let (_, inbox) = get(&t, &c, "/api/v1/conversations").await;
    assert_eq!(
        inbox["data"].as_array().map(Vec::len),
        Some(2),
        "one conversation per submission, none for the retry"
    );
    let (_, forms) = get(&t, &c, "/api/v1/forms").await;
    assert_eq!(forms[0]["submissions"], 2);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn leads_honeypots_missing_fields_and_oversize_bodies(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let (s, f) = post(
        &t,
        &c,
        "/api/v1/forms",
        json!({"name": "Demo", "slug": "demo", "language": "en", "outcome": "lead",
               "fields": [{"maps_to": "email", "label": "Work e-mail", "required": true},
                          {"maps_to": "phone", "label": "Phone", "required": true}]}),
    )
    .await;
    assert_eq!(s, 201, "{f}");
    assert_eq!(
        f["thank_you"],
        "Thank you: we have received your message and will be in touch soon."
    );
    let v = visitor();

    // A bot fills the honeypot: answered as a person would be, nothing stored.
    let r = v
        .post(t.url("/f/demo"))
        .form(&[
            ("email", "bot@spam.test"),
            ("phone", "612345678"),
            ("website", "http://spam.test"),
        ])
        .send()
        .await
        .expect("bot");
    assert_eq!(r.status(), 200);
    let (_, list) = get(&t, &c, "/api/v1/customers?q=bot@spam.test").await;
    assert_eq!(list["data"], json!([]), "no customer for a bot");

    // A required field missing: the page again, with the message beside the field and what
    // was typed kept; as JSON, a problem naming the field.
    let r = v
        .post(t.url("/f/demo"))
        .form(&[("email", "ana@mail.test")])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 422);
    let html = r.text().await.expect("html");
    let at = html
        .find("id=\"vf-demo-phone-err\"")
        .unwrap_or_else(|| panic!("no phone error: {html}"));
    assert!(
        html[at..at + 80].contains("required"),
        "{}",
        &html[at..at + 80]
    );
    assert!(
        html.contains("value=\"ana@mail.test\""),
        "what was typed stays"
    );
    let r = v
        .post(t.url("/f/demo"))
        .json(&json!({"email": "not-an-email", "phone": "123"}))
        .send()
        .await
        .expect("json");
    assert_eq!(r.status(), 422);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let p = json(r).await;
    let errors: Vec<(&str, &str)> = p["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap_or(""),
                e["code"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        errors,
        vec![("email", "invalid_email"), ("phone", "invalid_phone")],
        "{p}"
    );
    let (_, list) = get(&t, &c, "/api/v1/customers?q=ana@mail.test").await;
    assert_eq!(
        list["data"],
        json!([]),
        "a refused submission stores nothing"
    );

    // Too large, or of a type a form does not send.
    let big = "x".repeat(70 * 1024);
    let r = v
        .post(t.url("/f/demo"))
        .json(&json!({"email": "a@b.test", "phone": "612345678", "message": big}))
        .send()
        .await
        .expect("big");
    assert_eq!(r.status(), 413);
    assert_eq!(json(r).await["code"], "payload_too_large");
    let r = v
        .post(t.url("/f/demo"))
        .header("content-type", "text/plain")
        .body("email=a@b.test")
        .send()
        .await
        .expect("text");
    assert_eq!(r.status(), 415);

    // A good one: the new prospect is a lead.
    let r = v
        .post(t.url("/f/demo"))
        .json(&json!({"email": "ana@mail.test", "phone": "+34 612 345 678"}))
        .send()
        .await
        .expect("ok");
    assert_eq!(r.status(), 200);
    let cust = customer_by(&t, &c, "ana@mail.test").await;
    assert_eq!(cust["lifecycle_stage"], "lead");
    let (_, inbox) = get(&t, &c, "/api/v1/conversations").await;
    assert_eq!(
        inbox["data"],
        json!([]),
        "a lead form opens no conversation"
    );
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn only_allowed_origins_may_post_and_each_address_is_rate_limited(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let (s, f) = post(
        &t,
        &c,
        "/api/v1/forms",
        json!({"name": "Alta", "fields": [{"maps_to": "email", "label": "Correo", "required": true}],
               "allowed_origins": [SITE]}),
    )
    .await;
    assert_eq!(s, 201, "{f}");
    let v = visitor();
    let url = t.url("/f/alta");

    // Preflight: the allowed site gets its origin back; another gets nothing.
    let pre = |origin: &'static str| {
        v.request(reqwest::Method::OPTIONS, &url)
            .header(ORIGIN, origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .send()
    };
    let r = pre(SITE).await.expect("preflight");
    assert!(r.status().is_success(), "{}", r.status());
    assert_eq!(r.headers()["access-control-allow-origin"], SITE);
    assert!(r.headers()["access-control-allow-methods"]
        .to_str()
        .expect("methods")
        .contains("POST"));
    assert!(r.headers()["access-control-allow-headers"]
        .to_str()
        .expect("headers")
        .to_ascii_lowercase()
        .contains("content-type"));
    let r = pre("https://evil.test").await.expect("preflight");
    assert!(r.headers().get("access-control-allow-origin").is_none());

    // A post from another site is refused, with no CORS header; nothing is stored.
    let r = v
        .post(&url)
        .header(ORIGIN, "https://evil.test")
        .json(&json!({"email": "x@evil.test"}))
        .send()
        .await
        .expect("evil");
    assert_eq!(r.status(), 403);
    assert!(r.headers().get("access-control-allow-origin").is_none());
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    assert_eq!(json(r).await["code"], "origin_not_allowed");
    let r = v
        .post(&url)
        .header(ORIGIN, "https://evil.test")
        .form(&[("email", "x@evil.test")])
        .send()
        .await
        .expect("evil form");
    assert_eq!(r.status(), 403);
    let (_, list) = get(&t, &c, "/api/v1/customers?q=x@evil.test").await;
    assert_eq!(list["data"], json!([]));

    // The hosted page's own origin is always allowed.
    let r = v
        .post(&url)
        .header(ORIGIN, t.base.as_str())
        .form(&[("email", "own@page.test")])
        .send()
        .await
        .expect("own");
    assert_eq!(r.status(), 200);

    // Per address: the limit, then 429 with Retry-After; another address goes on.
    let limit = 20;
    let mut refused = None;
    for i in 0..=limit {
        let r = v
            .post(&url)
            .header("x-forwarded-for", "203.0.113.7")
            .json(&json!({"email": format!("p{i}@mail.test"), "website": "bot"}))
            .send()
            .await
            .expect("post");
        if r.status() == 429 {
            refused = Some((i, r.headers().get("retry-after").is_some(), json(r).await));
            break;
        }
        assert_eq!(r.status(), 200);
    }
    let (at, retry_after, problem) = refused.expect("rate limited");
    assert_eq!(at, limit, "the {limit} first pass");
    assert!(retry_after);
    assert_eq!(problem["code"], "rate_limited");
    let r = v
        .post(&url)
        .header("x-forwarded-for", "203.0.113.8")
        .json(&json!({"email": "other@mail.test"}))
        .send()
        .await
        .expect("other");
    assert_eq!(r.status(), 200);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn bad_definitions_are_refused_field_by_field_and_only_admins_manage_forms(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let (s, p) = post(
        &t,
        &c,
        "/api/v1/forms",
        json!({"slug": "Con espacios", "language": "fr",
               "fields": [{"maps_to": "shoe_size", "label": "Talla"}, {"maps_to": "custom_fields.nope", "label": "X"}, {"maps_to": "message"}],
               "consent": {"text": "Sí", "channel": "pigeon"},
               "outcome": "ticket", "team_id": uuid::Uuid::now_v7(),
               "allowed_origins": ["https://ok.test", "ftp://files.test", "https://x.test/path"],
               "redirect_url": "javascript:alert(1)"}),
    )
    .await;
    assert_eq!(s, 422, "{p}");
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    for f in [
        "name",
        "slug",
        "language",
        "fields[0].maps_to",
        "fields[1].maps_to",
        "fields[2].label",
        "consent.channel",
        "outcome",
        "allowed_origins[1]",
        "allowed_origins[2]",
        "redirect_url",
        "team_id",
    ] {
        assert!(fields.contains(&f), "{f} not in {fields:?}");
    }
    let (s, p) = post(
        &t,
        &c,
        "/api/v1/forms",
        json!({"name": "Sin contacto", "fields": [{"maps_to": "message", "label": "Mensaje"}]}),
    )
    .await;
    assert_eq!(s, 422);
    assert_eq!(p["errors"][0]["code"], "contact_field_required");

    let ok = json!({"name": "Alta", "fields": [{"maps_to": "email", "label": "Correo"}]});
    let (s, f) = post(&t, &c, "/api/v1/forms", ok.clone()).await;
    assert_eq!(s, 201, "{f}");
    let (s, p) = post(&t, &c, "/api/v1/forms", ok.clone()).await;
    assert_eq!(s, 409, "a slug is unique: {p}");
    assert_eq!(p["errors"][0]["field"], "slug");

    // Disabled, its page and endpoint are not found; enabled again, they are back.
    let id = f["id"].as_str().expect("id");
    let mut off = ok.clone();
    off["enabled"] = json!(false);
    let r = c
        .put(t.url(&format!("/api/v1/forms/{id}")))
        .json(&off)
        .send()
        .await
        .expect("put");
    assert_eq!(r.status(), 200);
    assert_eq!(
        visitor()
            .get(t.url("/f/alta"))
            .send()
            .await
            .expect("get")
            .status(),
        404
    );
    let r = visitor()
        .post(t.url("/f/alta"))
        .json(&json!({"email": "a@b.test"}))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 404);

    // Others may not read or change forms, by API or page.
    for (email, role) in [
        ("luis@acme.test", Role::Manager),
        ("eva@acme.test", Role::Agent),
    ] {
        t.user("acme", email, role).await;
        let other = t.bearer(&t.token("acme", email, "read,write").await);
        let (s, _) = get(&t, &other, "/api/v1/forms").await;
        assert_eq!(s, 403, "{role:?} lists");
        let (s, _) = post(&t, &other, "/api/v1/forms", ok.clone()).await;
        assert_eq!(s, 403, "{role:?} creates");
        let r = other
            .delete(t.url(&format!("/api/v1/forms/{id}")))
            .send()
            .await
            .expect("delete");
        assert_eq!(r.status(), 403, "{role:?} deletes");
        let (browser, _) = t.login(email).await;
        let (s, _) = page(&t, &browser, "/settings/forms").await;
        assert_eq!(s, 403);
        let (_, account) = page(&t, &browser, "/settings/account").await;
        assert!(!account.contains("href=\"/settings/forms\""));
    }
    let r = c
        .delete(t.url(&format!("/api/v1/forms/{id}")))
        .send()
        .await
        .expect("delete");
    assert_eq!(r.status(), 204);
    let (_, audit) = get(&t, &c, "/api/v1/audit-log?entity_type=web_form").await;
    let actions: Vec<&str> = audit["data"]
        .as_array()
        .unwrap_or_else(|| panic!("audit: {audit}"))
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert!(
        actions.contains(&"create") && actions.contains(&"update") && actions.contains(&"delete"),
        "{audit}"
    );
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn the_builder_page_creates_a_form_and_shows_its_address_and_snippet(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    t.user("acme", "ana@acme.test", Role::Admin).await;
    let (c, csrf) = t.login("ana@acme.test").await;
    let (s, html) = page(&t, &c, "/settings/forms").await;
    assert_eq!(s, 200);
    assert!(
        html.contains("href=\"/settings/forms\""),
        "in the settings navigation"
    );
    let (s, html) = page(&t, &c, "/settings/forms/new").await;
    assert_eq!(s, 200);
    assert!(
        html.contains("name=\"f1_maps_to\"") && html.contains("value=\"email\" selected"),
        "{html}"
    );

    // No contact field: the builder again, the problem beside the fields.
    let bad = [
        ("_csrf", csrf.as_str()),
        ("name", "Solo mensaje"),
        ("f0_maps_to", "message"),
        ("f0_label", "Mensaje"),
        ("f1_maps_to", "question"),
        ("f1_label", ""),
    ];
    let (s, html) = form(&t, &c, "/settings/forms", &bad).await;
    assert_eq!(s, 422, "{html}");
    assert!(html.contains("id=\"err-fields\""), "{html}");
    assert!(
        html.contains("id=\"err-f1_label\""),
        "the row's own problem"
    );
    assert!(html.contains("value=\"Solo mensaje\""));

    let good = [
        ("_csrf", csrf.as_str()),
        ("name", "Pide presupuesto"),
        ("language", "es"),
        ("f0_maps_to", "message"),
        ("f0_label", "¿Qué necesitas?"),
        ("f0_required", "on"),
        ("f0_pos", "2"),
        ("f1_maps_to", "email"),
        ("f1_label", "Correo"),
        ("f1_required", "on"),
        ("f1_pos", "1"),
        ("f2_maps_to", ""),
        ("f2_label", ""),
        ("f2_pos", "3"),
        ("consent_text", "Acepto recibir ofertas"),
        ("consent_channel", "email"),
        ("consent_purpose", "marketing"),
        ("outcome", "conversation"),
        ("origins", "https://www.acme.test\n"),
        ("enabled", "on"),
    ];
    let (s, location) = form(&t, &c, "/settings/forms", &good).await;
    assert_eq!(s, 303, "{location}");
    assert!(location.starts_with("/settings/forms/"), "{location}");
    let (s, html) = page(&t, &c, &location).await;
    assert_eq!(s, 200);
    assert!(html.contains("Form created."), "{html}");
    assert!(
        html.contains(&t.url("/f/pide-presupuesto")),
        "the hosted address"
    );
    assert!(
        html.contains("&lt;form class=&quot;vf-form&quot;") || html.contains("&lt;form"),
        "the snippet, escaped"
    );
    let email_at = html.find("name=\"f0_maps_to\"").expect("row 0");
    assert!(
        html[email_at..email_at + 800].contains("value=\"email\" selected"),
        "reordered: e-mail first"
    );

    // The public POST needs no CSRF token, even from a logged-in browser, and acts as the
    // form, not as that user.
    let r = c
        .post(t.url("/f/pide-presupuesto"))
        .form(&[("email", "marta@mail.test"), ("message", "Hola")])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 200);
    let api = t.bearer(&t.token("acme", "ana@acme.test", "read").await);
    let cust = customer_by(&t, &api, "marta@mail.test").await;
    let (_, timeline) = get(
        &t,
        &api,
        &format!(
            "/api/v1/customers/{}/interactions",
            cust["id"].as_str().expect("id")
        ),
    )
    .await;
    assert_eq!(
        timeline["data"][0]["recorded_by"],
        "channel:form pide-presupuesto"
    );
}
