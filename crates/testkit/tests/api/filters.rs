//! The list's further filters on both backends: oldest first, current consent (the latest
//! entry of the ledger, `unknown` when there is none), creation dates, and the same filters
//! on exports; bad values are 422 naming the parameter.
use crate::json;
use rstest::rstest;
use serde_json::{json, Value};
use vinculo_domain::auth::Role;
use vinculo_testkit::{Backend, TestApp};

async fn names(c: &reqwest::Client, url: String) -> Vec<String> {
    let page: Value = json(c.get(url).send().await.expect("list")).await;
    page["data"]
        .as_array()
        .unwrap_or_else(|| panic!("{page}"))
        .iter()
        .map(|p| p["display_name"].as_str().expect("name").to_owned())
        .collect()
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn lists_filter_by_consent_and_dates_and_sort_oldest_first(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    t.user("acme", "ana@acme.test", Role::Admin).await;
    let c = t.bearer(&t.token("acme", "ana@acme.test", "read,write").await);
    let mut ids = Vec::new();
    for name in ["Ana", "Bea", "Carla"] {
        let r = c
            .post(t.url("/api/v1/customers"))
            .json(&json!({"given_name": name}))
            .send()
            .await
            .expect("create");
        ids.push(json(r).await["id"].as_str().expect("id").to_owned());
    }
    let consent = |id: &str, state: &'static str| {
        let (c, url) = (
            c.clone(),
            t.url(&format!("/api/v1/customers/{id}/consents")),
        );
        async move {
            let r = c
                .post(url)
                .json(&json!({"channel": "email", "purpose": "marketing", "state": state}))
                .send()
                .await
                .expect("consent");
            assert_eq!(r.status(), 201);
        }
    };
    consent(&ids[1], "opted_in").await;
    consent(&ids[2], "opted_in").await;
    consent(&ids[2], "opted_out").await;
    let list = |q: &str| t.url(&format!("/api/v1/customers?{q}"));
    assert_eq!(names(&c, list("")).await, ["Carla", "Bea", "Ana"]);
    assert_eq!(
        names(&c, list("sort=oldest")).await,
        ["Ana", "Bea", "Carla"]
    );
    let page = json(
        c.get(list("sort=oldest&limit=2"))
            .send()
            .await
            .expect("page"),
    )
    .await;
    let next = page["next_cursor"].as_str().expect("cursor");
    assert_eq!(
        names(&c, list(&format!("sort=oldest&limit=2&cursor={next}"))).await,
        ["Carla"],
        "the cursor continues in the same order"
    );
    assert_eq!(
        names(&c, list("consent=email:marketing")).await,
        ["Bea"],
        "the latest entry counts"
    );
    assert_eq!(
        names(&c, list("consent=email:marketing:opted_out")).await,
        ["Carla"]
    );
    assert_eq!(
        names(&c, list("consent=email:marketing:unknown")).await,
        ["Ana"],
        "no entry is unknown"
    );
    let today = time::OffsetDateTime::now_utc().date();
    let tomorrow = today.next_day().expect("date");
    assert_eq!(
        names(&c, list(&format!("created_until={today}")))
            .await
            .len(),
        3
    );
    assert!(names(&c, list(&format!("created_from={tomorrow}")))
        .await
        .is_empty());
    assert_eq!(
        names(
            &c,
            list(&format!("updated_from={today}&consent=email:marketing"))
        )
        .await,
        ["Bea"]
    );
    for (q, field) in [
        ("created_from=ayer", "created_from"),
        ("consent=email", "consent"),
        ("consent=fax:marketing", "consent"),
        ("sort=surname", "sort"),
    ] {
        let r = c.get(list(q)).send().await.expect("bad");
        assert_eq!(r.status(), 422, "{q}");
        let p = json(r).await;
        assert_eq!(p["errors"][0]["field"], field, "{q}: {p}");
    }
    let csv = c
        .get(t.url("/api/v1/customers/export?format=csv&consent=email:marketing"))
        .send()
        .await
        .expect("export")
        .text()
        .await
        .expect("body");
    assert_eq!(csv.lines().count(), 2, "header and Bea: {csv}");
    assert!(csv.contains(",Bea,"), "{csv}");
}
