//! Views of the customer lists on both backends: filters and sorts by custom fields (and by
//! name and update), cursors that walk every customer once in that order, the CSV export's
//! custom field columns, and saved views (their author's, or shared by managers and admins).
use crate::json;
use crate::member::Member;
use rstest::rstest;
use serde_json::{json, Value};
use vinculo_domain::auth::Role;
use vinculo_testkit::{Backend, TestApp};

/// `/api/v1` as one member of a workspace.
struct Api<'a>(Member<'a>);

impl<'a> std::ops::Deref for Api<'a> {
    type Target = Member<'a>;

    fn deref(&self) -> &Member<'a> {
        &self.0
    }
}

async fn api<'a>(t: &'a TestApp, workspace: &str, email: &str, role: Role) -> Api<'a> {
    Api(Member::join(t, workspace, email, role).await)
}

/// Ana, admin of `acme`, Luis, its manager, and Sara, its sales rep.
async fn team(t: &TestApp) -> (Api<'_>, Api<'_>, Api<'_>) {
    (
        api(t, "acme", "ana@acme.test", Role::Admin).await,
        api(t, "acme", "luis@acme.test", Role::Manager).await,
        api(t, "acme", "sara@acme.test", Role::Sales).await,
    )
}

impl Api<'_> {
    /// POSTs what must be created; returns it.
    async fn make(&self, path: &str, body: Value) -> Value {
        let (status, v) = self.post(path, body).await;
        assert_eq!(status, 201, "{v}");
        v
    }

    /// GETs `path` with `q`; returns the status and the JSON answer.
    async fn get(&self, path: &str, q: &[(&str, &str)]) -> (u16, Value) {
        let r = self.c.get(self.url(path)).query(q).send().await;
        let r = r.expect("get");
        (r.status().as_u16(), json(r).await)
    }

    /// The items of a list, which must answer.
    async fn items(&self, path: &str, q: &[(&str, &str)]) -> Vec<Value> {
        let (status, page) = self.get(path, q).await;
        assert_eq!(status, 200, "{path} {q:?}: {page}");
        page["data"].as_array().expect("data").clone()
    }

    /// The display names of a list of customers, in the order given.
    async fn names(&self, path: &str, q: &[(&str, &str)]) -> Vec<String> {
        let list = self.items(path, q).await;
        let names = list.iter().map(|p| p["display_name"].as_str());
        names.map(|n| n.expect("name").to_owned()).collect()
    }

    /// The fields a 422 answer to `GET path` with `q` names.
    async fn refused(&self, path: &str, q: &[(&str, &str)]) -> Vec<String> {
        let r = self.c.get(self.url(path)).query(q).send().await;
        let r = r.expect("get");
        assert_eq!(r.status(), 422, "{path} {q:?}");
        let p = json(r).await;
        let errors = p["errors"].as_array().expect("errors").iter();
        errors
            .map(|e| e["field"].as_str().expect("field").to_owned())
            .collect()
    }

    /// Every customer of `/customers?sort={sort}`, walking pages of `limit`.
    async fn walk(&self, sort: &str, limit: &str) -> Vec<Value> {
        let (mut all, mut cursor) = (Vec::new(), None::<String>);
        for _ in 0..20 {
            let mut q = vec![("sort", sort), ("limit", limit)];
            q.extend(cursor.as_deref().map(|c| ("cursor", c)));
            let (status, page) = self.get("/customers", &q).await;
            assert_eq!(status, 200, "{q:?}: {page}");
            let data = page["data"].as_array().expect("data");
            assert!(data.len() <= limit.parse().expect("limit"), "{page}");
            all.extend(data.iter().cloned());
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => return all,
            }
        }
        panic!("{sort}: the cursors never end: {all:?}")
    }

    /// The CSV export with `q`, which must answer.
    async fn csv(&self, q: &str) -> String {
        let url = self.url(&format!("/customers/export?format=csv{q}"));
        let r = self.c.get(url).send().await.expect("export");
        assert_eq!(r.status(), 200, "{q}");
        r.text().await.expect("csv")
    }

    /// Defines a field of each (key, type, options) with that key and label.
    async fn fields(&self, applies_to: &str, defs: &[(&str, &str, &str)]) {
        for (key, field_type, options) in defs {
            let mut body = json!({"label": key, "key": key, "field_type": field_type});
            body["applies_to"] = json!(applies_to);
            if !options.is_empty() {
                body["options"] = json!(options.split('|').collect::<Vec<_>>());
            }
            self.make("/settings/custom-fields", body).await;
        }
    }
}

fn ids(list: &[Value]) -> Vec<&str> {
    list.iter().map(|p| p["id"].as_str().expect("id")).collect()
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn custom_field_filters_select_customers_on_lists_and_exports(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let a = api(&t, "acme", "ana@acme.test", Role::Admin).await;
    a.fields(
        "both",
        &[
            ("plan", "select", "Oro|Plata"),
            ("valor", "money", ""),
            ("alta", "date", ""),
            ("activo", "boolean", ""),
            ("canales", "multi_select", "Email|Teléfono|WhatsApp"),
        ],
    )
    .await;
    a.make("/customers", json!({"given_name": "Ana", "custom_fields": {"plan": "Oro", "valor": 1500, "alta": "2026-01-10", "activo": true, "canales": ["Email", "WhatsApp"]}})).await;
    a.make("/customers", json!({"given_name": "Bea", "custom_fields": {"plan": "Plata", "valor": 999.99, "alta": "2026-02-01", "activo": false, "canales": ["Teléfono"]}})).await;
    a.make("/customers", json!({"given_name": "Carla"})).await;
    let org = |name: &str, plan: &str| json!({"name": name, "custom_fields": {"plan": plan}});
    a.make("/organizations", org("Acme", "oro")).await;
    a.make("/organizations", org("Globex", "Plata")).await;
    for (q, expected) in [
        (vec![("cf.plan", "oro")], vec!["Ana"]),
        (vec![("cf.plan", "Plata")], vec!["Bea"]),
        (vec![("cf.canales", "whatsapp")], vec!["Ana"]),
        (vec![("cf.canales", "telefono")], vec!["Bea"]),
        (vec![("cf.activo", "sí")], vec!["Ana"]),
        (vec![("cf.activo", "true")], vec!["Ana"]),
        (vec![("cf.activo", "false")], vec!["Bea"]),
        (vec![("cf.valor.min", "1000")], vec!["Ana"]),
        (vec![("cf.valor.max", "999.99")], vec!["Bea"]),
        (
            vec![("cf.valor.min", "999.99"), ("cf.valor.max", "1500")],
            vec!["Bea", "Ana"],
        ),
        (vec![("cf.valor.min", "1500.01")], vec![]),
        (vec![("cf.alta.min", "2026-02-01")], vec!["Bea"]),
        (vec![("cf.alta.max", "2026-01-10")], vec!["Ana"]),
        (vec![("cf.plan.empty", "true")], vec!["Carla"]),
        (vec![("cf.plan.empty", "false")], vec!["Bea", "Ana"]),
        (vec![("cf.plan", "oro"), ("cf.activo", "false")], vec![]),
    ] {
        assert_eq!(a.names("/customers", &q).await, expected, "{q:?}");
    }
    let orgs = a.names("/organizations", &[("cf.plan", "ORO")]).await;
    assert_eq!(orgs, vec!["Acme"]);
    let orgs = a
        .names("/organizations", &[("cf.valor.empty", "true")])
        .await;
    assert_eq!(orgs, vec!["Globex", "Acme"]);
    let csv = a.csv("&cf.plan=oro").await;
    assert_eq!(csv.lines().count(), 2, "the header and Ana: {csv}");
    assert!(csv.contains(",Ana,"), "{csv}");
    for (q, field) in [
        (("cf.nope", "1"), "cf.nope"),
        (("cf.plan", "Bronce"), "cf.plan"),
        (("cf.activo", "quizás"), "cf.activo"),
        (("cf.alta.min", "ayer"), "cf.alta"),
        (("cf.valor.max", "mucho"), "cf.valor"),
    ] {
        for (path, format) in [
            ("/customers", None),
            ("/organizations", None),
            ("/customers/export", Some(("format", "csv"))),
        ] {
            let q: Vec<_> = [Some(q), format].into_iter().flatten().collect();
            let got = a.refused(path, &q).await;
            assert_eq!(got.len(), 1, "{path} {q:?}: {got:?}");
            assert!(
                got[0].starts_with(field),
                "{path} {q:?} names {field}: {got:?}"
            );
        }
    }
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn sorted_lists_page_through_every_customer_once_across_ties_and_missing_values(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let a = api(&t, "acme", "ana@acme.test", Role::Admin).await;
    a.fields("person", &[("puntos", "number", "")]).await;
    let mut people = Vec::new();
    for (name, puntos) in [
        ("Beatriz", Some(5)),
        ("Álvaro", Some(10)),
        ("carlos", Some(10)),
        ("beatriz", None),
        ("Beatriz", Some(10)),
        ("Diego", None),
        ("Eva", None),
    ] {
        let mut body = json!({"given_name": name});
        if let Some(n) = puntos {
            body["custom_fields"] = json!({"puntos": n});
        }
        people.push(a.make("/customers", body).await["id"].clone());
    }
    let touched = [3, 0, 6, 1, 5, 2, 4].map(|i| people[i].as_str().expect("id"));
    for id in touched {
        let r = a.c.patch(a.url(&format!("/customers/{id}")));
        let r = r.json(&json!({"notes": "touched"})).send().await;
        assert_eq!(r.expect("patch").status(), 200);
    }
    let by_name = [
        "álvaro", "beatriz", "beatriz", "beatriz", "carlos", "diego", "eva",
    ];
    let newest: Vec<&str> = touched.iter().rev().copied().collect();
    for (sort, expected) in [
        ("name", json!(by_name)),
        ("-name", json!(by_name.iter().rev().collect::<Vec<_>>())),
        (
            "cf.puntos",
            json!([5.0, 10.0, 10.0, 10.0, null, null, null]),
        ),
        (
            "-cf.puntos",
            json!([10.0, 10.0, 10.0, 5.0, null, null, null]),
        ),
        ("updated", json!(touched)),
        ("-updated", json!(newest)),
    ] {
        // What the sort orders by: the name without case, the number, or (updates) the id.
        let seen = |p: &Value| match sort.trim_start_matches('-') {
            "name" => json!(p["display_name"].as_str().expect("name").to_lowercase()),
            "cf.puntos" => json!(p["custom_fields"]["puntos"].as_f64()),
            _ => p["id"].clone(),
        };
        let whole = a
            .items("/customers", &[("sort", sort), ("limit", "50")])
            .await;
        let got: Vec<Value> = whole.iter().map(seen).collect();
        assert_eq!(json!(got), expected, "sort={sort}");
        for limit in ["2", "3"] {
            let walked = a.walk(sort, limit).await;
            let why = format!("sort={sort}, pages of {limit}: each customer once, in order");
            let got: Vec<Value> = walked.iter().map(seen).collect();
            assert_eq!(json!(got), expected, "{why}");
            assert_eq!(ids(&walked), ids(&whole), "{why}");
        }
    }
    for n in ["Zeta", "Ácme", "beta"] {
        a.make("/organizations", json!({"name": n})).await;
    }
    let orgs = a.names("/organizations", &[("sort", "name")]).await;
    assert_eq!(orgs, vec!["Ácme", "beta", "Zeta"]);
    for bad in ["size", "cf.nope", "-cf.nope", "name,updated"] {
        let got = a.refused("/customers", &[("sort", bad)]).await;
        assert_eq!(got, vec!["sort"], "{bad}");
    }
    let (_, first) = a
        .get("/customers", &[("sort", "name"), ("limit", "2")])
        .await;
    let cursor = first["next_cursor"].as_str().expect("a next page");
    let q = [("sort", "newest"), ("limit", "2"), ("cursor", cursor)];
    let got = a.refused("/customers", &q).await;
    assert_eq!(got, vec!["cursor"], "a cursor of another sort");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn the_csv_export_has_a_column_per_custom_field_after_the_standard_ones(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let a = api(&t, "acme", "ana@acme.test", Role::Admin).await;
    let standard = a.csv("").await.lines().next().expect("header").to_owned();
    a.fields(
        "person",
        &[
            ("plan", "select", "Oro|Plata"),
            ("valor", "money", ""),
            ("activo", "boolean", ""),
            ("canales", "multi_select", "Email|Teléfono|WhatsApp"),
            ("alta", "date", ""),
        ],
    )
    .await;
    a.make(
        "/customers",
        json!({"given_name": "Bea", "custom_fields": {"activo": "no"}}),
    )
    .await;
    a.make("/customers", json!({"given_name": "Ana", "custom_fields": {"plan": "oro", "valor": 1250.5, "activo": true, "canales": "whatsapp; email", "alta": "31/01/2026"}})).await;
    let csv = a.csv("&sort=name").await;
    let rows: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 3, "{csv}");
    let header = format!("{standard},plan,valor,activo,canales,alta");
    assert_eq!(rows[0].join(","), header, "after the standard columns");
    let n = rows[0].len();
    assert_eq!(rows[1][2], "Ana", "sorted by name: {csv}");
    let ana = ["Oro", "1250.50", "yes", "Email; WhatsApp", "2026-01-31"];
    assert_eq!(rows[1][n - 5..], ana, "{csv}");
    assert_eq!(rows[2][2], "Bea", "{csv}");
    assert_eq!(rows[2][n - 5..], ["", "", "no", "", ""], "{csv}");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_saved_view_keeps_its_query_without_the_cursor_and_only_leaders_share_one(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let (ana, luis, sara) = team(&t).await;
    let query = "lifecycle_stage=lead&cf.plan=Oro&cursor=abc";
    let v = sara
        .make("/views", json!({"name": "Leads VIP", "query": query}))
        .await;
    assert_eq!(v["list"], "customers", "{v}");
    assert_eq!(v["name"], "Leads VIP");
    assert_eq!(
        v["query"], "lifecycle_stage=lead&cf.plan=Oro",
        "the cursor is dropped"
    );
    assert_eq!(v["shared"], false);
    assert_eq!(v["mine"], true);
    assert!(v["id"].is_string() && v["created_at"].is_string(), "{v}");
    let orgs =
        json!({"list": "organizations", "name": "Por nombre", "query": "cursor=x&sort=name"});
    let v = sara.make("/views", orgs).await;
    assert_eq!(v["list"], "organizations", "{v}");
    assert_eq!(v["query"], "sort=name");
    for (body, field) in [
        (json!({"name": "", "query": "sort=name"}), "name"),
        (json!({"list": "deals", "name": "X", "query": ""}), "list"),
    ] {
        let (status, p) = sara.post("/views", body.clone()).await;
        assert_eq!(status, 422, "{body}: {p}");
        assert_eq!(p["errors"][0]["field"], field, "{p}");
    }
    let shared = json!({"name": "Todos", "query": "sort=name", "shared": true});
    let (status, _) = sara.post("/views", shared.clone()).await;
    assert_eq!(status, 403, "a sales rep cannot share");
    for leader in [&luis, &ana] {
        let v = leader.make("/views", shared.clone()).await;
        assert_eq!((&v["shared"], &v["mine"]), (&json!(true), &json!(true)));
    }
    let seen = sara.items("/views", &[("list", "customers")]).await;
    let seen: Vec<Value> = seen.iter().map(|v| json!([v["name"], v["mine"]])).collect();
    let expected = json!([["Leads VIP", true], ["Todos", false], ["Todos", false]]);
    assert_eq!(json!(seen), expected);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn each_user_sees_their_own_views_and_shared_ones_by_name_within_the_workspace(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let (ana, luis, sara) = team(&t).await;
    let bob = api(&t, "globex", "bob@globex.test", Role::Admin).await;
    let view = |name: &str, shared| json!({"name": name, "query": "sort=name", "shared": shared});
    ana.make("/views", view("Zeta", false)).await;
    let vip = ana.make("/views", view("Clientes VIP", true)).await;
    luis.make("/views", view("Mis leads", false)).await;
    luis.make("/views", view("Bajas", true)).await;
    sara.make("/views", view("Alfa", false)).await;
    let orgs = json!({"list": "organizations", "name": "Empresas", "query": "", "shared": true});
    ana.make("/views", orgs).await;
    for (who, list, expected) in [
        (
            &sara,
            "customers",
            json!([["Alfa", true], ["Bajas", false], ["Clientes VIP", false]]),
        ),
        (
            &luis,
            "customers",
            json!([
                ["Bajas", true],
                ["Clientes VIP", false],
                ["Mis leads", true]
            ]),
        ),
        (
            &ana,
            "customers",
            json!([["Bajas", false], ["Clientes VIP", true], ["Zeta", true]]),
        ),
        (&sara, "organizations", json!([["Empresas", false]])),
        (&bob, "customers", json!([])),
        (&bob, "organizations", json!([])),
    ] {
        let got = who.items("/views", &[("list", list)]).await;
        let got: Vec<Value> = got.iter().map(|v| json!([v["name"], v["mine"]])).collect();
        assert_eq!(json!(got), expected, "{list}");
    }
    let vip = format!("/views/{}", vip["id"].as_str().expect("id"));
    assert_eq!(bob.delete(&vip).await, 404, "another workspace's view");
    let left = sara.items("/views", &[("list", "customers")]).await;
    assert_eq!(left.len(), 3, "still there");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn views_are_deleted_by_their_author_and_shared_ones_by_managers_and_admins(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let (ana, luis, sara) = team(&t).await;
    let save = |who: &Api<'_>, name: &str, shared: bool| {
        let body = json!({"name": name, "query": "", "shared": shared});
        let (c, url) = (who.c.clone(), who.url("/views"));
        async move {
            let r = c.post(url).json(&body).send().await.expect("save");
            assert_eq!(r.status(), 201);
            format!("/views/{}", json(r).await["id"].as_str().expect("id"))
        }
    };
    let alfa = save(&sara, "Alfa", false).await;
    let todos = save(&ana, "Todos", true).await;
    let bajas = save(&luis, "Bajas", true).await;
    let zeta = save(&ana, "Zeta", false).await;
    assert_eq!(
        luis.delete(&alfa).await,
        404,
        "another's private view is not there"
    );
    assert_eq!(ana.delete(&alfa).await, 404, "not even for an admin");
    assert_eq!(
        sara.delete(&todos).await,
        403,
        "a sales rep keeps others' shared views"
    );
    assert_eq!(sara.delete(&alfa).await, 204, "the author deletes");
    assert_eq!(sara.delete(&alfa).await, 404, "once");
    assert_eq!(
        luis.delete(&todos).await,
        204,
        "a manager deletes a shared view"
    );
    assert_eq!(
        ana.delete(&bajas).await,
        204,
        "an admin deletes a shared view"
    );
    assert_eq!(ana.delete(&zeta).await, 204);
    for who in [&ana, &luis, &sara] {
        assert!(who
            .items("/views", &[("list", "customers")])
            .await
            .is_empty());
    }
}
