//! The duplicate scan: `POST /merge-suggestions:scan` finds a typo'd and a swapped-name
//! duplicate among people created through the API, leaves a household and same-name
//! strangers alone, shows its evidence and score, never raises a pair twice, is audited as
//! one entry per scan that raised suggestions, and is for admins and managers only; on both
//! backends.
use crate::interactions::{admin, get, post};
use rstest::rstest;
use serde_json::{json, Value};
use vinculo_domain::auth::Role;
use vinculo_testkit::{Backend, TestApp};

async fn person(t: &TestApp, c: &reqwest::Client, body: Value) -> String {
    let (s, out) = post(t, c, "/api/v1/customers", body).await;
    assert_eq!(s, 201, "{out}");
    out["id"].as_str().expect("id").to_owned()
}

fn sorted(a: &str, b: &str) -> (String, String) {
    if a < b {
        (a.to_owned(), b.to_owned())
    } else {
        (b.to_owned(), a.to_owned())
    }
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_scan_suggests_the_typo_and_the_swapped_duplicate_but_not_the_household_or_namesakes(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let lucia = person(
        &t,
        &c,
        json!({"given_name": "Lucía", "family_name": "Fernández Ruiz",
        "emails": [{"value": "lucia.fernandez@correo.es"}], "phones": [{"value": "612 34 56 78"}],
        "addresses": [{"postal_code": "41001", "street": "Av. de la Constitución 10, 2º A"}],
        "birthday": "1979-02-11"}),
    )
    .await;
    // Typed again with a typo, no accent, her other e-mail and no phone.
    let lucia_typo = person(
        &t,
        &c,
        json!({"given_name": "Lucia", "family_name": "Fernandes Ruiz",
        "emails": [{"value": "lucia.fernandez@gmail.com"}],
        "addresses": [{"postal_code": "41001", "street": "Avenida Constitución 10"}],
        "birthday": "1979-02-11"}),
    )
    .await;
    let javier = person(
        &t,
        &c,
        json!({"given_name": "Javier", "family_name": "Moreno Santos",
        "emails": [{"value": "jmoreno@empresa.es"}],
        "addresses": [{"postal_code": "28013", "street": "Calle Mayor 5"}],
        "birthday": "1985-07-03"}),
    )
    .await;
    let javier_swapped = person(
        &t,
        &c,
        json!({"given_name": "Moreno Santos", "family_name": "Javier",
        "phones": [{"value": "699 11 22 33"}],
        "addresses": [{"postal_code": "28013", "street": "C/ Mayor 5"}],
        "birthday": "1985-07-03"}),
    )
    .await;
    // A mother and son at one address.
    for (given, born, phone) in [
        ("Carmen", "1960-03-10", "611 00 00 01"),
        ("Pablo", "1992-11-20", "611 00 00 02"),
    ] {
        person(
            &t,
            &c,
            json!({"given_name": given, "family_name": "Ruiz López",
            "phones": [{"value": phone}],
            "addresses": [{"postal_code": "08001", "street": "Carrer de Pelai 3, 1º"}],
            "birthday": born}),
        )
        .await;
    }
    // Two María García López who have nothing else in common.
    for (email, postcode, born) in [
        ("maria.garcia.lopez@a.es", "28001", "1990-01-01"),
        ("mglopez@b.es", "41010", "1972-05-05"),
    ] {
        person(
            &t,
            &c,
            json!({"given_name": "María", "family_name": "García López",
            "emails": [{"value": email}], "addresses": [{"postal_code": postcode}],
            "birthday": born}),
        )
        .await;
    }

    let (s, report) = post(&t, &c, "/api/v1/merge-suggestions:scan", json!({})).await;
    assert_eq!(s, 200, "{report}");
    assert_eq!(report["customers"], 8, "{report}");
    // Eight people make no block too big to compare whole.
    assert_eq!(report["oversized_blocks"], 0, "{report}");
    assert_eq!(
        report["in_windows"],
        json!({"candidates": 0, "found": 0}),
        "{report}"
    );
    assert_eq!(
        (report["found"].clone(), report["suggested"].clone()),
        (json!(2), json!(2)),
        "{report}"
    );

    let (_, list) = get(&t, &c, "/api/v1/merge-suggestions").await;
    let data = list["data"].as_array().expect("list");
    let mut pairs: Vec<(String, String)> = data
        .iter()
        .map(|s| {
            sorted(
                s["customer_a"].as_str().unwrap_or_default(),
                s["customer_b"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    pairs.sort();
    let mut expected = vec![
        sorted(&lucia, &lucia_typo),
        sorted(&javier, &javier_swapped),
    ];
    expected.sort();
    assert_eq!(pairs, expected, "{list}");
    for s in data {
        assert_eq!(s["reason"], "duplicate_score");
        let score = s["score"].as_f64().expect("score");
        assert!(score >= 0.95, "{s}");
        assert_eq!(s["evidence"]["score"].as_f64(), Some(score));
    }
    let texts = |id: &str| -> Vec<String> {
        data.iter()
            .find(|s| s["customer_a"] == id || s["customer_b"] == id)
            .and_then(|s| s["evidence"]["evidence"].as_array().cloned())
            .unwrap_or_default()
            .iter()
            .filter_map(|e| e["text"].as_str().map(str::to_owned))
            .collect()
    };
    let of_lucia = texts(&lucia);
    assert!(
        of_lucia.contains(&"same birthday: 1979-02-11".to_owned()),
        "{of_lucia:?}"
    );
    assert!(
        of_lucia
            .iter()
            .any(|l| l.starts_with("family names similar: ")),
        "{of_lucia:?}"
    );
    assert!(
        of_lucia
            .iter()
            .any(|l| l.starts_with("same e-mail user on another domain")),
        "{of_lucia:?}"
    );
    let of_javier = texts(&javier);
    assert!(
        of_javier.iter().any(|l| l.starts_with("names swapped: ")),
        "{of_javier:?}"
    );

    // A second scan finds the same pairs and raises nothing new.
    let (_, again) = post(&t, &c, "/api/v1/merge-suggestions:scan", json!({})).await;
    assert_eq!(
        (again["found"].clone(), again["suggested"].clone()),
        (json!(2), json!(0)),
        "{again}"
    );
    let (_, list) = get(&t, &c, "/api/v1/merge-suggestions").await;
    assert_eq!(list["data"].as_array().map(Vec::len), Some(2));
    // The scan that raised them is one audit entry with its counts; the second raised none.
    let (_, log) = get(&t, &c, "/api/v1/audit-log?entity_type=duplicate_scan").await;
    let scans = log["data"].as_array().expect("log");
    assert_eq!(scans.len(), 1, "{log}");
    assert_eq!(scans[0]["action"], "create");
    assert_eq!(scans[0]["changes"]["suggested"]["after"], 2, "{log}");
    assert_eq!(scans[0]["changes"]["customers"]["after"], 8, "{log}");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn only_admins_and_managers_may_run_a_scan(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    admin(&t).await;
    t.user("acme", "luis@acme.test", Role::Agent).await;
    let agent = t.bearer(&t.token("acme", "luis@acme.test", "read,write").await);
    let (s, out) = post(&t, &agent, "/api/v1/merge-suggestions:scan", json!({})).await;
    assert_eq!(s, 403, "{out}");
    t.user("acme", "marta@acme.test", Role::Manager).await;
    let manager = t.bearer(&t.token("acme", "marta@acme.test", "read,write").await);
    let (s, out) = post(&t, &manager, "/api/v1/merge-suggestions:scan", json!({})).await;
    assert_eq!(s, 200, "{out}");
    assert_eq!(out["customers"], 0);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn above_the_auto_merge_threshold_a_scan_merges_and_the_merge_can_be_undone(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let first = person(
        &t,
        &c,
        json!({"given_name": "Lucía", "family_name": "Fernández Ruiz",
        "emails": [{"value": "lucia.fernandez@correo.es"}],
        "addresses": [{"postal_code": "41001", "street": "Av. de la Constitución 10, 2º A"}],
        "birthday": "1979-02-11"}),
    )
    .await;
    let second = person(
        &t,
        &c,
        json!({"given_name": "Lucia", "family_name": "Fernandes Ruiz",
        "emails": [{"value": "lucia.fernandez@gmail.com"}],
        "addresses": [{"postal_code": "41001", "street": "Avenida Constitución 10"}],
        "birthday": "1979-02-11"}),
    )
    .await;
    // Off by default: the scan only suggests.
    let (_, report) = post(&t, &c, "/api/v1/merge-suggestions:scan", json!({})).await;
    assert_eq!(
        (report["suggested"].as_u64(), report["auto_merged"].as_u64()),
        (Some(1), Some(0)),
        "{report}"
    );
    let r = c
        .patch(t.url("/api/v1/settings/customers"))
        .json(&json!({"auto_merge_above": 0.95}))
        .send()
        .await
        .expect("settings");
    assert_eq!(r.status(), 200);
    let (_, report) = post(&t, &c, "/api/v1/merge-suggestions:scan", json!({})).await;
    assert_eq!(report["auto_merged"], 1, "{report}");
    // The older customer survives with the other's e-mail; the newer is gone.
    let (s, survivor) = get(&t, &c, &format!("/api/v1/customers/{first}")).await;
    assert_eq!(s, 200);
    let emails: Vec<&str> = survivor["emails"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["normalized"].as_str())
        .collect();
    assert!(emails.contains(&"lucia.fernandez@gmail.com"), "{survivor}");
    let (s, _) = get(&t, &c, &format!("/api/v1/customers/{second}")).await;
    assert_eq!(s, 404);
    let (_, audit) = get(&t, &c, &format!("/api/v1/audit-log?entity_id={first}")).await;
    let merge_id = audit["data"]
        .as_array()
        .into_iter()
        .flatten()
        .find_map(|e| e["changes"]["merged"]["after"]["merge"].as_str())
        .unwrap_or_else(|| panic!("the merge is in the survivor's audit: {audit}"))
        .to_owned();
    let (s, out) = post(
        &t,
        &c,
        &format!("/api/v1/merges/{merge_id}/undo"),
        json!({}),
    )
    .await;
    assert_eq!(s, 200, "{out}");
    let (s, _) = get(&t, &c, &format!("/api/v1/customers/{second}")).await;
    assert_eq!(s, 200, "undone: both are back");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[tokio::test]
async fn the_settings_page_sets_and_clears_the_auto_merge_threshold(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let (ui, csrf) = t.login("ana@acme.test").await;
    let page = ui
        .get(t.url("/settings/customers"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("body");
    assert!(page.contains(r#"name="auto_merge_above""#), "{page}");
    let send = |value: &'static str| {
        ui.post(t.url("/settings/customers"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("stages", "prospect\nlead\ncustomer\ninactive"),
                ("default_country", "ES"),
                ("attach_new_keys", "true"),
                ("auto_merge_above", value),
            ])
            .send()
    };
    assert_eq!(
        send("0,97").await.expect("form").status(),
        303,
        "a Spanish decimal comma is read"
    );
    let (_, s) = get(&t, &c, "/api/v1/settings/customers").await;
    assert_eq!(s["auto_merge_above"], 0.97, "{s}");
    let r = send("casi").await.expect("form");
    assert_eq!(r.status(), 422);
    let (_, s) = get(&t, &c, "/api/v1/settings/customers").await;
    assert_eq!(s["auto_merge_above"], 0.97, "a bad value changes nothing");
    assert_eq!(
        send("0.2").await.expect("form").status(),
        422,
        "below 0.5 is refused"
    );
    assert_eq!(send("").await.expect("form").status(), 303);
    let (_, s) = get(&t, &c, "/api/v1/settings/customers").await;
    assert_eq!(s["auto_merge_above"], Value::Null, "blank turns it off");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[tokio::test]
async fn the_duplicates_page_runs_a_scan_and_explains_each_suggestion_field_by_field(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    for body in [
        json!({"given_name": "Lucía", "family_name": "Fernández Ruiz", "birthday": "1979-02-11",
               "emails": [{"value": "lucia.fernandez@correo.es"}],
               "addresses": [{"postal_code": "41001", "street": "Av. de la Constitución 10"}]}),
        json!({"given_name": "Lucia", "family_name": "Fernandes Ruiz", "birthday": "1979-02-11",
               "emails": [{"value": "lucia.fernandez@gmail.com"}],
               "addresses": [{"postal_code": "41001", "street": "Avenida Constitución 10"}]}),
    ] {
        person(&t, &c, body).await;
    }
    let (ui, csrf) = t.login("ana@acme.test").await;
    let r = ui
        .post(t.url("/customers/duplicates/scan"))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .expect("scan");
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"]
        .to_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(to, "/customers/duplicates?suggested=1&merged=0");
    let html = ui
        .get(t.url(&to))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(html.contains("Search done. New suggestions: 1."), "{html}");
    assert!(html.contains("Similar records · 99."), "{html}");
    assert!(
        html.contains("<strong>Family name</strong>: similar — Fernández Ruiz / Fernandes Ruiz"),
        "{html}"
    );
    assert!(
        html.contains("<strong>Birthday</strong>: the same — 1979-02-11"),
        "{html}"
    );
    assert!(
        !html.contains("100.0 %"),
        "a score is never shown as certain: {html}"
    );

    // An agent sees the list but not the button, and cannot run a scan.
    t.user("acme", "luis@acme.test", Role::Agent).await;
    let (agent, csrf) = t.login("luis@acme.test").await;
    let html = agent
        .get(t.url("/customers/duplicates"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(!html.contains("/customers/duplicates/scan"), "{html}");
    let r = agent
        .post(t.url("/customers/duplicates/scan"))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .expect("scan");
    assert_eq!(r.status(), 403);
}
