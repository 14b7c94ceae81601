//! Customer records: normalised identity keys, conflicts and merges, changes, archive and
//! erasure, on both backends.
use crate::json;
use rstest::rstest;
use serde_json::json;
use vinculo_domain::auth::Role;
use vinculo_testkit::{Backend, TestApp};

/// Creates a customer; returns it and the URL of `/customers/{id}{suffix}`.
async fn create(
    t: &TestApp,
    c: &reqwest::Client,
    body: serde_json::Value,
    suffix: &str,
) -> (serde_json::Value, String) {
    let p = json(
        c.post(t.url("/api/v1/customers"))
            .json(&body)
            .send()
            .await
            .expect("create"),
    )
    .await;
    let url = t.url(&format!(
        "/api/v1/customers/{}{suffix}",
        p["id"].as_str().expect("id")
    ));
    (p, url)
}

async fn admin(t: &TestApp) -> reqwest::Client {
    t.user("acme", "ana@acme.test", Role::Admin).await;
    t.bearer(&t.token("acme", "ana@acme.test", "read,write").await)
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_person_is_stored_with_normalised_keys_and_found_by_filters(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let body = json!({
        "given_name": "José", "family_name": "Núñez",
        "emails": [{"value": " Jose.Nunez@Example.COM ", "label": "work"}],
        "phones": [{"value": "612 34 56 78", "label": "móvil"}],
        "external_ids": ["ERP:C-0042"], "tags": ["VIP", "Madrid"], "birthday": "1985-04-23",
    });
    let r = c
        .post(t.url("/api/v1/customers"))
        .json(&body)
        .send()
        .await
        .expect("create");
    assert_eq!(r.status(), 201);
    let p = json(r).await;
    assert_eq!(p["display_name"], "José Núñez");
    assert_eq!(p["lifecycle_stage"], "prospect");
    assert_eq!(p["emails"][0]["normalized"], "jose.nunez@example.com");
    assert_eq!(p["emails"][0]["value"], "Jose.Nunez@Example.COM");
    assert_eq!(p["emails"][0]["primary"], true);
    assert_eq!(p["phones"][0]["normalized"], "+34612345678");
    assert_eq!(p["external_ids"], json!(["erp:C-0042"]));
    let id = p["id"].as_str().expect("id").to_owned();
    let got = json(
        c.get(t.url(&format!("/api/v1/customers/{id}")))
            .send()
            .await
            .expect("get"),
    )
    .await;
    assert_eq!(got, p);
    c.post(t.url("/api/v1/customers"))
        .json(&json!({"given_name": "Luis", "lifecycle_stage": "Lead"}))
        .send()
        .await
        .expect("create");
    let vip = json(
        c.get(t.url("/api/v1/customers?tag=VIP"))
            .send()
            .await
            .expect("list"),
    )
    .await;
    assert_eq!(vip["data"].as_array().map(Vec::len), Some(1));
    let leads = json(
        c.get(t.url("/api/v1/customers?lifecycle_stage=lead"))
            .send()
            .await
            .expect("list"),
    )
    .await;
    assert_eq!(leads["data"][0]["given_name"], "Luis");
    let all = json(
        c.get(t.url("/api/v1/customers?limit=1"))
            .send()
            .await
            .expect("list"),
    )
    .await;
    assert_eq!(all["data"][0]["given_name"], "Luis", "newest first");
    assert!(all["next_cursor"].is_string());
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_key_that_belongs_to_someone_is_a_conflict_naming_them_or_a_merge(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let first = json(c.post(t.url("/api/v1/customers")).json(&json!({"given_name": "Ana", "emails": [{"value": "ana@example.com"}], "phones": [{"value": "+34 612 34 56 78"}]})).send().await.expect("create")).await;
    let id = first["id"].as_str().expect("id").to_owned();
    for dup in [
        json!({"emails": [{"value": "ANA@example.com "}]}),
        json!({"phones": [{"value": "0034612345678"}]}),
        json!({"phones": [{"value": "612345678"}]}),
    ] {
        let r = c
            .post(t.url("/api/v1/customers"))
            .json(&dup)
            .send()
            .await
            .expect("dup");
        assert_eq!(r.status(), 409, "{dup}");
        let p = json(r).await;
        assert_eq!(p["code"], "identity_conflict");
        assert_eq!(p["conflicts"][0]["customer_id"], id.as_str(), "{p}");
        assert!(p["detail"].as_str().expect("detail").contains(&id));
    }
    let r = c
        .post(t.url("/api/v1/customers?on_conflict=merge"))
        .json(&json!({"family_name": "Pérez", "emails": [{"value": "ANA@example.com"}, {"value": "ana.perez@work.es"}], "tags": ["nueva"]}))
        .send()
        .await
        .expect("merge");
    assert_eq!(r.status(), 200, "a merge updates the owner");
    let merged = json(r).await;
    assert_eq!(merged["id"], id.as_str());
    assert_eq!(merged["display_name"], "Ana Pérez");
    assert_eq!(merged["emails"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        merged["phones"][0]["normalized"], "+34612345678",
        "keys the merge did not mention stay"
    );
    let list = json(
        c.get(t.url("/api/v1/customers"))
            .send()
            .await
            .expect("list"),
    )
    .await;
    assert_eq!(
        list["data"].as_array().map(Vec::len),
        Some(1),
        "no duplicate was created"
    );
    let r = c
        .post(t.url("/api/v1/customers?on_conflict=overwrite"))
        .json(&json!({"given_name": "X"}))
        .send()
        .await
        .expect("bad");
    assert_eq!(r.status(), 422);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn every_invalid_field_is_reported_and_nothing_is_stored(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let r = c
        .post(t.url("/api/v1/customers"))
        .json(&json!({"given_name": "Ana", "emails": [{"value": "ok@example.com"}, {"value": "nope"}], "phones": [{"value": "12"}], "lifecycle_stage": "vip", "birthday": "23/04/1985"}))
        .send()
        .await
        .expect("create");
    assert_eq!(r.status(), 422);
    let p = json(r).await;
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field"))
        .collect();
    assert_eq!(
        fields,
        vec!["emails[1]", "phones[0]", "birthday", "lifecycle_stage"]
    );
    // A stable code for programs beside the English message for people.
    let codes: Vec<&str> = p["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["code"].as_str().expect("code"))
        .collect();
    assert_eq!(
        codes,
        vec![
            "invalid_email",
            "invalid_phone",
            "invalid_date",
            "unknown_stage"
        ]
    );
    assert_eq!(
        p["errors"][0]["message"],
        "\"nope\" is not an e-mail address"
    );
    let list = json(
        c.get(t.url("/api/v1/customers"))
            .send()
            .await
            .expect("list"),
    )
    .await;
    assert_eq!(list["data"].as_array().map(Vec::len), Some(0));
    let r = c
        .post(t.url("/api/v1/customers"))
        .json(&json!({"given_name": "A", "nickname": "x"}))
        .send()
        .await
        .expect("create");
    assert_eq!(r.status(), 422, "unknown fields are refused");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn changes_archive_and_restore(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let p = json(c.post(t.url("/api/v1/customers")).json(&json!({"given_name": "Ana", "emails": [{"value": "ana@example.com"}], "tags": ["a"]})).send().await.expect("create")).await;
    let other = json(
        c.post(t.url("/api/v1/customers"))
            .json(&json!({"given_name": "Luis", "emails": [{"value": "luis@example.com"}]}))
            .send()
            .await
            .expect("create"),
    )
    .await;
    let url = t.url(&format!(
        "/api/v1/customers/{}",
        p["id"].as_str().expect("id")
    ));
    let r = json(
        c.patch(&url)
            .json(&json!({"lifecycle_stage": "customer", "tags": ["b"]}))
            .send()
            .await
            .expect("patch"),
    )
    .await;
    assert_eq!(r["lifecycle_stage"], "customer");
    assert_eq!(
        r["tags"],
        json!(["b"]),
        "a given list replaces the stored one"
    );
    assert_eq!(
        r["emails"][0]["normalized"], "ana@example.com",
        "absent lists stay"
    );
    let r = c
        .patch(&url)
        .json(&json!({"emails": [{"value": "LUIS@example.com"}]}))
        .send()
        .await
        .expect("patch");
    assert_eq!(
        r.status(),
        409,
        "taking another customer's e-mail is a conflict"
    );
    assert_eq!(json(r).await["conflicts"][0]["customer_id"], other["id"]);
    let r = json(
        c.patch(&url)
            .json(&json!({"archived": true}))
            .send()
            .await
            .expect("archive"),
    )
    .await;
    assert_eq!(r["archived"], true);
    let active = json(
        c.get(t.url("/api/v1/customers"))
            .send()
            .await
            .expect("list"),
    )
    .await;
    assert_eq!(
        active["data"].as_array().map(Vec::len),
        Some(1),
        "archived customers are hidden by default"
    );
    let everyone = json(
        c.get(t.url("/api/v1/customers?archived=true"))
            .send()
            .await
            .expect("list"),
    )
    .await;
    assert_eq!(everyone["data"].as_array().map(Vec::len), Some(2));
    let r = json(
        c.patch(&url)
            .json(&json!({"archived": false}))
            .send()
            .await
            .expect("restore"),
    )
    .await;
    assert_eq!(r["archived"], false);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn erasure_removes_every_trace_of_personal_data(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    t.user("acme", "luis@acme.test", Role::Manager).await;
    let manager = t.bearer(&t.token("acme", "luis@acme.test", "read,write").await);
    let p = json(c.post(t.url("/api/v1/customers")).json(&json!({"given_name": "Zacarías", "family_name": "Olmedo", "emails": [{"value": "zacarias@example.com"}], "phones": [{"value": "+34 699 11 22 33"}], "notes": "prefiere llamadas"})).send().await.expect("create")).await;
    let id = p["id"].as_str().expect("id").to_owned();
    let url = t.url(&format!("/api/v1/customers/{id}"));
    c.patch(&url)
        .json(&json!({"family_name": "Olmedo Ruiz"}))
        .send()
        .await
        .expect("patch");
    assert_eq!(
        manager.delete(&url).send().await.expect("erase").status(),
        403,
        "only admins erase"
    );
    assert_eq!(c.delete(&url).send().await.expect("erase").status(), 204);
    assert_eq!(c.get(&url).send().await.expect("get").status(), 404);
    assert_eq!(c.delete(&url).send().await.expect("again").status(), 404);
    let log = c
        .get(t.url("/api/v1/audit-log?entity_type=customer&limit=200"))
        .send()
        .await
        .expect("log")
        .text()
        .await
        .expect("body");
    // Digits long enough that a UUID or a request id cannot hold them by chance.
    for personal in [
        "Zacar",
        "Olmedo",
        "zacarias",
        "699112233",
        "699 11",
        "prefiere",
    ] {
        assert!(
            !log.contains(personal),
            "the audit log keeps {personal:?} after erasure: {log}"
        );
    }
    assert!(log.contains("\"delete\""), "the erasure itself is recorded");
    let again = c
        .post(t.url("/api/v1/customers"))
        .json(&json!({"emails": [{"value": "zacarias@example.com"}]}))
        .send()
        .await
        .expect("create");
    assert_eq!(again.status(), 201, "the erased keys are free again");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn customers_stay_inside_their_workspace(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let a = admin(&t).await;
    t.user("globex", "bob@globex.test", Role::Admin).await;
    let b = t.bearer(&t.token("globex", "bob@globex.test", "read,write").await);
    let theirs = json(
        b.post(t.url("/api/v1/customers"))
            .json(&json!({"given_name": "Secret", "emails": [{"value": "same@example.com"}]}))
            .send()
            .await
            .expect("create"),
    )
    .await;
    let r = a
        .post(t.url("/api/v1/customers"))
        .json(&json!({"given_name": "Mine", "emails": [{"value": "same@example.com"}]}))
        .send()
        .await
        .expect("create");
    assert_eq!(
        r.status(),
        201,
        "keys are unique per workspace, not across them"
    );
    let url = t.url(&format!(
        "/api/v1/customers/{}",
        theirs["id"].as_str().expect("id")
    ));
    assert_eq!(a.get(&url).send().await.expect("get").status(), 404);
    assert_eq!(
        a.patch(&url)
            .json(&json!({"given_name": "Hijacked"}))
            .send()
            .await
            .expect("patch")
            .status(),
        404
    );
    assert_eq!(a.delete(&url).send().await.expect("delete").status(), 404);
    let consents = format!("{url}/consents");
    assert_eq!(a.get(&consents).send().await.expect("get").status(), 404);
    let r = a
        .post(&consents)
        .json(&json!({"channel": "email", "purpose": "marketing", "state": "opted_in"}))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 404, "A cannot write B's consent ledger");
    let exported = a
        .get(t.url("/api/v1/customers/export"))
        .send()
        .await
        .expect("export")
        .text()
        .await
        .expect("body");
    assert!(
        !exported.contains("Secret"),
        "A's export holds nothing of B"
    );
    let list = a
        .get(t.url("/api/v1/customers"))
        .send()
        .await
        .expect("list")
        .text()
        .await
        .expect("body");
    assert!(!list.contains("Secret"));
    let still = json(b.get(&url).send().await.expect("get")).await;
    assert_eq!(still["given_name"], "Secret");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn one_box_finds_customers_by_name_email_phone_or_external_id(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    c.post(t.url("/api/v1/customers"))
        .json(&json!({"given_name": "José María", "family_name": "Núñez", "emails": [{"value": "jm@ejemplo.es"}], "phones": [{"value": "612 34 56 78"}], "external_ids": ["erp:C-0042"]}))
        .send()
        .await
        .expect("create");
    c.post(t.url("/api/v1/customers")).json(&json!({"given_name": "Josefa", "family_name": "Ortiz", "phones": [{"value": "+52 55 1234 5678"}]})).send().await.expect("create");
    let names = |q: &'static str| {
        let c = c.clone();
        let url = t.url("/api/v1/customers");
        async move {
            let page = json(c.get(url).query(&[("q", q)]).send().await.expect("search")).await;
            let mut n: Vec<String> = page["data"]
                .as_array()
                .expect("data")
                .iter()
                .map(|p| p["display_name"].as_str().expect("name").to_owned())
                .collect();
            n.sort();
            n
        }
    };
    assert_eq!(
        names("jose").await,
        vec!["Josefa Ortiz", "José María Núñez"],
        "accent- and case-insensitive prefix"
    );
    assert_eq!(
        names("JOSÉ NÚÑ").await,
        vec!["José María Núñez"],
        "every word must match"
    );
    assert_eq!(names("ortiz").await, vec!["Josefa Ortiz"]);
    assert_eq!(
        names("jo or").await,
        vec!["Josefa Ortiz"],
        "one- and two-letter words take the walk-and-probe path"
    );
    for phone in ["+34 612 34 56 78", "612345678", "0034612345678", "612 34"] {
        assert_eq!(names(phone).await, vec!["José María Núñez"], "{phone:?}");
    }
    assert_eq!(
        names("55 1234 5678").await,
        vec!["Josefa Ortiz"],
        "national number of another country"
    );
    assert_eq!(names("jm@ejemplo.es").await, vec!["José María Núñez"]);
    assert_eq!(
        names("ejemplo").await,
        vec!["José María Núñez"],
        "e-mail domain"
    );
    assert_eq!(
        names("c-0042").await,
        vec!["José María Núñez"],
        "external id"
    );
    assert!(names("pedro").await.is_empty());
    assert!(names("699 11 22 33").await.is_empty());
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn changes_and_erasure_keep_the_search_index_exact(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let (_, url) = create(
        &t,
        &c,
        json!({"given_name": "Zacarías", "emails": [{"value": "zaca@example.com"}]}),
        "",
    )
    .await;
    c.patch(&url)
        .json(&json!({"given_name": "Zoilo", "emails": [{"value": "zoilo@example.com"}]}))
        .send()
        .await
        .expect("patch");
    let count = |q: &'static str| {
        let c = c.clone();
        let url = t.url("/api/v1/customers");
        async move {
            json(c.get(url).query(&[("q", q)]).send().await.expect("search")).await["data"]
                .as_array()
                .map_or(0, Vec::len)
        }
    };
    assert_eq!(
        count("zacarias").await,
        0,
        "the old name is no longer found"
    );
    assert_eq!(count("zaca@").await, 0, "nor the old e-mail");
    assert_eq!(count("zoilo").await, 1);
    c.delete(&url).send().await.expect("erase");
    assert_eq!(count("zoilo").await, 0);
    let mut conn = t.db.conn().await.expect("conn");
    let stmt = sea_query::Query::select()
        .expr(sea_query::Expr::cust("COUNT(*)"))
        .from(sea_query::Alias::new("customer_search"))
        .to_owned();
    let (n,): (i64,) = conn.fetch_one(&stmt).await.expect("count");
    assert_eq!(n, 0, "no search term of an erased customer remains");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn consent_is_a_ledger_whose_latest_entry_is_the_current_state(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let (p, url) = create(
        &t,
        &c,
        json!({"given_name": "Ana", "emails": [{"value": "ana@example.com"}]}),
        "/consents",
    )
    .await;
    let empty = json(c.get(&url).send().await.expect("get")).await;
    assert_eq!(empty["current"], json!([]));
    let r = c.post(&url).json(&json!({"channel": "email", "purpose": "marketing", "state": "opted_in", "source": "form", "note": "newsletter box"})).send().await.expect("in");
    assert_eq!(r.status(), 201);
    c.post(&url)
        .json(&json!({"channel": "sms", "purpose": "marketing", "state": "opted_in"}))
        .send()
        .await
        .expect("sms");
    let after = json(c.post(&url).json(&json!({"channel": "email", "purpose": "marketing", "state": "opted_out", "source": "unsubscribe"})).send().await.expect("out")).await;
    assert_eq!(
        after["history"].as_array().map(Vec::len),
        Some(3),
        "nothing is overwritten"
    );
    let email = after["current"]
        .as_array()
        .expect("current")
        .iter()
        .find(|e| e["channel"] == "email")
        .expect("email")
        .clone();
    assert_eq!(email["state"], "opted_out");
    assert_eq!(email["source"], "unsubscribe");
    let sms = after["current"]
        .as_array()
        .expect("current")
        .iter()
        .find(|e| e["channel"] == "sms")
        .expect("sms")
        .clone();
    assert_eq!(sms["source"], "api", "a token's default source");
    assert!(sms["actor"].as_str().expect("actor").contains("token"));
    let r = c
        .post(&url)
        .json(&json!({"channel": "fax", "purpose": "spam", "state": "maybe"}))
        .send()
        .await
        .expect("bad");
    assert_eq!(r.status(), 422);
    let fields: Vec<String> = json(r).await["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(fields, vec!["channel", "purpose", "state"]);
    // Erasure takes the ledger with it.
    let customer = t.url(&format!(
        "/api/v1/customers/{}",
        p["id"].as_str().expect("id")
    ));
    assert_eq!(
        c.delete(&customer).send().await.expect("erase").status(),
        204
    );
    assert_eq!(c.get(&url).send().await.expect("get").status(), 404);
    let mut conn = t.db.conn().await.expect("conn");
    let stmt = sea_query::Query::select()
        .expr(sea_query::Expr::cust("COUNT(*)"))
        .from(sea_query::Alias::new("consent_events"))
        .to_owned();
    let (n,): (i64,) = conn.fetch_one(&stmt).await.expect("count");
    assert_eq!(n, 0);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn the_filtered_list_exports_as_csv_and_vcard(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    c.post(t.url("/api/v1/customers"))
        .json(&json!({"given_name": "José", "family_name": "Núñez; Hijo", "emails": [{"value": "jose@example.com", "label": "work"}], "phones": [{"value": "612 34 56 78"}], "tags": ["VIP", "Madrid"], "notes": "Line one\nline two, with comma", "birthday": "1985-04-23"}))
        .send()
        .await
        .expect("create");
    c.post(t.url("/api/v1/customers"))
        .json(&json!({"given_name": "Luis", "lifecycle_stage": "lead"}))
        .send()
        .await
        .expect("create");
    let r = c
        .get(t.url("/api/v1/customers/export?format=csv"))
        .send()
        .await
        .expect("export");
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(r.headers()["content-disposition"]
        .to_str()
        .expect("header")
        .contains("customers-"));
    let csv = r.text().await.expect("body");
    let mut lines = csv.lines();
    assert!(lines
        .next()
        .expect("header")
        .starts_with("id,kind,display_name,given_name,family_name,emails,phones"));
    assert!(csv.contains(",Núñez; Hijo,"), "{csv}");
    assert!(csv.contains("+34612345678"));
    assert!(csv.contains("VIP;Madrid"));
    assert!(
        csv.contains("\"Line one\nline two, with comma\""),
        "multi-line values are quoted: {csv}"
    );
    let leads = c
        .get(t.url("/api/v1/customers/export?format=csv&lifecycle_stage=lead"))
        .send()
        .await
        .expect("export")
        .text()
        .await
        .expect("body");
    assert_eq!(leads.lines().count(), 2, "header + the one lead: {leads}");
    let vcf = c
        .get(t.url("/api/v1/customers/export?format=vcard&q=nunez"))
        .send()
        .await
        .expect("export")
        .text()
        .await
        .expect("body");
    assert_eq!(vcf.matches("BEGIN:VCARD").count(), 1);
    for expected in [
        "VERSION:4.0\r\n",
        "FN:José Núñez\\; Hijo\r\n",
        "N:Núñez\\; Hijo;José;;;\r\n",
        "EMAIL;TYPE=work;PREF=1:jose@example.com\r\n",
        "TEL;VALUE=uri;PREF=1:tel:+34612345678\r\n",
        "BDAY:19850423\r\n",
        "CATEGORIES:VIP,Madrid\r\n",
        "NOTE:Line one\\nline two\\, with comma\r\n",
    ] {
        assert!(vcf.contains(expected), "missing {expected:?} in {vcf}");
    }
    assert_eq!(
        c.get(t.url("/api/v1/customers/export?format=pdf"))
            .send()
            .await
            .expect("bad")
            .status(),
        422
    );
    assert_eq!(
        reqwest::get(t.url("/api/v1/customers/export"))
            .await
            .expect("anon")
            .status(),
        401
    );
}
