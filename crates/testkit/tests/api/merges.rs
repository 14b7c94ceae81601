//! Merging customers and undoing merges: everything moves to the survivor, its keys find it,
//! an opt-out holds; undo puts every customer back byte for byte, leaving later interactions
//! with the survivor; three at once; organisations and their people; bad input; roles;
//! workspaces; erasure empties the record. On both backends.
use crate::interactions::{admin, get, post};
use rstest::rstest;
use serde_json::{json, Value};
use vinculo_domain::auth::Role;
use vinculo_testkit::{Backend, TestApp};

/// Creates a customer at `path` (`/api/v1/customers`, `/api/v1/organizations`): its id.
async fn make(t: &TestApp, c: &reqwest::Client, path: &str, body: Value) -> String {
    let (s, v) = post(t, c, path, body).await;
    assert_eq!(s, 201, "{v}");
    v["id"].as_str().expect("id").to_owned()
}

async fn person(t: &TestApp, c: &reqwest::Client, body: Value) -> String {
    make(t, c, "/api/v1/customers", body).await
}

/// Everything the API says about a customer: the record, its consents and its timeline.
async fn everything(t: &TestApp, c: &reqwest::Client, path: &str, id: &str) -> Value {
    let (s, record) = get(t, c, &format!("{path}/{id}")).await;
    assert_eq!(s, 200, "{record}");
    let (_, consents) = get(t, c, &format!("/api/v1/customers/{id}/consents")).await;
    let (_, timeline) = get(t, c, &format!("/api/v1/customers/{id}/interactions")).await;
    json!({"record": record, "consents": consents, "timeline": timeline})
}

fn email_from(email: &str, event: &str) -> Value {
    json!({"channel": "email", "type": "message", "occurred_at": "2026-10-01T09:00:00Z",
           "subject": "Hola", "source": "imap", "source_event_id": event,
           "customer": {"email": email}})
}

async fn consent(t: &TestApp, c: &reqwest::Client, id: &str, state: &str) {
    let (s, v) = post(
        t,
        c,
        &format!("/api/v1/customers/{id}/consents"),
        json!({"channel": "email", "purpose": "marketing", "state": state, "source": "form"}),
    )
    .await;
    assert_eq!(s, 201, "{v}");
}

fn ids(v: &Value) -> Vec<String> {
    v["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|i| i["id"].as_str().expect("id").to_owned())
        .collect()
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_merge_moves_everything_to_the_survivor_and_its_undo_puts_both_back_exactly(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let (s, f) = post(
        &t,
        &c,
        "/api/v1/settings/custom-fields",
        json!({"label": "Plan", "key": "plan", "field_type": "text"}),
    )
    .await;
    assert_eq!(s, 201, "{f}");
    let acme = make(&t, &c, "/api/v1/organizations", json!({"name": "Acme"})).await;
    let ana = person(
        &t,
        &c,
        json!({"given_name": "Ana", "emails": [{"value": "ana@example.com"}],
        "tags": ["VIP"], "organizations": [{"organization_id": acme, "title": "CEO"}]}),
    )
    .await;
    let twin = person(
        &t,
        &c,
        json!({"given_name": "Ana María", "family_name": "García",
        "emails": [{"value": "amg@work.es"}], "phones": [{"value": "612 34 56 78"}],
        "tags": ["Madrid"], "addresses": [{"city": "Madrid", "postal_code": "28013"}],
        "birthday": "1985-04-23", "custom_fields": {"plan": "gold"}}),
    )
    .await;
    consent(&t, &c, &twin, "opted_out").await;
    consent(&t, &c, &ana, "opted_in").await;
    for (email, event) in [
        ("ana@example.com", "e1"),
        ("amg@work.es", "e2"),
        ("amg@work.es", "e3"),
    ] {
        let (s, v) = post(&t, &c, "/api/v1/interactions", email_from(email, event)).await;
        assert_eq!(s, 201, "{v}");
    }
    let ana_before = everything(&t, &c, "/api/v1/customers", &ana).await;
    let twin_before = everything(&t, &c, "/api/v1/customers", &twin).await;
    let acme_before = everything(&t, &c, "/api/v1/organizations", &acme).await;

    let (s, m) = post(
        &t,
        &c,
        "/api/v1/customers:merge",
        json!({"survivor": ana, "merge": [twin], "fields": {"given_name": twin}}),
    )
    .await;
    assert_eq!(s, 201, "{m}");
    assert_eq!(m["status"], "merged");
    assert_eq!(m["moved"]["interactions"], 2, "{m}");
    assert_eq!(m["moved"]["consents_added"], 1, "{m}");
    let merge = m["id"].as_str().expect("id").to_owned();

    let (s, _) = get(&t, &c, &format!("/api/v1/customers/{twin}")).await;
    assert_eq!(s, 404, "the merged customer is gone");
    let now = everything(&t, &c, "/api/v1/customers", &ana).await;
    let r = &now["record"];
    assert_eq!(r["given_name"], "Ana María", "the chosen value");
    assert_eq!(r["family_name"], "García", "a gap filled");
    assert_eq!(r["tags"], json!(["VIP", "Madrid"]));
    assert_eq!(r["custom_fields"]["plan"], "gold");
    assert_eq!(r["emails"].as_array().map(Vec::len), Some(2), "{r}");
    assert_eq!(r["phones"][0]["normalized"], "+34612345678");
    assert_eq!(r["organizations"][0]["title"], "CEO");
    assert_eq!(ids(&now["timeline"]).len(), 3);
    let email = now["consents"]["current"]
        .as_array()
        .expect("current")
        .iter()
        .find(|e| e["channel"] == "email")
        .expect("email consent")
        .clone();
    assert_eq!(
        (email["state"].clone(), email["source"].clone()),
        (json!("opted_out"), json!("merge")),
        "the merged twin's opt-out holds over the survivor's older opt-in"
    );
    // The merged customer's e-mail now names the survivor.
    let (s, later) = post(
        &t,
        &c,
        "/api/v1/interactions",
        email_from("amg@work.es", "e4"),
    )
    .await;
    assert_eq!(s, 201, "{later}");
    assert_eq!(later["customer_id"], ana.as_str());
    let (s, found) = get(&t, &c, "/api/v1/customers?q=amg").await;
    assert_eq!((s, ids(&found)), (200, vec![ana.clone()]));
    // So does the merged customer's old id (an ERP kept it).
    let mut by_id = email_from("nobody@example.com", "e5");
    by_id["customer"] = json!({"id": twin});
    let (s, old_id) = post(&t, &c, "/api/v1/interactions", by_id).await;
    assert_eq!(
        (s, old_id["customer_id"].clone()),
        (201, json!(ana)),
        "{old_id}"
    );

    let (s, undone) = post(&t, &c, &format!("/api/v1/merges/{merge}/undo"), json!({})).await;
    assert_eq!(s, 200, "{undone}");
    assert_eq!(undone["status"], "undone");
    let mut ana_after = everything(&t, &c, "/api/v1/customers", &ana).await;
    let later_id = later["id"].as_str().expect("id");
    let later_ids = [later_id, old_id["id"].as_str().expect("id")];
    let kept = ids(&ana_after["timeline"]);
    assert!(
        later_ids.iter().all(|l| kept.iter().any(|k| k == l)),
        "what came after the merge stays with the survivor"
    );
    ana_after["timeline"]["data"]
        .as_array_mut()
        .expect("data")
        .retain(|i| !later_ids.contains(&i["id"].as_str().unwrap_or_default()));
    assert_eq!(ana_after, ana_before);
    assert_eq!(
        everything(&t, &c, "/api/v1/customers", &twin).await,
        twin_before
    );
    assert_eq!(
        everything(&t, &c, "/api/v1/organizations", &acme).await,
        acme_before
    );
    let (_, found) = get(&t, &c, "/api/v1/customers?q=amg").await;
    assert_eq!(ids(&found), vec![twin.clone()], "searchable again");
    let (s, again) = post(&t, &c, &format!("/api/v1/merges/{merge}/undo"), json!({})).await;
    assert_eq!(
        (s, again["code"].clone()),
        (409, json!("cannot_undo")),
        "{again}"
    );
    let (_, log) = get(
        &t,
        &c,
        &format!("/api/v1/audit-log?entity_type=customer&entity_id={twin}"),
    )
    .await;
    let actions: Vec<&str> = log["data"]
        .as_array()
        .expect("data")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(
        actions.get(..2),
        Some(&["create", "delete"][..]),
        "restored by the undo, deleted by the merge (newest first): {log}"
    );
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn three_merge_at_once_resolving_their_suggestions_and_pointing_others_at_the_survivor(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let one = person(&t, &c, json!({"emails": [{"value": "uno@example.com"}]})).await;
    let two = person(&t, &c, json!({"emails": [{"value": "dos@example.com"}]})).await;
    let three = person(&t, &c, json!({"phones": [{"value": "600 00 00 03"}]})).await;
    let other = person(&t, &c, json!({"phones": [{"value": "600 00 00 09"}]})).await;
    // One interaction seen with keys of two customers suggests they are one.
    for (email, phone, event) in [
        ("uno@example.com", "600 00 00 03", "s1"),
        ("dos@example.com", "600 00 00 09", "s2"),
    ] {
        let mut body = email_from(email, event);
        body["customer"]["phone"] = json!(phone);
        let (s, v) = post(&t, &c, "/api/v1/interactions", body).await;
        assert_eq!(s, 201, "{v}");
    }
    let (_, before) = get(&t, &c, "/api/v1/merge-suggestions").await;
    assert_eq!(before["data"].as_array().map(Vec::len), Some(2), "{before}");
    let people = [&one, &two, &three, &other];
    let mut snapshots = Vec::new();
    for p in people {
        snapshots.push(everything(&t, &c, "/api/v1/customers", p).await);
    }

    let (s, m) = post(
        &t,
        &c,
        "/api/v1/customers:merge",
        json!({"survivor": one, "merge": [two, three]}),
    )
    .await;
    assert_eq!(s, 201, "{m}");
    let (_, open) = get(&t, &c, "/api/v1/merge-suggestions").await;
    let open = open["data"].as_array().expect("data").clone();
    assert_eq!(open.len(), 1, "{open:?}");
    let pair = [open[0]["customer_a"].clone(), open[0]["customer_b"].clone()];
    assert!(
        pair.contains(&json!(one)) && pair.contains(&json!(other)),
        "the suggestion that named a merged customer names the survivor: {open:?}"
    );
    let (_, r) = get(&t, &c, &format!("/api/v1/customers/{one}")).await;
    assert_eq!(r["emails"].as_array().map(Vec::len), Some(2));
    assert_eq!(r["phones"].as_array().map(Vec::len), Some(1));

    let merge = m["id"].as_str().expect("id");
    let (s, v) = post(&t, &c, &format!("/api/v1/merges/{merge}/undo"), json!({})).await;
    assert_eq!(s, 200, "{v}");
    for (p, snap) in people.iter().zip(&snapshots) {
        assert_eq!(&everything(&t, &c, "/api/v1/customers", p).await, snap);
    }
    let (_, after) = get(&t, &c, "/api/v1/merge-suggestions").await;
    assert_eq!(after, before, "the suggestions are as they were");
    let first = after["data"][0]["id"].as_str().expect("id");
    let dismiss = format!("/api/v1/merge-suggestions/{first}/dismiss");
    let r = c.post(t.url(&dismiss)).send().await.expect("dismiss");
    assert_eq!(r.status(), 204);
    let (s, v) = post(&t, &c, &dismiss, json!({})).await;
    assert_eq!((s, v["code"].clone()), (409, json!("invalid_state")));
    let (_, left) = get(&t, &c, "/api/v1/merge-suggestions").await;
    assert_eq!(left["data"].as_array().map(Vec::len), Some(1));
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn merged_organisations_share_their_people_until_the_merge_is_undone(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let orgs = "/api/v1/organizations";
    let acme = make(
        &t,
        &c,
        orgs,
        json!({"name": "Acme", "domains": ["acme.es"]}),
    )
    .await;
    let acme_sl = make(
        &t,
        &c,
        orgs,
        json!({"name": "Acme S.L.", "tax_id": "B1234"}),
    )
    .await;
    let link = |org: &str, title: &str| json!({"organization_id": org, "title": title});
    let pia = person(
        &t,
        &c,
        json!({"given_name": "Pía", "organizations": [link(&acme_sl, "CFO")]}),
    )
    .await;
    let quim = person(
        &t,
        &c,
        json!({"given_name": "Quim",
        "organizations": [link(&acme, "CTO"), link(&acme_sl, "Consejero")]}),
    )
    .await;
    let mut before = Vec::new();
    for (path, id) in [(orgs, &acme), (orgs, &acme_sl)] {
        before.push(everything(&t, &c, path, id).await);
    }
    for id in [&pia, &quim] {
        before.push(everything(&t, &c, "/api/v1/customers", id).await);
    }
    let (s, m) = post(
        &t,
        &c,
        "/api/v1/customers:merge",
        json!({"survivor": acme, "merge": [acme_sl], "fields": {"tax_id": acme_sl}}),
    )
    .await;
    assert_eq!(s, 201, "{m}");
    assert_eq!(m["moved"]["links"], 2);
    let (_, org) = get(&t, &c, &format!("{orgs}/{acme}")).await;
    assert_eq!(org["tax_id"], "B1234");
    let (_, people) = get(&t, &c, &format!("{orgs}/{acme}/people")).await;
    assert_eq!(people["data"].as_array().map(Vec::len), Some(2), "{people}");
    let (_, q) = get(&t, &c, &format!("/api/v1/customers/{quim}")).await;
    assert_eq!(q["organizations"].as_array().map(Vec::len), Some(1), "{q}");

    let merge = m["id"].as_str().expect("id");
    let (browser, _) = t.login("ana@acme.test").await;
    let page = format!("/organizations/{acme}?flash=merged&merge={merge}");
    let html = browser.get(t.url(&page)).send().await.expect("page");
    let html = html.text().await.expect("html");
    assert!(
        html.contains("Undo merge"),
        "the survivor's page offers the undo"
    );
    let (s, v) = post(&t, &c, &format!("/api/v1/merges/{merge}/undo"), json!({})).await;
    assert_eq!(s, 200, "{v}");
    let mut after = Vec::new();
    for (path, id) in [(orgs, &acme), (orgs, &acme_sl)] {
        after.push(everything(&t, &c, path, id).await);
    }
    for id in [&pia, &quim] {
        after.push(everything(&t, &c, "/api/v1/customers", id).await);
    }
    assert_eq!(after, before);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_bad_merge_request_names_the_field_at_fault_and_changes_nothing(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let a = person(&t, &c, json!({"given_name": "A"})).await;
    let b = person(&t, &c, json!({"given_name": "B"})).await;
    let org = make(&t, &c, "/api/v1/organizations", json!({"name": "Acme"})).await;
    let unknown = uuid::Uuid::now_v7().to_string();
    for (body, status, field, code) in [
        (
            json!({"survivor": a, "merge": []}),
            422,
            "merge",
            "required",
        ),
        (
            json!({"survivor": a, "merge": [a]}),
            422,
            "merge[0]",
            "survivor_merged",
        ),
        (
            json!({"survivor": a, "merge": [b, b]}),
            422,
            "merge[1]",
            "repeated",
        ),
        (
            json!({"survivor": a, "merge": ["nope"]}),
            422,
            "merge[0]",
            "invalid_customer_id",
        ),
        (
            json!({"survivor": a, "merge": [unknown]}),
            404,
            "merge[0]",
            "no_such_customer",
        ),
        (
            json!({"survivor": a, "merge": [org]}),
            422,
            "merge[0]",
            "kind_mismatch",
        ),
        (
            json!({"survivor": a, "merge": [b], "fields": {"shoe_size": b}}),
            422,
            "fields.shoe_size",
            "unknown_field",
        ),
        (
            json!({"survivor": a, "merge": [b], "fields": {"birthday": org}}),
            422,
            "fields.birthday",
            "not_a_merged_customer",
        ),
    ] {
        let (s, v) = post(&t, &c, "/api/v1/customers:merge", body.clone()).await;
        assert_eq!(s, status, "{body}: {v}");
        assert_eq!(v["errors"][0]["field"], field, "{body}: {v}");
        assert_eq!(v["errors"][0]["code"], code, "{body}: {v}");
    }
    for id in [&a, &b] {
        let (s, _) = get(&t, &c, &format!("/api/v1/customers/{id}")).await;
        assert_eq!(s, 200);
    }
    let (s, _) = get(&t, &c, &format!("/api/v1/merges/{unknown}")).await;
    assert_eq!(s, 404);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn admins_and_managers_merge_others_may_not_and_no_merge_crosses_workspaces(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let a = person(&t, &c, json!({"given_name": "A"})).await;
    let b = person(&t, &c, json!({"given_name": "B"})).await;
    let body = json!({"survivor": a, "merge": [b]});
    for (email, role) in [
        ("agent@acme.test", Role::Agent),
        ("sales@acme.test", Role::Sales),
        ("an@acme.test", Role::Analyst),
    ] {
        t.user("acme", email, role).await;
        let other = t.bearer(&t.token("acme", email, "read,write").await);
        let (s, v) = post(&t, &other, "/api/v1/customers:merge", body.clone()).await;
        assert_eq!(s, 403, "{role:?}: {v}");
    }
    t.user("globex", "boss@globex.test", Role::Admin).await;
    let stranger = t.bearer(&t.token("globex", "boss@globex.test", "read,write").await);
    let (s, v) = post(&t, &stranger, "/api/v1/customers:merge", body.clone()).await;
    assert_eq!(s, 404, "{v}");
    t.user("acme", "mgr@acme.test", Role::Manager).await;
    let manager = t.bearer(&t.token("acme", "mgr@acme.test", "read,write").await);
    let (s, m) = post(&t, &manager, "/api/v1/customers:merge", body).await;
    assert_eq!(s, 201, "{m}");
    let merge = m["id"].as_str().expect("id");
    let (s, _) = get(&t, &stranger, &format!("/api/v1/merges/{merge}")).await;
    assert_eq!(s, 404);
    let (s, _) = post(
        &t,
        &stranger,
        &format!("/api/v1/merges/{merge}/undo"),
        json!({}),
    )
    .await;
    assert_eq!(s, 404);
    let (s, seen) = get(&t, &c, &format!("/api/v1/merges/{merge}")).await;
    assert_eq!((s, seen["status"].clone()), (200, json!("merged")));
}

/// The text of every merge record's kept data.
async fn kept_text(t: &TestApp) -> String {
    use vinculo_store::Db;
    let sql = |cast: &str| format!("SELECT {cast} FROM merges");
    let rows: Vec<(String,)> = match &t.db {
        Db::Sqlite { read, .. } => sqlx::query_as(&sql("snapshot || survivor_after || moved"))
            .fetch_all(read)
            .await
            .expect("merges"),
        Db::Postgres(pool) => sqlx::query_as(&sql(
            "snapshot::text || survivor_after::text || moved::text",
        ))
        .fetch_all(pool)
        .await
        .expect("merges"),
    };
    rows.into_iter().map(|(s,)| s).collect()
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn undo_is_refused_when_it_cannot_be_exact_and_erasure_empties_the_record(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let a = person(
        &t,
        &c,
        json!({"given_name": "Ana", "emails": [{"value": "ana@example.com"}]}),
    )
    .await;
    let b = person(
        &t,
        &c,
        json!({"given_name": "Ana", "emails": [{"value": "secreto@example.com"}]}),
    )
    .await;
    let (_, m) = post(
        &t,
        &c,
        "/api/v1/customers:merge",
        json!({"survivor": a, "merge": [b]}),
    )
    .await;
    let merge = m["id"].as_str().expect("id").to_owned();
    assert!(kept_text(&t).await.contains("secreto@example.com"));
    let r = c
        .patch(t.url(&format!("/api/v1/customers/{a}")))
        .json(&json!({"tags": ["cambiado"]}))
        .send()
        .await
        .expect("patch");
    assert_eq!(r.status(), 200);
    let undo = format!("/api/v1/merges/{merge}/undo");
    let (s, v) = post(&t, &c, &undo, json!({})).await;
    assert_eq!((s, v["code"].clone()), (409, json!("cannot_undo")), "{v}");
    assert!(
        v["detail"]
            .as_str()
            .is_some_and(|d| d.contains("changed after the merge")),
        "{v}"
    );
    let r = c
        .delete(t.url(&format!("/api/v1/customers/{a}")))
        .send()
        .await
        .expect("erase");
    assert_eq!(r.status(), 204);
    assert!(
        !kept_text(&t).await.contains("secreto@example.com"),
        "nothing of the erased person is left in the merge record"
    );
    let (s, rec) = get(&t, &c, &format!("/api/v1/merges/{merge}")).await;
    assert_eq!((s, rec["status"].clone()), (200, json!("erased")));
    let (s, v) = post(&t, &c, &undo, json!({})).await;
    assert_eq!((s, v["code"].clone()), (409, json!("cannot_undo")), "{v}");
}
