//! Organisations: normalised domains and tax ids, domain conflicts and merges, the people
//! linked to them (and found by their name), erasure, workspace boundaries, and the
//! workspace's customer settings, on both backends.
use crate::json;
use rstest::rstest;
use serde_json::{json, Value};
use vinculo_domain::auth::Role;
use vinculo_testkit::{Backend, TestApp};

async fn admin(t: &TestApp) -> reqwest::Client {
    t.user("acme", "ana@acme.test", Role::Admin).await;
    t.bearer(&t.token("acme", "ana@acme.test", "read,write").await)
}

/// POSTs `body` to `/api/v1{path}`; returns the status and the JSON answer.
async fn post(t: &TestApp, c: &reqwest::Client, path: &str, body: Value) -> (u16, Value) {
    let r = c
        .post(t.url(&format!("/api/v1{path}")))
        .json(&body)
        .send()
        .await
        .expect("post");
    (r.status().as_u16(), json(r).await)
}

/// PATCHes `url` with `body`; returns the status and the JSON answer.
async fn patch(c: &reqwest::Client, url: &str, body: Value) -> (u16, Value) {
    let r = c.patch(url).json(&body).send().await.expect("patch");
    (r.status().as_u16(), json(r).await)
}

/// Creates an organisation (which must succeed); returns it and its URL.
async fn organization(t: &TestApp, c: &reqwest::Client, body: Value) -> (Value, String) {
    let (status, o) = post(t, c, "/organizations", body).await;
    assert_eq!(status, 201, "{o}");
    let url = t.url(&format!("/api/v1/organizations/{}", id(&o)));
    (o, url)
}

/// Creates a person (which must succeed); returns them and their URL.
async fn person(t: &TestApp, c: &reqwest::Client, body: Value) -> (Value, String) {
    let (status, p) = post(t, c, "/customers", body).await;
    assert_eq!(status, 201, "{p}");
    let url = t.url(&format!("/api/v1/customers/{}", id(&p)));
    (p, url)
}

fn id(v: &Value) -> &str {
    v["id"].as_str().expect("id")
}

/// The fields of a 422 answer, in order.
fn fields(p: &Value) -> Vec<&str> {
    p["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no errors in {p}"))
        .iter()
        .map(|e| e["field"].as_str().expect("field"))
        .collect()
}

/// The display names of a list page at `/api/v1{path}`, in the order given.
async fn names(t: &TestApp, c: &reqwest::Client, path: &str, q: &[(&str, &str)]) -> Vec<String> {
    let page = json(
        c.get(t.url(&format!("/api/v1{path}")))
            .query(q)
            .send()
            .await
            .expect("list"),
    )
    .await;
    page["data"]
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {page}"))
        .iter()
        .map(|p| p["display_name"].as_str().expect("name").to_owned())
        .collect()
}

/// The display names `/api/v1{path}?q={q}` finds.
async fn search(t: &TestApp, c: &reqwest::Client, path: &str, q: &str) -> Vec<String> {
    names(t, c, path, &[("q", q)]).await
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn an_organisation_is_stored_with_normalised_domains_and_tax_id(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let (o, url) = organization(&t, &c, json!({
        "name": " Acme Ibérica S.L. ", "domains": ["https://www.Acme.es/x", "ACME-shop.com"],
        "tax_id": "b 12.345.678", "industry": "Retail", "size": "50-249",
        "emails": [{"value": "Info@Acme.es", "label": "general", "primary": true}],
        "phones": [{"value": "91 123 45 67"}], "external_ids": ["erp:O-7"],
        "addresses": [{"label": "sede", "street": "Calle Mayor 5", "city": "Madrid", "postal_code": "28013", "country": "es", "primary": true}],
        "language": "es", "timezone": "Europe/Madrid", "tags": ["Key"], "notes": "big account",
    }))
    .await;
    assert_eq!(o["kind"], "organization");
    assert_eq!(o["display_name"], "Acme Ibérica S.L.");
    assert_eq!(o["domains"], json!(["acme.es", "acme-shop.com"]));
    assert_eq!(o["tax_id"], "B12345678");
    assert_eq!(o["size"], "50-249");
    assert_eq!(o["industry"], "Retail");
    assert_eq!(o["lifecycle_stage"], "prospect");
    assert_eq!(o["emails"][0]["normalized"], "info@acme.es");
    assert_eq!(o["phones"][0]["normalized"], "+34911234567");
    assert_eq!(o["addresses"][0]["city"], "Madrid");
    assert_eq!(o["addresses"][0]["country"], "ES");
    assert_eq!(o["addresses"][0]["primary"], true);
    assert_eq!(o["organizations"], json!([]));
    assert_eq!(o["given_name"], Value::Null);
    assert_eq!(json(c.get(&url).send().await.expect("get")).await, o);
    let as_person = t.url(&format!("/api/v1/customers/{}", id(&o)));
    assert_eq!(
        c.get(&as_person).send().await.expect("get").status(),
        404,
        "an organisation is not a person"
    );
    let (p, _) = person(&t, &c, json!({"given_name": "Luis"})).await;
    let as_org = t.url(&format!("/api/v1/organizations/{}", id(&p)));
    assert_eq!(c.get(&as_org).send().await.expect("get").status(), 404);
    assert_eq!(names(&t, &c, "/customers", &[]).await, vec!["Luis"]);
    assert_eq!(
        names(&t, &c, "/organizations", &[]).await,
        vec!["Acme Ibérica S.L."]
    );
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn every_invalid_field_of_an_organisation_is_reported_and_nothing_is_stored(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let (status, p) = post(
        &t,
        &c,
        "/organizations",
        json!({
            "domains": ["acme.es", "not a domain"], "size": "huge",
            "addresses": [{"city": "Madrid", "country": "Spain"}],
        }),
    )
    .await;
    assert_eq!(status, 422, "{p}");
    assert_eq!(
        fields(&p),
        vec!["name", "domains[1]", "size", "addresses[0].country"]
    );
    assert!(names(&t, &c, "/organizations", &[]).await.is_empty());
    let (status, _) = post(
        &t,
        &c,
        "/organizations",
        json!({"name": "A", "given_name": "x"}),
    )
    .await;
    assert_eq!(status, 422, "unknown fields are refused");
    let (_, url) = organization(&t, &c, json!({"name": "Acme"})).await;
    let (status, p) = patch(&c, &url, json!({"size": "11-50"})).await;
    assert_eq!(status, 422);
    assert_eq!(fields(&p), vec!["size"]);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_domain_belongs_to_one_organisation_so_a_second_is_a_conflict_or_a_merge(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let (first, _) = organization(&t, &c, json!({"name": "Acme", "domains": ["acme.es"]})).await;
    for spelling in ["ACME.es", "https://www.acme.es/contacto", "www.Acme.ES"] {
        let (status, p) = post(
            &t,
            &c,
            "/organizations",
            json!({"name": "Acme bis", "domains": [spelling]}),
        )
        .await;
        assert_eq!(status, 409, "{spelling}: {p}");
        assert_eq!(p["code"], "identity_conflict", "{p}");
        assert_eq!(p["conflicts"][0]["customer_id"], id(&first), "{p}");
    }
    let (status, merged) = post(
        &t,
        &c,
        "/organizations?on_conflict=merge",
        json!({
            "name": "Acme", "domains": ["https://acme.es"], "industry": "Retail", "size": "10-49",
        }),
    )
    .await;
    assert_eq!(status, 200, "a merge updates the owner: {merged}");
    assert_eq!(merged["id"], id(&first));
    assert_eq!(merged["industry"], "Retail");
    assert_eq!(merged["size"], "10-49");
    assert_eq!(merged["domains"], json!(["acme.es"]));
    assert_eq!(
        names(&t, &c, "/organizations", &[]).await.len(),
        1,
        "no duplicate was created"
    );
    let (other, url) =
        organization(&t, &c, json!({"name": "Globex", "domains": ["globex.com"]})).await;
    let (status, p) = patch(&c, &url, json!({"domains": ["globex.com", "Acme.es"]})).await;
    assert_eq!(status, 409, "taking another organisation's domain: {p}");
    assert_eq!(p["conflicts"][0]["customer_id"], id(&first));
    assert_eq!(json(c.get(&url).send().await.expect("get")).await, other);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn organisations_are_found_by_name_domain_or_tax_id_and_filtered(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    organization(&t, &c, json!({"name": "Ferretería Núñez", "domains": ["ferreterianunez.es"], "tax_id": "B-12345678", "tags": ["VIP"]})).await;
    organization(&t, &c, json!({"name": "Globex Corporation", "domains": ["globex.com"], "lifecycle_stage": "customer"})).await;
    person(
        &t,
        &c,
        json!({"given_name": "Fernando", "emails": [{"value": "fer@ferreterianunez.es"}]}),
    )
    .await;
    assert_eq!(
        search(&t, &c, "/organizations", "ferreteria").await,
        vec!["Ferretería Núñez"]
    );
    assert_eq!(
        search(&t, &c, "/organizations", "NUÑ").await,
        vec!["Ferretería Núñez"],
        "name prefix, any case"
    );
    assert_eq!(
        search(&t, &c, "/organizations", "ferreterianunez.es").await,
        vec!["Ferretería Núñez"]
    );
    assert_eq!(
        search(&t, &c, "/organizations", "b-12345678").await,
        vec!["Ferretería Núñez"],
        "tax id"
    );
    assert_eq!(
        search(&t, &c, "/organizations", "globex.com").await,
        vec!["Globex Corporation"]
    );
    assert_eq!(
        search(&t, &c, "/organizations", "corp").await,
        vec!["Globex Corporation"]
    );
    assert!(
        search(&t, &c, "/organizations", "fernando")
            .await
            .is_empty(),
        "people are not organisations"
    );
    assert!(search(&t, &c, "/organizations", "initech").await.is_empty());
    assert_eq!(
        names(&t, &c, "/organizations", &[("tag", "VIP")]).await,
        vec!["Ferretería Núñez"]
    );
    assert_eq!(
        names(&t, &c, "/organizations", &[("lifecycle_stage", "customer")]).await,
        vec!["Globex Corporation"]
    );
    let page = json(
        c.get(t.url("/api/v1/organizations?limit=1"))
            .send()
            .await
            .expect("list"),
    )
    .await;
    assert_eq!(
        page["data"][0]["display_name"], "Globex Corporation",
        "newest first"
    );
    let cursor = page["next_cursor"].as_str().expect("a next page");
    assert_eq!(
        names(
            &t,
            &c,
            "/organizations",
            &[("limit", "1"), ("cursor", cursor)]
        )
        .await,
        vec!["Ferretería Núñez"]
    );
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn people_link_to_organisations_with_a_title_and_are_listed_under_them(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let (acme, acme_url) = organization(&t, &c, json!({"name": "Acme"})).await;
    let (globex, _) = organization(&t, &c, json!({"name": "Globex"})).await;
    let (ana, ana_url) = person(
        &t,
        &c,
        json!({
            "given_name": "Ana", "organizations": [{"organization_id": id(&acme), "title": "CTO"}],
            "addresses": [{"street": "Calle Luna 2", "city": "Sevilla", "country": "ES"}],
        }),
    )
    .await;
    assert_eq!(
        ana["organizations"],
        json!([{"organization_id": id(&acme), "name": "Acme", "title": "CTO"}])
    );
    assert_eq!(ana["addresses"][0]["city"], "Sevilla");
    assert_eq!(
        ana["addresses"][0]["primary"], true,
        "a lone address is primary"
    );
    person(
        &t,
        &c,
        json!({"given_name": "Luis", "organizations": [{"organization_id": id(&acme)}]}),
    )
    .await;
    person(
        &t,
        &c,
        json!({"given_name": "Eva", "organizations": [{"organization_id": id(&globex)}]}),
    )
    .await;
    person(&t, &c, json!({"given_name": "Sin Empresa"})).await;
    let people = format!("{acme_url}/people");
    let under = json(c.get(&people).send().await.expect("people")).await;
    let listed: Vec<&str> = under["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|p| p["display_name"].as_str().expect("name"))
        .collect();
    assert_eq!(listed, vec!["Luis", "Ana"], "newest first");
    assert_eq!(
        names(&t, &c, "/customers", &[("organization", id(&acme))]).await,
        vec!["Luis", "Ana"]
    );
    assert_eq!(
        json(c.get(&acme_url).send().await.expect("get")).await["organizations"],
        json!([])
    );
    let (status, moved) = patch(
        &c,
        &ana_url,
        json!({"organizations": [{"organization_id": id(&globex), "title": "CEO"}]}),
    )
    .await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(
        moved["organizations"],
        json!([{"organization_id": id(&globex), "name": "Globex", "title": "CEO"}]),
        "a given list replaces the links"
    );
    assert_eq!(
        moved["addresses"][0]["city"], "Sevilla",
        "absent lists stay"
    );
    assert_eq!(
        names(&t, &c, "/customers", &[("organization", id(&acme))]).await,
        vec!["Luis"]
    );
    let (_, cleared) = patch(&c, &ana_url, json!({"organizations": [], "addresses": []})).await;
    assert_eq!(cleared["organizations"], json!([]));
    assert_eq!(cleared["addresses"], json!([]));
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_link_to_anything_but_an_organisation_of_the_workspace_is_a_field_error(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let (acme, _) = organization(&t, &c, json!({"name": "Acme"})).await;
    let (luis, luis_url) = person(&t, &c, json!({"given_name": "Luis"})).await;
    let unknown = "01900000-0000-7000-8000-000000000000";
    for bad in [id(&luis), unknown] {
        let (status, p) = post(
            &t,
            &c,
            "/customers",
            json!({"given_name": "Ana", "organizations": [{"organization_id": bad}]}),
        )
        .await;
        assert_eq!(status, 422, "{bad}: {p}");
        assert_eq!(fields(&p), vec!["organizations[0].organization_id"]);
    }
    let (status, p) = patch(
        &c,
        &luis_url,
        json!({"organizations": [{"organization_id": id(&acme)}, {"organization_id": unknown}]}),
    )
    .await;
    assert_eq!(status, 422, "{p}");
    assert_eq!(fields(&p), vec!["organizations[1].organization_id"]);
    let (status, p) = post(
        &t,
        &c,
        "/customers",
        json!({"given_name": "Ana", "organizations": [{"organization_id": "acme"}]}),
    )
    .await;
    assert_eq!(status, 422, "not a uuid: {p}");
    assert_eq!(
        names(&t, &c, "/customers", &[]).await,
        vec!["Luis"],
        "nothing was stored"
    );
    assert_eq!(
        json(c.get(&luis_url).send().await.expect("get")).await["organizations"],
        json!([])
    );
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn people_are_found_by_their_organisations_name_even_after_a_rename(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let (acme, url) = organization(&t, &c, json!({"name": "Acme Ibérica"})).await;
    person(&t, &c, json!({"given_name": "Ana", "family_name": "Ruiz", "organizations": [{"organization_id": id(&acme)}]})).await;
    person(&t, &c, json!({"given_name": "Luis"})).await;
    assert_eq!(search(&t, &c, "/customers", "acme").await, vec!["Ana Ruiz"]);
    assert_eq!(
        search(&t, &c, "/customers", "ana iberica").await,
        vec!["Ana Ruiz"],
        "words of both names"
    );
    let (status, renamed) = patch(&c, &url, json!({"name": "Zenith"})).await;
    assert_eq!(status, 200, "{renamed}");
    assert_eq!(renamed["display_name"], "Zenith");
    assert_eq!(
        search(&t, &c, "/customers", "zenith").await,
        vec!["Ana Ruiz"]
    );
    assert!(
        search(&t, &c, "/customers", "acme").await.is_empty(),
        "the old name is no longer found"
    );
    assert_eq!(
        names(&t, &c, "/organizations", &[("q", "zenith")]).await,
        vec!["Zenith"]
    );
    assert!(names(&t, &c, "/organizations", &[("q", "acme")])
        .await
        .is_empty());
    let page = json(
        c.get(t.url("/api/v1/customers?q=zenith"))
            .send()
            .await
            .expect("list"),
    )
    .await;
    assert_eq!(
        page["data"][0]["organizations"][0]["name"], "Zenith",
        "links show the current name"
    );
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn patching_an_organisation_replaces_given_lists_and_keeps_the_rest(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let (_, url) = organization(
        &t,
        &c,
        json!({
            "name": "Acme", "domains": ["acme.es", "acme.com"], "tax_id": "B12345678",
            "tags": ["a"], "phones": [{"value": "91 123 45 67"}],
            "addresses": [{"city": "Madrid"}, {"city": "Lima", "country": "PE", "primary": true}],
        }),
    )
    .await;
    let (status, o) = patch(&c, &url, json!({
        "domains": ["www.acme.org"], "tags": ["b"], "lifecycle_stage": "customer", "industry": "Logistics",
    }))
    .await;
    assert_eq!(status, 200, "{o}");
    assert_eq!(
        o["domains"],
        json!(["acme.org"]),
        "a given list replaces the stored one"
    );
    assert_eq!(o["tags"], json!(["b"]));
    assert_eq!(o["lifecycle_stage"], "customer");
    assert_eq!(o["industry"], "Logistics");
    assert_eq!(o["tax_id"], "B12345678", "absent fields stay");
    assert_eq!(
        o["phones"][0]["normalized"], "+34911234567",
        "absent lists stay"
    );
    assert_eq!(o["addresses"].as_array().map(Vec::len), Some(2));
    assert_eq!(o["addresses"][1]["primary"], true);
    let (_, freed) = post(
        &t,
        &c,
        "/organizations",
        json!({"name": "Other", "domains": ["acme.es"]}),
    )
    .await;
    assert_eq!(
        freed["domains"],
        json!(["acme.es"]),
        "a dropped domain is free again"
    );
    let (_, archived) = patch(&c, &url, json!({"archived": true})).await;
    assert_eq!(archived["archived"], true);
    assert_eq!(names(&t, &c, "/organizations", &[]).await, vec!["Other"]);
    assert_eq!(
        names(&t, &c, "/organizations", &[("archived", "true")])
            .await
            .len(),
        2
    );
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn erasing_an_organisation_keeps_its_people_unlinked_and_unsearchable_by_it(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    t.user("acme", "luis@acme.test", Role::Manager).await;
    let manager = t.bearer(&t.token("acme", "luis@acme.test", "read,write").await);
    let (acme, url) = organization(
        &t,
        &c,
        json!({"name": "Quetzal Logistics", "domains": ["quetzal.mx"]}),
    )
    .await;
    let (_, ana_url) = person(&t, &c, json!({"given_name": "Ana", "organizations": [{"organization_id": id(&acme), "title": "COO"}]})).await;
    assert_eq!(
        manager.delete(&url).send().await.expect("erase").status(),
        403,
        "only admins erase"
    );
    assert_eq!(c.delete(&url).send().await.expect("erase").status(), 204);
    assert_eq!(c.get(&url).send().await.expect("get").status(), 404);
    assert_eq!(
        c.get(format!("{url}/people"))
            .send()
            .await
            .expect("people")
            .status(),
        404
    );
    assert_eq!(c.delete(&url).send().await.expect("again").status(), 404);
    let ana = c.get(&ana_url).send().await.expect("get");
    assert_eq!(ana.status(), 200, "the people stay");
    assert_eq!(json(ana).await["organizations"], json!([]), "but unlinked");
    assert!(names(&t, &c, "/customers", &[("q", "quetzal")])
        .await
        .is_empty());
    assert_eq!(
        names(&t, &c, "/customers", &[("q", "ana")]).await,
        vec!["Ana"]
    );
    assert!(names(&t, &c, "/organizations", &[("q", "quetzal")])
        .await
        .is_empty());
    let (status, _) = post(
        &t,
        &c,
        "/organizations",
        json!({"name": "Quetzal", "domains": ["quetzal.mx"]}),
    )
    .await;
    assert_eq!(status, 201, "the erased domain is free again");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn organisations_stay_inside_their_workspace(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let a = admin(&t).await;
    t.user("globex", "bob@globex.test", Role::Admin).await;
    let b = t.bearer(&t.token("globex", "bob@globex.test", "read,write").await);
    let (theirs, url) = organization(
        &t,
        &a,
        json!({"name": "Secret Corp", "domains": ["secret.com"]}),
    )
    .await;
    person(
        &t,
        &a,
        json!({"given_name": "Insider", "organizations": [{"organization_id": id(&theirs)}]}),
    )
    .await;
    assert_eq!(b.get(&url).send().await.expect("get").status(), 404);
    assert_eq!(
        b.get(format!("{url}/people"))
            .send()
            .await
            .expect("people")
            .status(),
        404
    );
    let (status, _) = patch(&b, &url, json!({"name": "Hijacked"})).await;
    assert_eq!(status, 404);
    assert_eq!(b.delete(&url).send().await.expect("delete").status(), 404);
    let (status, p) = post(
        &t,
        &b,
        "/customers",
        json!({"given_name": "Spy", "organizations": [{"organization_id": id(&theirs)}]}),
    )
    .await;
    assert_eq!(status, 422, "B cannot link to A's organisation: {p}");
    assert_eq!(fields(&p), vec!["organizations[0].organization_id"]);
    let (status, _) = post(
        &t,
        &b,
        "/organizations",
        json!({"name": "Mine", "domains": ["secret.com"]}),
    )
    .await;
    assert_eq!(
        status, 201,
        "domains are unique per workspace, not across them"
    );
    assert_eq!(
        names(&t, &b, "/organizations", &[("q", "secret")]).await,
        vec!["Mine"]
    );
    assert!(names(&t, &b, "/customers", &[("q", "secret")])
        .await
        .is_empty());
    let still = json(a.get(&url).send().await.expect("get")).await;
    assert_eq!(still["display_name"], "Secret Corp");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn the_workspace_chooses_its_lifecycle_stages_and_the_country_of_its_phones(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let settings = t.url("/api/v1/settings/customers");
    let before = json(c.get(&settings).send().await.expect("get")).await;
    assert_eq!(before["default_country"], "ES", "{before}");
    assert_eq!(before["lifecycle_stages"][0], "prospect");
    let (status, s) = patch(
        &c,
        &settings,
        json!({"lifecycle_stages": ["nuevo", "cliente"]}),
    )
    .await;
    assert_eq!(status, 200, "{s}");
    assert_eq!(s["lifecycle_stages"], json!(["nuevo", "cliente"]));
    let (p, _) = person(&t, &c, json!({"given_name": "Ana"})).await;
    assert_eq!(
        p["lifecycle_stage"], "nuevo",
        "the first stage is a new customer's"
    );
    let (o, _) = organization(
        &t,
        &c,
        json!({"name": "Acme", "lifecycle_stage": "cliente"}),
    )
    .await;
    assert_eq!(o["lifecycle_stage"], "cliente");
    let (status, e) = post(
        &t,
        &c,
        "/customers",
        json!({"given_name": "Luis", "lifecycle_stage": "prospect"}),
    )
    .await;
    assert_eq!(status, 422, "{e}");
    assert_eq!(fields(&e), vec!["lifecycle_stage"]);
    let (status, e) = patch(&c, &settings, json!({"lifecycle_stages": ["cliente"]})).await;
    assert_eq!(status, 422, "a stage in use cannot be removed: {e}");
    assert_eq!(fields(&e), vec!["stages"]);
    assert!(
        e.to_string().contains("1 customers"),
        "names the count: {e}"
    );
    let (status, e) = patch(&c, &settings, json!({"default_country": "Mexico"})).await;
    assert_eq!(status, 422);
    assert_eq!(fields(&e), vec!["default_country"]);
    let (status, s) = patch(&c, &settings, json!({"default_country": "MX"})).await;
    assert_eq!(status, 200, "{s}");
    assert_eq!(s["default_country"], "MX");
    assert_eq!(
        s["lifecycle_stages"],
        json!(["nuevo", "cliente"]),
        "absent fields stay"
    );
    let (p, _) = person(&t, &c, json!({"phones": [{"value": "55 1234 5678"}]})).await;
    assert_eq!(p["phones"][0]["normalized"], "+525512345678");
    assert_eq!(json(c.get(&settings).send().await.expect("get")).await, s);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn only_admins_change_the_customer_settings(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    t.user("acme", "luis@acme.test", Role::Manager).await;
    let manager = t.bearer(&t.token("acme", "luis@acme.test", "read,write").await);
    let settings = t.url("/api/v1/settings/customers");
    let seen = manager.get(&settings).send().await.expect("get");
    assert_eq!(seen.status(), 200, "members read them");
    let (status, _) = patch(
        &manager,
        &settings,
        json!({"lifecycle_stages": ["x"], "default_country": "MX"}),
    )
    .await;
    assert_eq!(status, 403);
    let after = json(c.get(&settings).send().await.expect("get")).await;
    assert_eq!(after["default_country"], "ES", "nothing changed");
    assert_eq!(after["lifecycle_stages"][0], "prospect");
    let reader = t.bearer(&t.token("acme", "ana@acme.test", "customers:read").await);
    let (status, _) = patch(&reader, &settings, json!({"default_country": "MX"})).await;
    assert_eq!(status, 403, "a read-only token cannot change them");
}
