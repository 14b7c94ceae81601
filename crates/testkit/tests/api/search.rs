//! Search at a size where its plan changes: a word matched by more than 2,000 terms is
//! answered by walking its three-letter prefix list newest first (not by gathering every
//! match). Paging through the answer must give every match once, in order, on both backends.
use crate::json;
use rstest::rstest;
use serde_json::Value;
use std::collections::BTreeSet;
use vinculo_domain::auth::Role;
use vinculo_testkit::{Backend, TestApp};

const GIVEN: [&str; 3] = ["Ana", "Luis", "Marta"];
const FAMILY: [&str; 3] = ["García", "Garrido", "López"];
const ROWS: usize = 4_500;

/// People `i`: given and family names cycling at different rates, so every pairing occurs.
fn person(i: usize) -> (&'static str, &'static str) {
    (GIVEN[i % 3], FAMILY[(i / 3) % 3])
}

fn csv() -> String {
    let mut s = String::from("First Name,Last Name,Email\n");
    for i in 0..ROWS {
        let (g, f) = person(i);
        s.push_str(&format!("{g},{f},{}{i}@example.test\n", g.to_lowercase()));
    }
    s
}

/// Every page of `q`, 50 at a time: (names, ids) in the order given.
async fn walk(t: &TestApp, c: &reqwest::Client, q: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut url = format!("/api/v1/customers?{q}&limit=50");
        if let Some(cur) = &cursor {
            url.push_str(&format!("&cursor={cur}"));
        }
        let page: Value = json(c.get(t.url(&url)).send().await.expect("list")).await;
        let data = page["data"]
            .as_array()
            .unwrap_or_else(|| panic!("{q}: {page}"));
        for p in data {
            let name = p["display_name"].as_str().expect("name").to_owned();
            out.push((name, p["id"].as_str().expect("id").to_owned()));
        }
        match page["next_cursor"].as_str() {
            Some(n) => cursor = Some(n.to_owned()),
            None => return out,
        }
        assert!(out.len() <= ROWS, "{q}: the pages never end");
    }
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn common_words_walk_their_prefix_list_and_page_through_every_match_once(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    t.user("acme", "ana@acme.test", Role::Admin).await;
    let c = t.bearer(&t.token("acme", "ana@acme.test", "read,write").await);
    let r = c
        .post(t.url("/api/v1/customers/import"))
        .header("content-type", "text/csv")
        .body(csv())
        .send()
        .await
        .expect("import");
    assert_eq!(r.status(), 200);
    let report = json(r).await;
    assert_eq!(report["counts"]["created"], ROWS as u64, "{report}");
    let names = |keep: &dyn Fn(&str, &str) -> bool| -> usize {
        (0..ROWS)
            .filter(|i| {
                let (g, f) = person(*i);
                keep(g, f)
            })
            .count()
    };
    for (q, expected) in [
        // About 3,000 terms: walked in the "gar" list.
        ("q=gar", names(&|_, f| f.starts_with("Gar"))),
        ("q=garrido", names(&|_, f| f == "Garrido")),
        // Both words common (an Ana has "ana" and "ana12" as terms): the "ana" list is
        // walked, "gar" probed for each.
        (
            "q=ana%20gar",
            names(&|g, f| g == "Ana" && f.starts_with("Gar")),
        ),
        // SQLite merges the "ana" and "gar" lists; "garc" is checked on the shared ids, and
        // half of them are Garrido: the page fills over several rounds.
        ("q=ana%20garc", names(&|g, f| g == "Ana" && f == "García")),
        (
            "q=gar%20ana&sort=oldest",
            names(&|g, f| g == "Ana" && f.starts_with("Gar")),
        ),
        ("q=GAR&sort=oldest", names(&|_, f| f.starts_with("Gar"))),
        // Rare enough to be gathered.
        ("q=marta4499", 1),
    ] {
        let found = walk(&t, &c, q).await;
        assert_eq!(found.len(), expected, "{q}");
        let ids: Vec<&String> = found.iter().map(|(_, id)| id).collect();
        let distinct: BTreeSet<&String> = ids.iter().copied().collect();
        assert_eq!(distinct.len(), ids.len(), "{q}: a customer came twice");
        let mut ordered = ids.clone();
        if q.contains("oldest") {
            ordered.sort();
        } else {
            ordered.sort_by(|a, b| b.cmp(a));
        }
        assert_eq!(ids, ordered, "{q}: out of order");
        let first = &found[0].0;
        assert!(
            first.contains("Gar") || q == "q=marta4499",
            "{q}: {first} does not match"
        );
    }
    // Short words are counted too: one nobody has is gathered (nothing to walk through), a
    // common one is probed along the list's order.
    assert!(walk(&t, &c, "q=zq").await.is_empty());
    assert!(walk(&t, &c, "q=zq&sort=name").await.is_empty());
    assert_eq!(
        walk(&t, &c, "q=ma&sort=name").await.len(),
        names(&|g, _| g == "Marta")
    );
    // Sorted by name, a common word is gathered and sorted: every match once, in name order.
    let by_name = walk(&t, &c, "q=gar&sort=name").await;
    assert_eq!(by_name.len(), names(&|_, f| f.starts_with("Gar")));
    let distinct: BTreeSet<&String> = by_name.iter().map(|(_, id)| id).collect();
    assert_eq!(distinct.len(), by_name.len(), "a customer came twice");
    let folded: Vec<String> = by_name
        .iter()
        .map(|(n, _)| n.to_lowercase().replace('í', "i"))
        .collect();
    assert!(folded.windows(2).all(|w| w[0] <= w[1]), "in name order");
}
