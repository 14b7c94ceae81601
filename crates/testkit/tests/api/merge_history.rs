//! The history of merges (`GET /api/v1/merges`, `/customers/merges`): every merge newest
//! first, or one customer's as survivor or as merged away; undone ones stay, marked; the
//! survivor's page keeps the undo in reach; nothing crosses workspaces. On both backends.
use crate::interactions::{admin, get, post};
use rstest::rstest;
use serde_json::{json, Value};
use vinculo_domain::auth::Role;
use vinculo_testkit::{Backend, TestApp};

async fn person(t: &TestApp, c: &reqwest::Client, name: &str, email: &str) -> String {
    let (s, v) = post(
        t,
        c,
        "/api/v1/customers",
        json!({"given_name": name, "emails": [{"value": email}]}),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    v["id"].as_str().expect("id").to_owned()
}

async fn merge(t: &TestApp, c: &reqwest::Client, survivor: &str, losers: &[&str]) -> String {
    let (s, v) = post(
        t,
        c,
        "/api/v1/customers:merge",
        json!({"survivor": survivor, "merge": losers}),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    v["id"].as_str().expect("id").to_owned()
}

/// A page's status and HTML.
async fn page(t: &TestApp, client: &reqwest::Client, path: String) -> (u16, String) {
    let r = client.get(t.url(&path)).send().await.expect("page");
    (r.status().as_u16(), r.text().await.expect("html"))
}

/// The ids of a list's merges, and their statuses, in order.
fn listed(v: &Value) -> Vec<(String, String)> {
    v["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|m| {
            (
                m["id"].as_str().unwrap_or_default().to_owned(),
                m["status"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn merges_are_listed_newest_first_all_or_one_customers_and_undone_ones_stay(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let ana = person(&t, &c, "Ana", "ana@example.com").await;
    let ana2 = person(&t, &c, "Ana M.", "ana.m@example.com").await;
    let luis = person(&t, &c, "Luis", "luis@example.com").await;
    let luis2 = person(&t, &c, "Luis P.", "luis.p@example.com").await;
    let luis3 = person(&t, &c, "L. Pérez", "lperez@example.com").await;
    let first = merge(&t, &c, &ana, &[&ana2]).await;
    let second = merge(&t, &c, &luis, &[&luis2, &luis3]).await;

    let (s, all) = get(&t, &c, "/api/v1/merges").await;
    assert_eq!(s, 200, "{all}");
    assert_eq!(
        listed(&all),
        vec![
            (second.clone(), "merged".to_owned()),
            (first.clone(), "merged".to_owned())
        ]
    );
    assert_eq!(all["data"][0]["survivor"], luis.as_str());
    assert_eq!(all["data"][0]["merged"], json!([luis2, luis3]));
    assert!(all["next_cursor"].is_null(), "{all}");

    // Pages of one, by cursor.
    let (_, one) = get(&t, &c, "/api/v1/merges?limit=1").await;
    assert_eq!(listed(&one), vec![(second.clone(), "merged".to_owned())]);
    let cursor = one["next_cursor"].as_str().expect("a next page").to_owned();
    let (_, two) = get(&t, &c, &format!("/api/v1/merges?limit=1&cursor={cursor}")).await;
    assert_eq!(listed(&two), vec![(first.clone(), "merged".to_owned())]);

    // One customer's: as the one that stayed, or as one merged into it.
    for (who, expected) in [(&luis, &second), (&luis3, &second), (&ana2, &first)] {
        let (s, mine) = get(&t, &c, &format!("/api/v1/merges?customer={who}")).await;
        assert_eq!(s, 200, "{mine}");
        assert_eq!(listed(&mine), vec![(expected.clone(), "merged".to_owned())]);
    }

    // Undone, it stays in the history, marked, for both of its customers.
    let (s, undone) = post(&t, &c, &format!("/api/v1/merges/{first}/undo"), json!({})).await;
    assert_eq!(s, 200, "{undone}");
    for who in [&ana, &ana2] {
        let (_, mine) = get(&t, &c, &format!("/api/v1/merges?customer={who}")).await;
        assert_eq!(listed(&mine), vec![(first.clone(), "undone".to_owned())]);
        assert!(mine["data"][0]["undone_at"].is_string(), "{mine}");
    }

    // Bad input names the field; another workspace sees none of it.
    let (s, bad) = get(&t, &c, "/api/v1/merges?customer=nope").await;
    assert_eq!(s, 422, "{bad}");
    assert_eq!(bad["errors"][0]["field"], "customer", "{bad}");
    let (s, bad) = get(&t, &c, "/api/v1/merges?cursor=nope").await;
    assert_eq!(s, 422, "{bad}");
    t.user("other", "eve@other.test", Role::Admin).await;
    let other = t.bearer(&t.token("other", "eve@other.test", "read,write").await);
    let (s, theirs) = get(&t, &other, "/api/v1/merges").await;
    assert_eq!((s, listed(&theirs)), (200, vec![]));
    let (_, theirs) = get(&t, &other, &format!("/api/v1/merges?customer={luis}")).await;
    assert_eq!(listed(&theirs), vec![]);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn the_history_page_and_the_survivors_page_keep_the_undo_in_reach_of_those_who_may(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let rosa = person(&t, &c, "Rosa", "rosa@example.com").await;
    let rosa2 = person(&t, &c, "Rosa D.", "rosa.d@example.com").await;
    let id = merge(&t, &c, &rosa, &[&rosa2]).await;

    t.user("acme", "luis@acme.test", Role::Manager).await;
    let (manager, _) = t.login("luis@acme.test").await;
    let undo = format!("action=\"/merges/{id}/undo\"");
    let (s, html) = page(&t, &manager, "/customers/merges".into()).await;
    assert_eq!(s, 200);
    assert!(html.contains("<h1>Merge history</h1>"), "{html}");
    // The merged-away customer by the name the merge kept, and the one that stayed.
    assert!(
        html.contains("<strong>Rosa D.</strong> → <a href"),
        "{html}"
    );
    assert!(html.contains(&undo), "{html}");
    // Later, on the survivor's page: a quiet line with the undo and the way to the history.
    let (s, html) = page(&t, &manager, format!("/customers/{rosa}")).await;
    assert_eq!(s, 200);
    assert!(html.contains(&undo), "{html}");
    assert!(
        html.contains(&format!("/customers/merges?customer={rosa}")),
        "{html}"
    );

    // An agent reads the history but may not undo.
    t.user("acme", "carmen@acme.test", Role::Agent).await;
    let (agent, _) = t.login("carmen@acme.test").await;
    let (s, html) = page(&t, &agent, "/customers/merges".into()).await;
    assert_eq!(s, 200);
    assert!(html.contains("Rosa D."), "{html}");
    assert!(!html.contains(&undo), "{html}");
    let (_, html) = page(&t, &agent, format!("/customers/{rosa}")).await;
    assert!(!html.contains(&undo), "{html}");

    // Undone, it reads "Undone" and offers nothing more.
    let (s, _) = post(&t, &c, &format!("/api/v1/merges/{id}/undo"), json!({})).await;
    assert_eq!(s, 200);
    let (_, html) = page(&t, &manager, format!("/customers/merges?customer={rosa2}")).await;
    assert!(html.contains("Undone"), "{html}");
    assert!(
        html.contains("Rosa D."),
        "the merged-away customer is back, by name: {html}"
    );
    assert!(!html.contains(&undo), "{html}");

    // An agent may compare the two, but the merge is for admins and managers.
    let compare = format!("/customers/merge?ids={rosa},{rosa2}");
    let (s, html) = page(&t, &agent, compare.clone()).await;
    assert_eq!(s, 200);
    assert!(html.contains("Only admins and managers merge"), "{html}");
    assert!(!html.contains(">Merge</button>"), "{html}");
    let (_, html) = page(&t, &manager, compare).await;
    assert!(html.contains(">Merge</button>"), "{html}");
}
