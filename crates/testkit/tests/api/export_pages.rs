//! Exports read the list a page (500) at a time: a sort or filter on a custom field must hold
//! on every page, not only the first, on both backends.
use crate::json;
use rstest::rstest;
use serde_json::json;
use vinculo_domain::auth::Role;
use vinculo_testkit::{Backend, TestApp};

const PEOPLE: usize = 1_200;

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn an_export_sorted_and_filtered_by_a_custom_field_runs_past_its_first_page(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    t.user("acme", "ana@acme.test", Role::Admin).await;
    let c = t.bearer(&t.token("acme", "ana@acme.test", "read,write").await);
    let r = c
        .post(t.url("/api/v1/settings/custom-fields"))
        .json(&json!({"label": "Puntos", "field_type": "number"}))
        .send()
        .await
        .expect("field");
    assert_eq!(r.status(), 201);
    // Points repeat (i % 700), so the sort has ties; every tenth person has none.
    let mut csv = String::from("First Name,Email,Puntos\n");
    for i in 0..PEOPLE {
        let points = if i % 10 == 0 {
            String::new()
        } else {
            (i % 700).to_string()
        };
        csv.push_str(&format!("P{i},p{i}@example.test,{points}\n"));
    }
    let r = c
        .post(t.url("/api/v1/customers/import"))
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .expect("import");
    let report = json(r).await;
    assert_eq!(report["counts"]["created"], PEOPLE as u64, "{report}");
    let export = |q: &'static str| {
        let (c, url) = (
            c.clone(),
            t.url(&format!("/api/v1/customers/export?format=csv&{q}")),
        );
        async move {
            let r = c.get(url).send().await.expect("export");
            assert_eq!(r.status(), 200, "{q}");
            let body = r.text().await.expect("a whole CSV");
            let mut rows = csv::Reader::from_reader(body.as_bytes());
            let headers = rows.headers().expect("header").clone();
            let col = headers
                .iter()
                .position(|h| h == "puntos")
                .expect("puntos column");
            rows.records()
                .map(|r| r.expect("row").get(col).unwrap_or_default().to_owned())
                .collect::<Vec<String>>()
        }
    };
    let sorted = export("sort=-cf.puntos").await;
    assert_eq!(sorted.len(), PEOPLE, "every person once");
    let (with, without): (Vec<&String>, Vec<&String>) = sorted.iter().partition(|p| !p.is_empty());
    assert_eq!(without.len(), PEOPLE / 10);
    assert!(
        sorted.iter().skip(with.len()).all(String::is_empty),
        "people without points come last"
    );
    let values: Vec<f64> = with.iter().map(|p| p.parse().expect("a number")).collect();
    assert!(values.windows(2).all(|w| w[0] >= w[1]), "descending");
    let some = export("cf.puntos.min=100&sort=cf.puntos").await;
    let expected = (0..PEOPLE)
        .filter(|i| i % 10 != 0 && i % 700 >= 100)
        .count();
    assert_eq!(some.len(), expected);
}
