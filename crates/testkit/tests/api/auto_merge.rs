//! Automatic merging of the duplicate finder's surest suggestions: off by default, on above a
//! probability an admin sets, and undoable like any merge. On both backends.
use crate::interactions::{admin, get, post};
use rstest::rstest;
use serde_json::json;
use vinculo_domain::ids::CustomerId;
use vinculo_testkit::{Backend, TestApp};

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn duplicates_scored_above_the_threshold_merge_on_their_own_and_only_once_it_is_set(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let mut ids = Vec::new();
    for name in ["Ana", "Ana M.", "Luis", "Luisa"] {
        let (s, v) = post(&t, &c, "/api/v1/customers", json!({"given_name": name})).await;
        assert_eq!(s, 201, "{v}");
        ids.push(CustomerId(
            v["id"].as_str().expect("id").parse().expect("uuid"),
        ));
    }
    let actor = t.principal("acme", "ana@acme.test").await;
    let mut tx = t.db.begin().await.expect("tx");
    for (pair, score) in [((ids[1], ids[0]), 0.97), ((ids[2], ids[3]), 0.7)] {
        vinculo_store::interactions::suggest_merge(
            &mut tx,
            actor.workspace_id,
            pair,
            "duplicate_score",
            json!({"score": score}),
            time::OffsetDateTime::now_utc(),
        )
        .await
        .expect("suggest");
    }
    tx.commit().await.expect("commit");

    let none = vinculo_app::customers::auto_merge(&t.app, &actor)
        .await
        .expect("run");
    assert!(none.is_empty(), "off by default");
    let settings = t.url("/api/v1/settings/customers");
    let r = c
        .patch(&settings)
        .json(&json!({"auto_merge_above": 0.4}))
        .send()
        .await
        .expect("patch");
    assert_eq!(r.status(), 422);
    let r = c
        .patch(&settings)
        .json(&json!({"auto_merge_above": 0.9}))
        .send()
        .await
        .expect("patch");
    assert_eq!(r.status(), 200);

    let done = vinculo_app::customers::auto_merge(&t.app, &actor)
        .await
        .expect("run");
    assert_eq!(done.len(), 1);
    assert_eq!(
        (done[0].survivor, done[0].losers.clone()),
        (ids[0], vec![ids[1]]),
        "the older survives"
    );
    let (s, _) = get(&t, &c, &format!("/api/v1/customers/{}", ids[1])).await;
    assert_eq!(s, 404);
    let (_, open) = get(&t, &c, "/api/v1/merge-suggestions").await;
    assert_eq!(
        open["data"].as_array().map(Vec::len),
        Some(1),
        "the unsure pair waits for a person"
    );
    let (s, v) = post(
        &t,
        &c,
        &format!("/api/v1/merges/{}/undo", done[0].id),
        json!({}),
    )
    .await;
    assert_eq!(s, 200, "{v}");

    let r = c
        .patch(&settings)
        .json(&json!({"auto_merge_above": null}))
        .send()
        .await
        .expect("patch");
    assert_eq!(r.status(), 200);
    let (_, now) = get(&t, &c, "/api/v1/settings/customers").await;
    assert_eq!(now["auto_merge_above"], json!(null));
    let again = vinculo_app::customers::auto_merge(&t.app, &actor)
        .await
        .expect("run");
    assert!(again.is_empty(), "off again");
}
